// Runs benchmark suites and writes the JSON the CLI promises:
// { adapter, results: [ { suite, case, impl, medianMs, minMs, maxMs, gflops }, … ] }.
import type { Engine } from '../src/runtime/engine.ts';
import { formatTable, ratios, type BenchRow, type MeasureOptions } from './harness.ts';

export const SUITES = ['matmul', 'conv', 'gates', 'step'] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchOptions {
  suites: Suite[];
  peers: boolean;
  quick: boolean;
  log: (line: string) => void;
}

export interface BenchReport {
  adapter: { vendor: string; architecture: string; description: string };
  date: string;
  results: BenchRow[];
}

type SuiteRunner = (engine: Engine, quick: boolean, peers: boolean, opts: MeasureOptions, log: (line: string) => void) => Promise<BenchRow[]>;

/** Each suite: our rows, then (with --peers) tfjs on the same cases, loaded only when asked for. */
const RUNNERS: Record<Suite, SuiteRunner> = {
  async matmul(engine, quick, peers, opts, log) {
    const { benchMatmul, matmulCases } = await import('./matmul.ts');
    const cases = matmulCases(quick);
    const rows = await benchMatmul(engine, cases, opts, log);
    return peers ? [...rows, ...(await (await import('./peers/tfjs.ts')).benchTfjsMatmul(cases, opts, log))] : rows;
  },
  async conv(engine, quick, peers, opts, log) {
    const { benchConv, convCases } = await import('./conv.ts');
    const cases = convCases(quick);
    const rows = await benchConv(engine, cases, opts, log);
    return peers ? [...rows, ...(await (await import('./peers/tfjs.ts')).benchTfjsConv(cases, opts, log))] : rows;
  },
  async gates(engine, quick, _peers, opts, log) {
    const { benchGates, gateCases } = await import('./gates.ts');
    return benchGates(engine, gateCases(quick), opts, log); // tfjs has no HAT layer to compare
  },
  async step(engine, quick, peers, opts, log) {
    const { benchStep, stepCases } = await import('./step.ts');
    const cases = stepCases(quick);
    const rows = await benchStep(engine, cases, opts, log);
    return peers ? [...rows, ...(await (await import('./peers/tfjs.ts')).benchTfjsStep(cases, opts, log))] : rows;
  },
};

export async function runBenchmarks(engine: Engine, o: BenchOptions): Promise<BenchReport> {
  const measureOpts: MeasureOptions = o.quick ? { warmup: 1, minIterations: 3, minTotalMs: 300, maxIterations: 10 } : { warmup: 2, minIterations: 5, minTotalMs: 1500, maxIterations: 30 };
  const results: BenchRow[] = [];
  for (const suite of o.suites) {
    o.log(`suite ${suite}`);
    results.push(...(await RUNNERS[suite](engine, o.quick, o.peers, measureOpts, o.log)));
  }
  const a = engine.adapter;
  return { adapter: { vendor: a.vendor, architecture: a.architecture, description: a.description }, date: new Date().toISOString(), results };
}

export function summarize(report: BenchReport): string {
  const lines = [formatTable(report.results)];
  const r = ratios(report.results, [
    ['tfjs-webgpu', 'webgpu-hat', 'webgpu-hat speed-up over tfjs-webgpu'],
    ['webgpu-hat-unfused', 'webgpu-hat', 'fused speed-up over unfused'],
    ['webgpu-hat', 'webgpu-hat-plain', 'fused HAT layer time / plain layer time'],
  ]);
  if (r.length) lines.push('', ...r);
  const notes = report.results.filter((row) => row.note).map((row) => `${row.suite} ${row.case} ${row.impl}: ${row.note}`);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n');
}
