// The metrics continual-learning papers report, from an accuracy matrix (docs/metrics.md). Pure: no GPU,
// no Node. A is in the results-JSON layout: A[t][u] = test accuracy on task u after training through task
// t, u ≤ t (row t has t + 1 entries); the same functions serve the task-aware and the task-agnostic matrix.
//
//   average accuracy after task t   ACC[t] = mean over u ≤ t of A[t][u]
//   backward transfer (Lopez-Paz & Ranzato 2017)   BWT = 1/(T−1) Σ_{u<T−1} (A[T−1][u] − A[u][u])
//   forward transfer against single-task references R[u] (each task trained alone from random
//   initialisation, same seed)   FWT = 1/(T−1) Σ_{u≥1} (A[u][u] − R[u])
//   forgetting (Chaudhry et al. 2018)   F = 1/(T−1) Σ_{u<T−1} (max_{l<T−1} A[l][u] − A[T−1][u])
import { meanInterval, type Interval, type RunResult } from './metrics.ts';

/** The scalar metrics of one run's matrix (null where undefined: one task, or no references). */
export interface AccuracyMetrics {
  /** ACC[t] after each task t. */
  averageAccuracy: number[];
  bwt: number | null;
  fwt: number | null;
  forgetting: number | null;
}

/** A run's metrics, told the task (task-aware) and not (task-agnostic; null when the run has no such matrix). */
export interface RunMetrics {
  taskAware: AccuracyMetrics;
  taskAgnostic: AccuracyMetrics | null;
}

function at(what: string, A: readonly (readonly number[])[], t: number, u: number): number {
  const v = A[t]?.[u];
  if (v === undefined || !Number.isFinite(v)) throw new RangeError(`${what}: no finite accuracy for task ${u} after task ${t} (row ${t} is [${(A[t] ?? []).join(', ')}])`);
  return v;
}

/** Whether every row t has t + 1 finite entries (a task-agnostic matrix from an older checkpoint may have empty rows). */
export function isCompleteMatrix(A: readonly (readonly number[])[] | undefined | null): A is number[][] {
  return !!A && A.length > 0 && A.every((row, t) => Array.isArray(row) && row.length >= t + 1 && row.slice(0, t + 1).every((v) => typeof v === 'number' && Number.isFinite(v)));
}

/** ACC[t] = mean over u ≤ t of A[t][u], for every t. */
export function averageAccuracy(A: readonly (readonly number[])[]): number[] {
  return A.map((_, t) => {
    let sum = 0;
    for (let u = 0; u <= t; u++) sum += at('averageAccuracy', A, t, u);
    return sum / (t + 1);
  });
}

/** BWT after the last task (negative: forgetting); null with fewer than two tasks. */
export function backwardTransfer(A: readonly (readonly number[])[]): number | null {
  const T = A.length;
  if (T < 2) return null;
  let sum = 0;
  for (let u = 0; u < T - 1; u++) sum += at('backwardTransfer', A, T - 1, u) - at('backwardTransfer', A, u, u);
  return sum / (T - 1);
}

/**
 * FWT: how much better each task after the first is learned in the sequence than alone from random
 * initialisation (`reference[u]`: task u's test accuracy trained alone, same seed and settings); null
 * with fewer than two tasks or no references.
 */
export function forwardTransfer(A: readonly (readonly number[])[], reference: readonly number[] | null | undefined): number | null {
  const T = A.length;
  if (T < 2 || !reference) return null;
  if (reference.length < T) throw new RangeError(`forwardTransfer: ${reference.length} single-task references for ${T} tasks`);
  let sum = 0;
  for (let u = 1; u < T; u++) {
    const r = reference[u]!;
    if (!Number.isFinite(r)) throw new RangeError(`forwardTransfer: the single-task reference of task ${u} is ${r}`);
    sum += at('forwardTransfer', A, u, u) - r;
  }
  return sum / (T - 1);
}

