// Selection on validation only: a run's score is the validation accuracy of each task's kept epoch
// (the last epoch that improved on the validation loss: its parameters are the ones the task keeps),
// averaged over tasks; a setting's score is its runs' mean over seeds. Test accuracies are reported for
// the selected setting, never used to choose it.
import type { RunResult } from '../eval/metrics.ts';
import type { PlannedRun } from './plan.ts';

interface EpochLine {
  task: number;
  validAccuracy: number;
  improved: boolean;
}

/** The run's validation score, or null for runs without epochs (random). */
export function validationScore(result: RunResult): number | null {
  const epochs = (Array.isArray(result.epochs) ? result.epochs : []) as EpochLine[];
  if (epochs.length === 0) return null;
  const perTask: number[] = [];
  for (let t = 0; t < result.tasks.length; t++) {
    const mine = epochs.filter((e) => e.task === t);
    if (mine.length === 0) return null;
    const kept = mine.filter((e) => e.improved).at(-1);
    perTask.push(kept ? kept.validAccuracy : Math.max(...mine.map((e) => e.validAccuracy)));
  }
  return perTask.reduce((a, b) => a + b, 0) / perTask.length;
}

/** Mean test accuracy over all tasks after the last task. */
export function finalTestAccuracy(result: RunResult): number {
  const last = result.accuracy.at(-1) ?? [];
  return last.reduce((a, b) => a + b, 0) / Math.max(1, last.length);
}

export interface SettingSummary {
  approach: string;
  settingId: string;
  label: string;
  /** Seeds planned, finished (in seed order) and failed. */
  seeds: number[];
  finished: { seed: number; id: string; result: RunResult; validation: number | null }[];
  failed: { seed: number; id: string; error: string }[];
  validation: Stats | null;
  test: Stats | null;
  selected: boolean;
}

export interface Stats {
  mean: number;
  sd: number;
  n: number;
}

export function stats(xs: readonly number[]): Stats | null {
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd, n: xs.length };
}

/**
 * Every setting of the plan with its scores; per approach the setting with the best mean validation
 * score among those whose every seed finished is `selected` (the first in grid order on a tie).
 */
export function summariseSettings(runs: readonly PlannedRun[], results: ReadonlyMap<string, RunResult>, failures: ReadonlyMap<string, string>): SettingSummary[] {
  const byId = new Map<string, SettingSummary>();
  for (const run of runs) {
    let s = byId.get(run.settingId);
    if (!s) {
      s = { approach: run.spec.approach, settingId: run.settingId, label: run.label, seeds: [], finished: [], failed: [], validation: null, test: null, selected: false };
      byId.set(run.settingId, s);
    }
    s.seeds.push(run.spec.seed);
    const result = results.get(run.id);
    if (result) s.finished.push({ seed: run.spec.seed, id: run.id, result, validation: validationScore(result) });
    const error = failures.get(run.id);
    if (error !== undefined) s.failed.push({ seed: run.spec.seed, id: run.id, error });
  }
  const settings = [...byId.values()];
  for (const s of settings) {
    s.finished.sort((a, b) => a.seed - b.seed);
    s.validation = stats(s.finished.flatMap((f) => (f.validation === null ? [] : [f.validation])));
    s.test = stats(s.finished.map((f) => finalTestAccuracy(f.result)));
  }
  for (const approach of new Set(settings.map((s) => s.approach))) {
    const complete = settings.filter((s) => s.approach === approach && s.finished.length === s.seeds.length);
    // random and joint have one setting each: selected when complete, score or not.
    const best = complete.reduce<SettingSummary | null>((b, s) => (b === null || (s.validation?.mean ?? -1) > (b.validation?.mean ?? -1) ? s : b), null);
    if (best) best.selected = true;
  }
  return settings;
}
