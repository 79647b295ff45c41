// What a measurement reports: the samples, their statistics, the clock and why it stopped, and the
// rates (GFLOP/s, GB/s) of the median time.
import { summarize, type SampleStats } from './stats.ts';
import type { RatioInterval } from './ratio.ts';
import type { Sampler } from './sampler.ts';
import type { ClockKind } from './work.ts';

export type StopReason = 'precise' | 'budget' | 'max-samples';

export interface KernelBenchResult {
  name: string;
  clock: ClockKind;
  /** How the clock was read (units per sample, what was subtracted). */
  clockNote: string;
  unitsPerSample: number;
  /** Milliseconds per unit of work, in the order taken. */
  samples: number[];
  stats: SampleStats;
  stoppedBy: StopReason;
  /** Wall time the measurement took, warm-up excluded. */
  elapsedMs: number;
  flops?: number;
  bytes?: number;
  /** From the median time. */
  gflops?: number;
  gbps?: number;
}

export interface VariantRatio extends RatioInterval {
  /** time(variant) / time(baseline). */
  variant: string;
  baseline: string;
}

export interface ComparisonResult {
  clock: ClockKind;
  rounds: number;
  /** The variants' names in the order the run sampled them. */
  order: string[];
  variants: KernelBenchResult[];
  /** Every variant against the first. */
  ratios: VariantRatio[];
  stoppedBy: StopReason;
  elapsedMs: number;
}

export function resultOf(sampler: Sampler, samples: number[], units: number, stoppedBy: StopReason, elapsedMs: number): KernelBenchResult {
  const stats = summarize(samples);
  const r: KernelBenchResult = { name: sampler.name, clock: sampler.clock, clockNote: sampler.clockNote(), unitsPerSample: units, samples, stats, stoppedBy, elapsedMs };
  if (sampler.flops) { r.flops = sampler.flops; r.gflops = sampler.flops / (stats.median * 1e6); }
  if (sampler.bytes) { r.bytes = sampler.bytes; r.gbps = sampler.bytes / (stats.median * 1e6); }
  return r;
}
