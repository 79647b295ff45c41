// compareKernels: several variants of the same work timed in one interleaved run (schedule.ts), each
// against the first with the ratio's confidence interval (ratio.ts). The run stops when every variant's
// mean is precise to the target or the budget is spent.
import type { Engine } from '../../src/runtime/engine.ts';
import { resolveSamplingOptions, type SamplingOptions } from './options.ts';
import { pairedRatio, type RunSample } from './ratio.ts';
import { resultOf, type ComparisonResult, type StopReason } from './result.ts';
import { engineSampler, resolveClock, type Sampler } from './sampler.ts';
import { roundOrder } from './schedule.ts';
import { precise } from './stats.ts';
import { warmUp } from './bench-kernel.ts';
import type { KernelWork } from './work.ts';

/** The core of compareKernels on any samplers (they must share a clock; tests give it fake ones). */
export async function compareSamplers(samplers: Sampler[], options: SamplingOptions = {}): Promise<ComparisonResult> {
  if (samplers.length < 2) throw new RangeError(`compare: needs at least two variants, got ${samplers.length}`);
  const names = new Set(samplers.map((s) => s.name));
  if (names.size !== samplers.length) throw new RangeError(`compare: variant names must differ (${samplers.map((s) => s.name).join(', ')})`);
  const clocks = new Set(samplers.map((s) => s.clock));
  if (clocks.size > 1) throw new RangeError(`compare: the variants use different clocks (${[...clocks].join(', ')}); their times would not be comparable`);
  const o = resolveSamplingOptions(options);
  const units: number[] = [];
  for (const s of samplers) units.push(await warmUp(s, o));
  const run: RunSample[] = [];
  const per: number[][] = samplers.map(() => []);
  const start = o.now();
  let stoppedBy: StopReason | null = null;
  let round = 0;
  while (!stoppedBy) {
    for (const v of roundOrder(samplers.length, round)) {
      const ms = await samplers[v]!.sample(units[v]!);
      run.push({ variant: v, ms });
      per[v]!.push(ms);
    }
    round++;
    const elapsed = o.now() - start;
    if (per.every((p) => precise(p, o.targetRelativeSem, o.minSamples))) stoppedBy = 'precise';
    else if (round >= o.maxSamples) stoppedBy = 'max-samples';
    else if (elapsed >= o.budgetMs && round >= 3) stoppedBy = 'budget';
  }
  const elapsedMs = o.now() - start;
  const variants = samplers.map((s, v) => resultOf(s, per[v]!, units[v]!, stoppedBy!, elapsedMs));
  const ratios = samplers.slice(1).map((s, i) => ({ variant: s.name, baseline: samplers[0]!.name, ...pairedRatio(run, i + 1, 0, o.confidence) }));
  return { clock: samplers[0]!.clock, rounds: round, order: run.map((r) => samplers[r.variant]!.name), variants, ratios, stoppedBy, elapsedMs };
}

/** Times `works` (the first is the baseline) interleaved on one clock; ratios are time(variant) / time(first). */
export async function compareKernels(engine: Engine, works: KernelWork[], options: SamplingOptions = {}): Promise<ComparisonResult> {
  const clock = resolveClock(engine, options.clock ?? 'auto');
  const samplers: Sampler[] = [];
  for (const w of works) samplers.push(await engineSampler(engine, w, clock));
  return compareSamplers(samplers, options);
}
