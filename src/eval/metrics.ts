// The paper's metric (docs/hat.md, "Metric: forgetting ratio") and its summary over seeds. Pure: no GPU, no Node.
//
//   rho[t][u] = (A[t][u] − A_R[u]) / (A_J[t][u] − A_R[u]) − 1      for u ≤ t
//   rho[t]    = mean over u ≤ t of rho[t][u]
// A is the approach's accuracy matrix, A_J joint training's, A_R random stratified guessing's, all in
// the results-JSON layout: accuracy[t][u] = test accuracy on task u after training through task t
// (row t has t + 1 entries). rho = 0: as good as joint training; rho = −1: chance.

/** The task list of a results file. */
export interface TaskInfo {
  name: string;
  classes: number[];
  nTrain: number;
  nValid: number;
  nTest: number;
}

/** One run's results file (src/cli/results.ts writes it; src/eval/random.ts makes random's). */
export interface RunResult {
  benchmark: string;
  approach: string;
  seed: number;
  tasks: TaskInfo[];
  /** accuracy[t][u], fractions in [0, 1]; row t covers tasks 0..t. */
  accuracy: number[][];
  /** Per task learned, per gated layer, the fraction of units whose cumulative mask is over 0.5 (HAT). */
  maskUsage: number[][];
  /** The same layout as accuracy, the task not given (docs/metrics.md); absent from older results. */
  accuracyTaskAgnostic?: number[][];
  /** taskInferenceAccuracy[t][u]: the fraction of task u's test samples whose task was inferred right after task t. */
  taskInferenceAccuracy?: number[][];
  /** Each task's test accuracy trained alone (FWT's references), or null. */
  singleTaskAccuracy?: number[] | null;
  [key: string]: unknown;
}

/** A matrix row t must cover tasks 0..t; names the matrix and the row when it does not. */
function entry(what: string, m: readonly (readonly number[])[], t: number, u: number): number {
  const v = m[t]?.[u];
  if (v === undefined || !Number.isFinite(v)) throw new RangeError(`${what}: no finite accuracy for task ${u} after task ${t} (row ${t} is [${(m[t] ?? []).join(', ')}])`);
  return v;
}

/**
 * rho[t][u] for every t and u ≤ t. `random` is an accuracy matrix (its rows repeat A_R[u]) or the vector
 * A_R[u]. Throws naming t and u where joint and random accuracies are equal (a zero denominator).
 */
export function forgettingMatrix(A: readonly (readonly number[])[], joint: readonly (readonly number[])[], random: readonly (readonly number[])[] | readonly number[]): number[][] {
  const randomAt = (t: number, u: number): number =>
    typeof random[0] === 'number' ? entry('random', [random as readonly number[]], 0, u) : entry('random', random as readonly (readonly number[])[], t, u);
  return A.map((row, t) => {
    if (joint[t] === undefined) throw new RangeError(`joint: no accuracies after task ${t} (joint has ${joint.length} rows, the approach ${A.length})`);
    return Array.from({ length: t + 1 }, (_, u) => {
      const a = entry('approach', A, t, u), aj = entry('joint', joint, t, u), ar = randomAt(t, u);
      const den = aj - ar;
      if (den === 0) throw new RangeError(`forgetting ratio undefined for task ${u} after task ${t}: joint accuracy equals random accuracy (${aj})`);
      return (a - ar) / den - 1;
    });
  });
}

/** rho[t] = mean over u ≤ t of rho[t][u], for each t. */
export function forgettingRatio(A: readonly (readonly number[])[], joint: readonly (readonly number[])[], random: readonly (readonly number[])[] | readonly number[]): number[] {
  return forgettingMatrix(A, joint, random).map((row) => row.reduce((a, b) => a + b, 0) / row.length);
}

/** Two-sided 95 % quantiles t_{0.975, df} of Student's t for df = 1..30. */
const T975 = [
  12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
  2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
  2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
];
/** The normal quantile used past the table (df > 30; the t quantile is then within 2 % of it). */
export const Z975 = 1.959964;

/** t_{0.975, df}: the table for df ≤ 30, the normal quantile beyond. */
export function studentT975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`studentT975: degrees of freedom must be a positive integer, got ${df}`);
  return df <= 30 ? T975[df - 1]! : Z975;
}

export interface Interval {
  mean: number;
  /** Half-width of the 95 % Student-t interval; null with fewer than 2 values. */
  half: number | null;
  n: number;
}

/** Mean and 95 % Student-t interval (sample standard deviation, df = n − 1) of a set of values. */
export function meanInterval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) throw new RangeError('meanInterval: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, half: null, n };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, half: studentT975(n - 1) * Math.sqrt(variance / n), n };
}

/** Elementwise mean of equally shaped (possibly ragged) matrices. */
export function meanMatrix(ms: readonly (readonly (readonly number[])[])[]): number[][] {
  if (ms.length === 0) throw new RangeError('meanMatrix: no matrices');
  return ms[0]!.map((row, t) => row.map((_, u) => ms.reduce((a, m) => a + entry('meanMatrix', m, t, u), 0) / ms.length));
}

/**
 * rho[t] over seeds for one approach: each seed's run against joint and random of the same seed when
 * present, else against the mean of their runs over all seeds. Returns one interval per t.
 */
export function forgettingOverSeeds(runs: readonly RunResult[], joint: readonly RunResult[], random: readonly RunResult[]): Interval[] {
  if (runs.length === 0) throw new RangeError('forgettingOverSeeds: no runs');
  if (joint.length === 0) throw new RangeError(`forgettingOverSeeds: no joint run to compare ${runs[0]!.approach} with`);
  if (random.length === 0) throw new RangeError(`forgettingOverSeeds: no random run to compare ${runs[0]!.approach} with`);
  const jointMean = meanMatrix(joint.map((r) => r.accuracy));
  const randomMean = meanMatrix(random.map((r) => r.accuracy));
  const perSeed = runs.map((r) => {
    const j = joint.find((x) => x.seed === r.seed)?.accuracy ?? jointMean;
    const rnd = random.find((x) => x.seed === r.seed)?.accuracy ?? randomMean;
    return forgettingRatio(r.accuracy, j, rnd);
  });
  const T = Math.min(...perSeed.map((p) => p.length));
  return Array.from({ length: T }, (_, t) => meanInterval(perSeed.map((p) => p[t]!)));
}
