// benchKernel: one kernel's time per unit of work. Warm-up, then samples until the standard error of the
// mean is under its target (1 %) or the time budget is spent; every sample holds enough units that the
// clock's resolution and per-submit costs are small beside it.
import type { Engine } from '../../src/runtime/engine.ts';
import { defaultTargetSampleMs, resolveSamplingOptions, unitsFor, type ResolvedSamplingOptions, type SamplingOptions } from './options.ts';
import { resultOf, type KernelBenchResult, type StopReason } from './result.ts';
import { engineSampler, type Sampler } from './sampler.ts';
import { precise } from './stats.ts';
import type { KernelWork } from './work.ts';

/**
 * Untimed samples for at least `warmupMs` (two at least: the first compiles pipelines), then the units
 * per sample from the last one.
 */
export async function warmUp(sampler: Sampler, o: ResolvedSamplingOptions): Promise<number> {
  const start = o.now();
  let unitMs = NaN;
  for (let i = 0; i < 2 || o.now() - start < o.warmupMs; i++) unitMs = await sampler.sample(1);
  if (o.units) return o.units;
  const units = unitsFor(unitMs, o.targetSampleMs ?? defaultTargetSampleMs(sampler.clock), o.maxUnits);
  if (units > 1) await sampler.sample(units); // a bigger batch than the warm-up's can allocate anew
  return units;
}

/** The stop rule's verdict after each sample, or null to go on. At least three samples are always taken. */
export function stopReason(samples: number[], elapsedMs: number, o: ResolvedSamplingOptions): StopReason | null {
  if (precise(samples, o.targetRelativeSem, o.minSamples)) return 'precise';
  if (samples.length >= o.maxSamples) return 'max-samples';
  if (elapsedMs >= o.budgetMs && samples.length >= 3) return 'budget';
  return null;
}

/** Samples one sampler to the stop rule (the core of benchKernel; tests give it a fake sampler and clock). */
export async function benchSampler(sampler: Sampler, options: SamplingOptions = {}): Promise<KernelBenchResult> {
  const o = resolveSamplingOptions(options);
  const units = await warmUp(sampler, o);
  const samples: number[] = [];
  const start = o.now();
  for (;;) {
    samples.push(await sampler.sample(units));
    const reason = stopReason(samples, o.now() - start, o);
    if (reason) return resultOf(sampler, samples, units, reason, o.now() - start);
  }
}

/** Times one unit of `work` on `engine` (see SamplingOptions for budgets, the stop rule and the clock). */
export async function benchKernel(engine: Engine, work: KernelWork, options: SamplingOptions = {}): Promise<KernelBenchResult> {
  return benchSampler(await engineSampler(engine, work, options.clock ?? 'auto'), options);
}
