// The runs of a sweep, in the order they run (seed, then approach, then setting: a worker or the
// embedded runner reuses one seed's task sequence), each with its id and its setting's id and label.
import type { TrainConfig } from '../config/index.ts';
import { runId, settingId, validateRunSpec, type RunSpec, type SweepApproach } from './spec.ts';

export interface PlannedRun {
  /** SHA-256 of the full resolved configuration: the job id and DIR/runs/<id>.json. */
  id: string;
  /** The same without the seed: the runs one setting's validation score averages. */
  settingId: string;
  /** The setting in words: the grid's values for it ("lambda=0.5 smax=100"), "defaults" without a grid. */
  label: string;
  spec: RunSpec;
}

export interface SweepPlan {
  benchmark: string;
  approaches: SweepApproach[];
  seeds: number[];
  runs: PlannedRun[];
}

/** A spec before the schema fills in its defaults: some of the config's keys. */
export type PartialRunSpec = Omit<RunSpec, 'config'> & { config: Partial<TrainConfig> | null };

/** A planned run from a spec (checked and completed with the schema's defaults first). */
export function plannedRun(spec: PartialRunSpec, label: string): PlannedRun {
  const resolved = validateRunSpec(spec);
  return { id: runId(resolved), settingId: settingId(resolved), label, spec: resolved };
}

/** Sorts runs seed first, keeping the given order within a seed. */
export function bySeed(runs: PlannedRun[]): PlannedRun[] {
  return runs.map((r, i) => ({ r, i })).sort((a, b) => a.r.spec.seed - b.r.spec.seed || a.i - b.i).map(({ r }) => r);
}
