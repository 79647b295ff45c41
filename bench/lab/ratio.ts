// The ratio of two variants' times from one interleaved run, with a confidence interval.
//
// Each sample of variant x is compared with the samples of y run just before and just after it (y's
// time interpolated to x's place in the run): a load that drifts during the run moves both sides alike,
// and y runs as often before x as after it, so neither profits from running second. At the two ends of
// the run, where y ran on one side of x only, that sample stands in (a pair per round, even in a short run). The interval is a t-interval on the log ratios,
// mapped back by exp (ratios multiply; their logs add). Neighbouring log ratios share one y sample, so
// they are correlated (by up to ½); the variance of their mean is widened by 1 + 2ρ₁, ρ₁ their lag-1
// autocorrelation, so the interval does not claim more precision than the run has.
import { mean, variance } from './stats.ts';
import { studentTQuantile } from './student-t.ts';

/** One sample of an interleaved run, in the order the run took them: which variant, ms per unit of work. */
export interface RunSample {
  variant: number;
  ms: number;
}

export interface RatioInterval {
  /** time(x) / time(y): below 1, x is faster. The geometric mean of the paired ratios. */
  ratio: number;
  low: number;
  high: number;
  confidence: number;
  /** Paired ratios behind it. */
  pairs: number;
}

/**
 * log(x / y) for each sample of x: y's time at x's slot interpolated (in log, by slot position) between
 * the y samples just before and just after it (with two variants their geometric mean; with more, the
 * nearer weighs more). At the ends of the run, where y ran on one side only, that one sample stands in.
 */
export function bracketedLogRatios(run: readonly RunSample[], x: number, y: number): number[] {
  const out: number[] = [];
  let before = -1;
  for (let i = 0; i < run.length; i++) {
    const s = run[i]!;
    if (s.variant === y) before = i;
    if (s.variant !== x) continue;
    let after = i + 1;
    while (after < run.length && run[after]!.variant !== y) after++;
    const hasAfter = after < run.length;
    if (before < 0 && !hasAfter) continue;
    let logY: number;
    if (before < 0) logY = Math.log(run[after]!.ms);
    else if (!hasAfter) logY = Math.log(run[before]!.ms);
    else {
      const w = (i - before) / (after - before);
      logY = (1 - w) * Math.log(run[before]!.ms) + w * Math.log(run[after]!.ms);
    }
    out.push(Math.log(s.ms) - logY);
  }
  return out;
}

/** Lag-1 autocorrelation of a series (0 when undefined). */
export function lag1Autocorrelation(values: readonly number[]): number {
  if (values.length < 3) return 0;
  const m = mean(values);
  let num = 0, den = 0;
  for (let i = 0; i < values.length; i++) {
    den += (values[i]! - m) ** 2;
    if (i > 0) num += (values[i]! - m) * (values[i - 1]! - m);
  }
  return den > 0 ? num / den : 0;
}

/** The ratio and its `confidence` interval from log ratios (see the top of this file). */
export function ratioInterval(logRatios: readonly number[], confidence = 0.95): RatioInterval {
  const k = logRatios.length;
  const m = mean(logRatios);
  if (k < 2) return { ratio: Math.exp(m), low: NaN, high: NaN, confidence, pairs: k };
  // Clamped: a negative estimate (noise) must not narrow the interval below the independent case.
  const rho = Math.min(0.9, Math.max(0, lag1Autocorrelation(logRatios)));
  const se = Math.sqrt((variance(logRatios) / k) * (1 + 2 * rho));
  const t = studentTQuantile(1 - (1 - confidence) / 2, k - 1);
  return { ratio: Math.exp(m), low: Math.exp(m - t * se), high: Math.exp(m + t * se), confidence, pairs: k };
}

export function pairedRatio(run: readonly RunSample[], x: number, y: number, confidence = 0.95): RatioInterval {
  return ratioInterval(bracketedLogRatios(run, x, y), confidence);
}
