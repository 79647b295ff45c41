// Runs benchmark suites on the kernel lab (bench/lab) and writes the JSON the CLI promises:
// { adapter, date, results: [ { suite, case, impl, clock, medianMs, p10Ms, p90Ms, semMs, gflops, … } ],
//   comparisons: [ { suite, case, clock, ratios: [ { variant, baseline, ratio, low, high } ] } ] }.
import type { Engine } from '../src/runtime/engine.ts';
import { formatTable, type BenchReport, type BenchRow, type CaseComparison } from './harness.ts';
import type { CaseResult, CaseVariant } from './case.ts';
import { formatRatio } from './lab/format.ts';
import type { SamplingOptions } from './lab/options.ts';
import { ratioBetween } from './lab/pair.ts';
import type { ClockChoice } from './lab/work.ts';

export const SUITES = ['matmul', 'conv', 'gates', 'step'] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchOptions {
  suites: Suite[];
  peers: boolean;
  quick: boolean;
  log: (line: string) => void;
  /** Measurement budget per case in ms (default 300 with `quick`, 2000 without). */
  budgetMs?: number;
  /** Default 'auto': GPU timestamps where the device has them; cases with a peer use the wall clock. */
  clock?: ClockChoice;
}

export type { BenchReport, CaseComparison } from './harness.ts';

type SuiteRunner = (engine: Engine, quick: boolean, peers: boolean, opts: SamplingOptions, log: (line: string) => void) => Promise<CaseResult[]>;

const tfjs = () => import('./peers/tfjs.ts');

/** Each suite: our variants, and (with --peers) tfjs's on the same cases, loaded only when asked for. */
const RUNNERS: Record<Suite, SuiteRunner> = {
  async matmul(engine, quick, peers, opts, log) {
    const { benchMatmul, matmulCases } = await import('./matmul.ts');
    return benchMatmul(engine, matmulCases(quick), opts, log, peers ? async (c) => [await (await tfjs()).tfjsMatmulVariant(c)] : undefined);
  },
  async conv(engine, quick, peers, opts, log) {
    const { benchConv, convCases } = await import('./conv.ts');
    const peer = async (c: Parameters<typeof benchConv>[1][number]): Promise<CaseVariant[]> => {
      const v = await (await tfjs()).tfjsConvVariant(c);
      return v ? [v] : [];
    };
    return benchConv(engine, convCases(quick), opts, log, peers ? peer : undefined);
  },
  async gates(engine, quick, _peers, opts, log) {
    const { benchGates, gateCases } = await import('./gates.ts');
    return benchGates(engine, gateCases(quick), opts, log); // tfjs has no HAT layer to compare
  },
  async step(engine, quick, peers, opts, log) {
    const { benchStep, stepCases } = await import('./step.ts');
    return benchStep(engine, stepCases(quick), opts, log, peers ? async (c) => [await (await tfjs()).tfjsStepVariant(c)] : undefined);
  },
};

/** [slower, faster, label]: the ratio time(slower) / time(faster) is reported where a case has both. */
const NAMED_RATIOS: [string, string, string][] = [
  ['tfjs-webgpu', 'webgpu-hat', 'webgpu-hat speed-up over tfjs-webgpu'],
  ['webgpu-hat-unfused', 'webgpu-hat', 'fused speed-up over unfused'],
  ['webgpu-hat', 'webgpu-hat-plain', 'fused HAT layer time / plain layer time'],
];

export function samplingOptions(o: Pick<BenchOptions, 'quick' | 'budgetMs' | 'clock'>): SamplingOptions {
  return { budgetMs: o.budgetMs ?? (o.quick ? 300 : 2000), warmupMs: o.quick ? 50 : 200, clock: o.clock ?? 'auto' };
}

export async function runBenchmarks(engine: Engine, o: BenchOptions): Promise<BenchReport> {
  const opts = samplingOptions(o);
  const results: BenchRow[] = [];
  const comparisons: CaseComparison[] = [];
  for (const suite of o.suites) {
    o.log(`suite ${suite}`);
    for (const r of await RUNNERS[suite](engine, o.quick, o.peers, opts, o.log)) {
      results.push(...r.rows);
      const c = r.comparison;
      if (!c) continue;
      const ratios = NAMED_RATIOS.flatMap(([slow, fast, label]) => {
        const ratio = ratioBetween(c, slow, fast);
        return ratio ? [{ ...ratio, label }] : [];
      });
      comparisons.push({ suite, case: r.rows[0]!.case, clock: c.clock, rounds: c.rounds, ratios });
    }
  }
  const a = engine.adapter;
  return { adapter: { vendor: a.vendor, architecture: a.architecture, description: a.description }, date: new Date().toISOString(), results, comparisons };
}

export function summarize(report: BenchReport): string {
  const lines = [formatTable(report.results)];
  const clocks = new Set(report.results.map((r) => r.clock));
  lines.push('', `clock: ${[...clocks].map((c) => (c === 'gpu-timestamp' ? 'gpu = GPU timestamps around the compute passes, an empty pass subtracted' : 'wall = wall clock from submit until the queue drained')).join('; ')}; times are per unit of work`);
  const ratioLines = (report.comparisons ?? []).flatMap((c) => c.ratios.map((r) => `${c.suite} ${c.case}: ${r.label}: ${formatRatio(r)}`));
  if (ratioLines.length) lines.push('', ...ratioLines);
  const notes = report.results.filter((row) => row.note).map((row) => `${row.suite} ${row.case} ${row.impl}: ${row.note}`);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n');
}

export { reportChartPng, reportChartSvg } from './chart.ts';
