// Runs benchmark suites and writes the JSON the CLI promises:
// { adapter, results: [ { suite, case, impl, medianMs, minMs, maxMs, gflops }, … ] }.
import type { Engine } from '../src/runtime/engine.ts';
import { benchMatmul, matmulCases } from './matmul.ts';
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

export async function runBenchmarks(engine: Engine, o: BenchOptions): Promise<BenchReport> {
  const measureOpts: MeasureOptions = o.quick ? { warmup: 1, minIterations: 3, minTotalMs: 300, maxIterations: 10 } : { warmup: 2, minIterations: 5, minTotalMs: 1500, maxIterations: 30 };
  const results: BenchRow[] = [];
  for (const suite of o.suites) {
    o.log(`suite ${suite}`);
    if (suite === 'step') {
      const { benchStep, stepCases } = await import('./step.ts');
      const cases = stepCases(o.quick);
      results.push(...(await benchStep(engine, cases, measureOpts, o.log)));
      if (o.peers) {
        const { benchTfjsStep } = await import('./peers/tfjs.ts');
        results.push(...(await benchTfjsStep(cases, measureOpts, o.log)));
      }
    }
    if (suite === 'conv') {
      const { benchConv, convCases } = await import('./conv.ts');
      const cases = convCases(o.quick);
      results.push(...(await benchConv(engine, cases, measureOpts, o.log)));
      if (o.peers) {
        const { benchTfjsConv } = await import('./peers/tfjs.ts');
        results.push(...(await benchTfjsConv(cases, measureOpts, o.log)));
      }
    }
    if (suite === 'gates') {
      const { benchGates, gateCases } = await import('./gates.ts');
      results.push(...(await benchGates(engine, gateCases(o.quick), measureOpts, o.log)));
    }
    if (suite === 'matmul') {
      const cases = matmulCases(o.quick);
      results.push(...(await benchMatmul(engine, cases, measureOpts, o.log)));
      if (o.peers) {
        const { benchTfjsMatmul } = await import('./peers/tfjs.ts');
        results.push(...(await benchTfjsMatmul(cases, measureOpts, o.log)));
      }
    }
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
