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

export const SUITES = ['matmul', 'conv', 'gates', 'step', 'epoch', 'memory', 'resnet'] as const;
export type Suite = (typeof SUITES)[number];

/** Other implementations timed in the same run: tfjs on the same adapter, PyTorch on the CPU. */
export const PEERS = ['tfjs', 'torch'] as const;
export type Peer = (typeof PEERS)[number];

export interface BenchOptions {
  suites: Suite[];
  peers: readonly Peer[];
  quick: boolean;
  log: (line: string) => void;
  /** Measurement budget per case in ms (default 300 with `quick`, 2000 without). */
  budgetMs?: number;
  /** Default 'auto': GPU timestamps where the device has them; cases with a peer use the wall clock. */
  clock?: ClockChoice;
}

export type { BenchReport, CaseComparison } from './harness.ts';

type SuiteRunner = (engine: Engine, quick: boolean, peers: readonly Peer[], opts: SamplingOptions, log: (line: string) => void) => Promise<CaseResult[]>;

const tfjs = () => import('./peers/tfjs.ts');
const torch = () => import('./peers/torch.ts');

/** Each suite: our variants, and (with --peers) tfjs's on the same cases, loaded only when asked for. */
const RUNNERS: Record<Exclude<Suite, 'epoch' | 'memory'>, SuiteRunner> = {
  async matmul(engine, quick, peers, opts, log) {
    const { benchMatmul, matmulCases, matmulFlops } = await import('./matmul.ts');
    return benchMatmul(engine, matmulCases(quick), opts, log, async (c) => [
      ...(peers.includes('tfjs') ? [await (await tfjs()).tfjsMatmulVariant(c)] : []),
      ...(peers.includes('torch') ? await (await torch()).torchVariants({ kind: 'gemm', form: c.form, m: c.m, n: c.n, k: c.k }, { flops: matmulFlops(c) }) : []),
    ]);
  },
  async conv(engine, quick, peers, opts, log) {
    const { benchConv, convCases } = await import('./conv.ts');
    const peer = async (c: Parameters<typeof benchConv>[1][number]): Promise<CaseVariant[]> => {
      const v = await (await tfjs()).tfjsConvVariant(c);
      return v ? [v] : [];
    };
    return benchConv(engine, convCases(quick), opts, log, peers.includes('tfjs') ? peer : undefined);
  },
  async gates(engine, quick, _peers, opts, log) {
    const { benchGates, gateCases } = await import('./gates.ts');
    return benchGates(engine, gateCases(quick), opts, log); // tfjs has no HAT layer to compare
  },
  async resnet(engine, quick, peers, opts, log) {
    // ResNet-18-HAT's training step (task 1 under task 0's masks); width 64 takes minutes a step on a CPU adapter.
    const { benchResnetStep } = await import('./resnet.ts');
    return [await benchResnetStep(engine, { ...opts, width: quick ? 8 : 16, tfjs: peers.includes('tfjs'), log })];
  },
  async step(engine, quick, peers, opts, log) {
    const { benchStep, stepCases } = await import('./step.ts');
    return benchStep(engine, stepCases(quick), opts, log, async (c) => [
      // tfjs has the MLP only (no HAT layers: dense+ReLU+dropout); torch runs the HAT step of both networks.
      ...(peers.includes('tfjs') && c.net === 'mlp' ? [await (await tfjs()).tfjsStepVariant(c)] : []),
      ...(peers.includes('torch') ? await (await torch()).torchVariants(c.net === 'mlp' ? { kind: 'mlp-step', hidden: c.hidden, batch: c.batch, classes: 10 } : { kind: 'alexnet-step', batch: c.batch, classes: 10, size: 32 }, { samplesPerUnit: c.batch }) : []),
    ]);
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
  let peerInfo: BenchReport['peers'] = undefined;
  if (o.peers.includes('torch')) {
    const t = await (await torch()).findTorch();
    if ('missing' in t) {
      o.log(`torch peer skipped: ${t.missing}`);
      peerInfo = { torch: { skipped: t.missing } };
    } else {
      o.log(`torch peer: ${t.python}, torch ${t.torch}, BLAS ${t.blas}`);
      // A reference (generic) BLAS makes torch several times slower: a flattering and false peer.
      if (!t.optimisedBlas) o.log(`warning: torch runs on a generic BLAS (${t.blas}), not an optimised one: its times are not what a researcher would get; on Debian install libopenblas0-pthread`);
      peerInfo = { torch: { python: t.python, version: t.torch, blas: t.blas, optimisedBlas: t.optimisedBlas } };
    }
  }
  const results: BenchRow[] = [];
  const comparisons: CaseComparison[] = [];
  const epochs: NonNullable<BenchReport['epochs']> = [];
  const memory: NonNullable<BenchReport['memory']> = [];
  for (const suite of o.suites) {
    o.log(`suite ${suite}`);
    if (suite === 'epoch' || suite === 'memory') {
      // Breakdowns rather than timed variants: where an epoch's time goes, and memory over a long run.
      const { benchEpoch, memorySoak } = await import('./epoch.ts');
      const { splitMnist } = await import('../src/data/tasks.ts');
      const tasks = splitMnist({ seed: 0 });
      const hidden = o.quick ? [400, 400] : [2000, 2000];
      if (suite === 'epoch') epochs.push(...(await benchEpoch(engine, tasks, hidden, o.log)));
      else memory.push(await memorySoak(engine, tasks, [400, 400], o.quick ? 200 : 1000, o.log));
      continue;
    }
    for (const r of await RUNNERS[suite](engine, o.quick, o.peers, opts, o.log)) {
      results.push(...r.rows);
      const c = r.comparison;
      if (!c) continue;
      // Every torch thread count the case ran is a peer our fused kernels are measured against.
      const torchRatios: [string, string, string][] = c.variants.map((v) => v.name).filter((n) => /^torch-cpu-\d+t$/.test(n)).map((n) => [n, 'webgpu-hat', `webgpu-hat speed-up over ${n.replace(/^torch-cpu-(\d+)t$/, 'torch on the CPU, $1 thread(s)')}`]);
      const ratios = [...NAMED_RATIOS, ...torchRatios].flatMap(([slow, fast, label]) => {
        const ratio = ratioBetween(c, slow, fast);
        return ratio ? [{ ...ratio, label }] : [];
      });
      comparisons.push({ suite, case: r.rows[0]!.case, clock: c.clock, rounds: c.rounds, ratios });
    }
  }
  const a = engine.adapter;
  return { adapter: { vendor: a.vendor, architecture: a.architecture, description: a.description }, date: new Date().toISOString(), ...(peerInfo ? { peers: peerInfo } : {}), results, comparisons, ...(epochs.length ? { epochs } : {}), ...(memory.length ? { memory } : {}) };
}

export function summarize(report: BenchReport): string {
  const lines: string[] = [];
  const clocks = new Set(report.results.map((r) => r.clock));
  if (report.results.length) lines.push(formatTable(report.results), '', `clock: ${[...clocks].map((c) => (c === 'gpu-timestamp' ? 'gpu = GPU timestamps around the compute passes, an empty pass subtracted' : 'wall = wall clock from submit until the queue drained')).join('; ')}; times are per unit of work`);
  const ratioLines = (report.comparisons ?? []).flatMap((c) => c.ratios.map((r) => `${c.suite} ${c.case}: ${r.label}: ${formatRatio(r)}`));
  if (ratioLines.length) lines.push('', ...ratioLines);
  const peers = peerTable(report);
  if (peers) lines.push('', peers);
  const steps = report.results.filter((r) => r.perStep);
  if (steps.length) lines.push('', 'per training step:', ...steps.map((r) => `  ${r.case} ${r.impl}: ${r.perStep!.dispatches} dispatches, ${r.perStep!.submits} submit(s), ${r.perStep!.readbacks} readbacks, ${(r.perStep!.peakBytes / 2 ** 20).toFixed(1)} MiB of buffers live at most`));
  for (const e of report.epochs ?? []) {
    lines.push('', `one epoch, ${e.case}, ${e.approach}: ${(e.totalMs / 1000).toFixed(2)} s; ${e.stepSamplesPerSecond} samples/s in the steps, ${e.epochSamplesPerSecond} over the epoch; ${e.readbacks} readbacks, ${e.submits} submits`);
    for (const p of e.phases) lines.push(`  ${p.phase.padEnd(48)} ${p.ms.toFixed(1).padStart(9)} ms  ${(p.share * 100).toFixed(1).padStart(5)} %`);
  }
  for (const m of report.memory ?? []) lines.push('', `memory over ${m.case}: ${m.flat ? 'flat after warm-up' : 'GROWS'} (${m.samples.map((s) => `step ${s.step}: ${(s.liveBytes / 2 ** 20).toFixed(1)} MiB live, peak ${(s.peakBytes / 2 ** 20).toFixed(1)} MiB, ${s.liveTensors} tensors`).join('; ')})`);
  const notes = report.results.filter((row) => row.note).map((row) => `${row.suite} ${row.case} ${row.impl}: ${row.note}`);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n');
}

/**
 * Ours against every peer, side by side, per case that has a peer: median ms of each, and the speed-up
 * (peer time / ours: above 1, we are faster) with its 95 % interval from the interleaved comparison.
 */
export function peerTable(report: BenchReport): string | null {
  const peerNames = [...new Set(report.results.map((r) => r.impl).filter((i) => i === 'tfjs-webgpu' || /^torch-cpu-\d+t$/.test(i)))].sort();
  if (peerNames.length === 0) return null;
  const cases = [...new Set(report.results.filter((r) => peerNames.includes(r.impl)).map((r) => `${r.suite}\t${r.case}`))];
  const header = ['case', 'webgpu-hat ms', ...peerNames.map((p) => `${p} ms`), ...peerNames.map((p) => `vs ${p}`)];
  const rows = cases.map((key) => {
    const [suite, name] = key.split('\t') as [string, string];
    const ms = (impl: string) => report.results.find((r) => r.suite === suite && r.case === name && r.impl === impl)?.medianMs;
    const cmp = report.comparisons.find((c) => c.suite === suite && c.case === name);
    const speedUp = (peer: string) => {
      const r = cmp?.ratios.find((x) => x.variant === peer && x.baseline === 'webgpu-hat');
      return r ? `${r.ratio.toFixed(2)}× [${r.low.toFixed(2)}, ${r.high.toFixed(2)}]` : '—';
    };
    const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toPrecision(4));
    return [`${suite} ${name}`, fmt(ms('webgpu-hat')), ...peerNames.map((p) => fmt(ms(p))), ...peerNames.map(speedUp)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return ['speed-up of webgpu-hat over each peer (peer time / ours; > 1: ours is faster; 95 % interval):', line(header), ...rows.map(line)].join('\n');
}

export { reportChartPng, reportChartSvg } from './chart.ts';
