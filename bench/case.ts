// One benchmark case on the kernel lab: its variants (our implementations, optionally a peer library)
// timed alone with benchKernel's loop or, with several, in one interleaved comparison. A peer times its
// own device on the wall clock, so a case with a peer puts every variant on the wall clock; otherwise
// the clock is the lab's default (GPU timestamps where the device has them).
import type { Engine } from '../src/runtime/engine.ts';
import { benchSampler } from './lab/bench-kernel.ts';
import { compareSamplers } from './lab/compare.ts';
import { resolveClock, engineSampler, type Sampler } from './lab/sampler.ts';
import type { SamplingOptions } from './lab/options.ts';
import type { ComparisonResult, KernelBenchResult } from './lab/result.ts';
import type { ClockKind, KernelWork } from './lab/work.ts';
import { rowOf, type BenchRow } from './harness.ts';

export interface CaseVariant {
  impl: string;
  /** Builds the sampler on the clock the case chose. */
  sampler(clock: ClockKind): Promise<Sampler>;
  /** True for work that only a wall clock can time (another library's device). */
  wallOnly?: boolean;
  /** Samples per second from a unit's time (whole training steps). */
  samplesPerUnit?: number;
  /** Frees what the variant holds (a peer's tensors), after the case. */
  dispose?(): void;
}

export function engineVariant(engine: Engine, impl: string, work: KernelWork, samplesPerUnit?: number): CaseVariant {
  return { impl, samplesPerUnit, sampler: (clock) => engineSampler(engine, { ...work, name: impl }, clock) };
}

export interface CaseResult {
  rows: BenchRow[];
  comparison?: ComparisonResult;
}

/**
 * Cases whose work is one kernel of ours (made by `workOf`), each timed alone or beside the peers'
 * variants of the same case in one interleaved comparison; `line` logs each row.
 */
export async function benchWorkCases<C extends { name: string }>(engine: Engine, suite: string, cases: readonly C[], workOf: (engine: Engine, c: C) => KernelWork & { dispose(): void }, opts: SamplingOptions, log: (s: string) => void, peers: (c: C) => Promise<CaseVariant[]>, line: (r: BenchRow) => string): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const work = workOf(engine, c);
    const others = await peers(c);
    try {
      const result = await runCase(engine, suite, c.name, [engineVariant(engine, 'webgpu-hat', work), ...others], opts);
      for (const r of result.rows) log(`  ${line(r)}`);
      results.push(result);
    } finally {
      work.dispose();
      for (const o of others) o.dispose?.();
      await engine.submit();
    }
  }
  return results;
}

export async function runCase(engine: Engine, suite: string, caseName: string, variants: CaseVariant[], options: SamplingOptions): Promise<CaseResult> {
  const clock: ClockKind = variants.some((v) => v.wallOnly) ? 'wall' : resolveClock(engine, options.clock ?? 'auto');
  const samplers: Sampler[] = [];
  for (const v of variants) samplers.push(await v.sampler(clock));
  const row = (v: CaseVariant, r: KernelBenchResult) => rowOf(suite, caseName, v.impl, r, v.samplesPerUnit);
  if (samplers.length === 1) return { rows: [row(variants[0]!, await benchSampler(samplers[0]!, options))] };
  const comparison = await compareSamplers(samplers, options);
  return { rows: comparison.variants.map((r, i) => row(variants[i]!, r)), comparison };
}
