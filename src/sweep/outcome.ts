// What a sweep has so far: finished runs (from DIR, or just run) and failed ones with their errors,
// and the words progress and reports use for a run.
import type { RunResult } from '../eval/metrics.ts';
import type { PlannedRun } from './plan.ts';
import { readRun } from './results-dir.ts';
import { finalTestAccuracy, validationScore } from './select.ts';

export interface SweepOutcome {
  results: Map<string, RunResult>;
  failures: Map<string, string>;
}

/** The runs whose results are in DIR already (never run again), and those left to run. */
export function findFinished(runs: readonly PlannedRun[], dir: string): { outcome: SweepOutcome; pending: PlannedRun[] } {
  const outcome: SweepOutcome = { results: new Map(), failures: new Map() };
  const pending: PlannedRun[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    if (seen.has(run.id)) continue; // the same configuration twice in a grid is one run
    seen.add(run.id);
    const existing = readRun(dir, run.id);
    if (existing) outcome.results.set(run.id, existing);
    else pending.push(run);
  }
  return { outcome, pending };
}

export function describeRun(run: PlannedRun): string {
  return `${run.spec.approach}${run.label === 'defaults' ? '' : ` ${run.label}`} seed ${run.spec.seed}`;
}

export function describeResult(result: RunResult, seconds?: number): string {
  const v = validationScore(result);
  return `${v === null ? '' : `valid ${(100 * v).toFixed(1)}%, `}final test ${(100 * finalTestAccuracy(result)).toFixed(1)}%${seconds === undefined ? '' : ` (${seconds.toFixed(0)} s)`}`;
}
