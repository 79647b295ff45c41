// Summary statistics of timing samples: order statistics (min, p10, median, p90), the mean and its
// standard error. Pure functions of the numbers, so the tests can check them on synthetic samples.

export interface SampleStats {
  n: number;
  min: number;
  max: number;
  median: number;
  p10: number;
  p90: number;
  mean: number;
  /** Standard error of the mean: sample standard deviation / √n (NaN below two samples). */
  sem: number;
  /** sem / mean: the stop rule compares this with its target (1 % by default). */
  relativeSem: number;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of sorted values, interpolating linearly between the two nearest ranks
 * (the definition of R's type 7 and NumPy's default), so p50 of an even count is the midpoint.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must lie in [0, 1], got ${q}`);
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at), hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted([...values].sort((a, b) => a - b), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample variance (n − 1 in the denominator). */
export function variance(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return sum / (values.length - 1);
}

export function standardError(values: readonly number[]): number {
  return Math.sqrt(variance(values) / values.length);
}

export function summarize(values: readonly number[]): SampleStats {
  const sorted = [...values].sort((a, b) => a - b);
  const m = mean(sorted);
  const sem = standardError(sorted);
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    median: quantileSorted(sorted, 0.5),
    p10: quantileSorted(sorted, 0.1),
    p90: quantileSorted(sorted, 0.9),
    mean: m,
    sem,
    relativeSem: sem / Math.abs(m),
  };
}

/**
 * The stop rule: enough samples that the standard error means something (`minSamples`, at least 2), and
 * a standard error below `targetRelativeSem` of the mean.
 */
export function precise(values: readonly number[], targetRelativeSem: number, minSamples: number): boolean {
  if (values.length < Math.max(2, minSamples)) return false;
  const rel = standardError(values) / Math.abs(mean(values));
  return Number.isFinite(rel) && rel < targetRelativeSem;
}
