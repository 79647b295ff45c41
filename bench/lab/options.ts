// Budgets and stop rules shared by benchKernel and compareKernels. Budgets are times, not counts: a
// fast kernel gets many samples, a slow one few, and either ends in about the same wall time.
import type { ClockChoice } from './work.ts';

export interface SamplingOptions {
  /** Untimed warm-up (pipeline compiles, pool, caches): at least two samples and this long. Default 100 ms. */
  warmupMs?: number;
  /** The measurement stops when this much time is spent… Default 2000 ms. */
  budgetMs?: number;
  /** …or earlier, once the standard error of the mean is below this fraction of the mean. Default 0.01. */
  targetRelativeSem?: number;
  /** Samples (rounds, when comparing) before the stop rule may end the measurement. Default 5. */
  minSamples?: number;
  /** Never more samples than this. Default 10,000. */
  maxSamples?: number;
  /** Units of work per sample; default: chosen in the warm-up so one sample takes about `targetSampleMs`. */
  units?: number;
  /** The time one sample should take when `units` is chosen. Default 2 ms on GPU timestamps, 10 ms on the wall clock. */
  targetSampleMs?: number;
  /** The most units one sample may hold. Default 256. */
  maxUnits?: number;
  /** Which clock (default 'auto': GPU timestamps where the device has them). */
  clock?: ClockChoice;
  /** Confidence of ratio intervals. Default 0.95. */
  confidence?: number;
  /** The clock budgets are counted on (tests pass a fake one). Default performance.now. */
  now?: () => number;
}

export type ResolvedSamplingOptions = Required<Omit<SamplingOptions, 'units' | 'targetSampleMs'>> & Pick<SamplingOptions, 'units' | 'targetSampleMs'>;

export function resolveSamplingOptions(o: SamplingOptions = {}): ResolvedSamplingOptions {
  const r: ResolvedSamplingOptions = {
    warmupMs: o.warmupMs ?? 100,
    budgetMs: o.budgetMs ?? 2000,
    targetRelativeSem: o.targetRelativeSem ?? 0.01,
    minSamples: o.minSamples ?? 5,
    maxSamples: o.maxSamples ?? 10_000,
    units: o.units,
    targetSampleMs: o.targetSampleMs,
    maxUnits: o.maxUnits ?? 256,
    clock: o.clock ?? 'auto',
    confidence: o.confidence ?? 0.95,
    now: o.now ?? (() => performance.now()),
  };
  for (const key of ['warmupMs', 'budgetMs'] as const) if (!(r[key] >= 0)) throw new RangeError(`${key} must be a time in ms ≥ 0, got ${r[key]}`);
  if (!(r.targetRelativeSem > 0)) throw new RangeError(`targetRelativeSem must be positive, got ${r.targetRelativeSem}`);
  if (!(r.confidence > 0 && r.confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${r.confidence}`);
  if (r.units !== undefined && !(Number.isInteger(r.units) && r.units >= 1)) throw new RangeError(`units must be a positive integer, got ${r.units}`);
  return r;
}

/** Units per sample so that one sample takes about `targetMs`, given one unit's time. */
export function unitsFor(unitMs: number, targetMs: number, maxUnits: number): number {
  if (!(unitMs > 0)) return maxUnits;
  return Math.max(1, Math.min(maxUnits, Math.ceil(targetMs / unitMs)));
}

export function defaultTargetSampleMs(clock: 'gpu-timestamp' | 'wall'): number {
  return clock === 'wall' ? 10 : 2;
}