/** Chaudhry et al.'s average forgetting after the last task: the drop from each earlier task's best accuracy; null with one task. */
export function forgetting(A: readonly (readonly number[])[]): number | null {
  const T = A.length;
  if (T < 2) return null;
  let sum = 0;
  for (let u = 0; u < T - 1; u++) {
    let best = -Infinity;
    for (let l = u; l < T - 1; l++) best = Math.max(best, at('forgetting', A, l, u));
    sum += best - at('forgetting', A, T - 1, u);
  }
  return sum / (T - 1);
}

/** Every metric of one matrix. */
export function accuracyMetrics(A: readonly (readonly number[])[], reference?: readonly number[] | null): AccuracyMetrics {
  return { averageAccuracy: averageAccuracy(A), bwt: backwardTransfer(A), fwt: forwardTransfer(A, reference), forgetting: forgetting(A) };
}

/** What the metrics read of a run (a results JSON or a TrainResult). */
export interface MatricesOfRun {
  accuracy: number[][];
  accuracyTaskAgnostic?: number[][] | null;
  /** Each task's test accuracy trained alone (same seed and settings): FWT's reference. */
  singleTaskAccuracy?: number[] | null;
}

/** Task-aware and task-agnostic metrics of one run; the task-agnostic ones are null when its matrix is missing or incomplete. */
export function runMetrics(run: MatricesOfRun, reference: readonly number[] | null = run.singleTaskAccuracy ?? null): RunMetrics {
  return {
    taskAware: accuracyMetrics(run.accuracy, reference),
    taskAgnostic: isCompleteMatrix(run.accuracyTaskAgnostic) ? accuracyMetrics(run.accuracyTaskAgnostic.slice(0, run.accuracy.length), reference) : null,
  };
}

/** One metric over seeds: mean and 95 % interval (null when a seed lacks it). */
export interface MetricsOverSeeds {
  averageAccuracy: Interval[];
  bwt: Interval | null;
  fwt: Interval | null;
  forgetting: Interval | null;
}

/** A set of seeds' metrics, as mean and 95 % Student-t interval; a scalar missing from any seed is null. */
export function metricsOverSeeds(perSeed: readonly AccuracyMetrics[]): MetricsOverSeeds {
  if (perSeed.length === 0) throw new RangeError('metricsOverSeeds: no runs');
  const T = Math.min(...perSeed.map((m) => m.averageAccuracy.length));
  const scalar = (key: 'bwt' | 'fwt' | 'forgetting'): Interval | null => {
    const values = perSeed.map((m) => m[key]);
    return values.every((v): v is number => v !== null) ? meanInterval(values) : null;
  };
  return {
    averageAccuracy: Array.from({ length: T }, (_, t) => meanInterval(perSeed.map((m) => m.averageAccuracy[t]!))),
    bwt: scalar('bwt'), fwt: scalar('fwt'), forgetting: scalar('forgetting'),
  };
}

/** Task-aware and task-agnostic metrics over the seeds of one approach (task-agnostic: null unless every run has its matrix). */
export function runMetricsOverSeeds(runs: readonly (RunResult & MatricesOfRun)[]): { taskAware: MetricsOverSeeds; taskAgnostic: MetricsOverSeeds | null } {
  const each = runs.map((r) => runMetrics(r));
  const agnostic = each.map((m) => m.taskAgnostic);
  return {
    taskAware: metricsOverSeeds(each.map((m) => m.taskAware)),
    taskAgnostic: agnostic.every((m): m is AccuracyMetrics => m !== null) ? metricsOverSeeds(agnostic) : null,
  };
}

/**
 * Mean over the tasks learned of the task-inference accuracy after each task, per run (null rows: none).
 * With T tasks learned, guessing the task is right 1/T of the time: compare with `1 / (t + 1)`.
 */
export function meanTaskInference(taskInference: readonly (readonly number[])[] | null | undefined): number[] | null {
  if (!isCompleteMatrix(taskInference)) return null;
  return taskInference.map((row, t) => row.slice(0, t + 1).reduce((a, b) => a + b, 0) / (t + 1));
}
