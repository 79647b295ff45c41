// The rows the `bench` suites report, made from the kernel lab's results (bench/lab), and their table.
//
// Waiting must not starve a CPU driver: dawn.node busy-polls while a promise is pending and takes a core
// from lavapipe's two workers, so every wait (ours and the peers') first sleeps for most of the time the
// previous waits took (src/runtime/wait.ts). Rows that measure the same work share a `case`.
import type { WaitEstimator } from '../src/runtime/wait.ts';
import type { KernelBenchResult, VariantRatio } from './lab/result.ts';
import type { ClockKind } from './lab/work.ts';

export interface BenchRow {
  suite: string;
  case: string;
  impl: 'webgpu-hat' | 'webgpu-hat-unfused' | 'webgpu-hat-plain' | 'tfjs-webgpu' | string;
  /** Milliseconds per unit of work (one kernel call, one layer step, one training step). */
  medianMs: number;
  minMs: number;
  maxMs: number;
  p10Ms: number;
  p90Ms: number;
  meanMs: number;
  /** Standard error of the mean, in ms. */
  semMs: number;
  /** Timed samples (each of `unitsPerSample` units). */
  iterations: number;
  unitsPerSample: number;
  clock: ClockKind;
  stoppedBy: string;
  gflops?: number;
  gbps?: number;
  samplesPerSecond?: number;
  /** A training step's demands on the device (step suite, our implementations). */
  perStep?: { dispatches: number; submits: number; readbacks: number; peakBytes: number };
  note?: string;
}

export interface CaseComparison {
  suite: string;
  case: string;
  clock: ClockKind;
  rounds: number;
  /** The ratios the summary names (speed-ups over tfjs and over the unfused twins, HAT's cost over plain). */
  ratios: (VariantRatio & { label: string })[];
}

export interface BenchReport {
  adapter: { vendor: string; architecture: string; description: string };
  /** The peers' setup (which Python and BLAS torch ran on), or why a peer was skipped. */
  peers?: { torch?: { python: string; version: string; blas: string; optimisedBlas: boolean } | { skipped: string } };
  date: string;
  results: BenchRow[];
  comparisons: CaseComparison[];
  /** The epoch suite: where one epoch's time goes. */
  epochs?: import('./epoch.ts').EpochBreakdown[];
  /** The memory suite: buffers over a long run of steps. */
  memory?: import('./epoch.ts').MemorySoak[];
}

function round(x: number, digits = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  // Significant digits, not decimals: a 20 µs kernel keeps its precision.
  return Number(x.toPrecision(digits));
}

export function rowOf(suite: string, caseName: string, impl: string, r: KernelBenchResult, samplesPerUnit?: number): BenchRow {
  const s = r.stats;
  const row: BenchRow = {
    suite, case: caseName, impl,
    medianMs: round(s.median), minMs: round(s.min), maxMs: round(s.max), p10Ms: round(s.p10), p90Ms: round(s.p90), meanMs: round(s.mean), semMs: round(s.sem, 2),
    iterations: s.n, unitsPerSample: r.unitsPerSample, clock: r.clock, stoppedBy: r.stoppedBy,
  };
  if (r.gflops !== undefined) row.gflops = round(r.gflops);
  if (r.gbps !== undefined) row.gbps = round(r.gbps);
  if (samplesPerUnit) row.samplesPerSecond = Math.round(samplesPerUnit / (s.median / 1000));
  return row;
}

/** Waits for another device's queue (a peer's) with the same sleep-then-wait as the engine's own waits. */
export async function waitIdle(device: GPUDevice, waits: WaitEstimator, tag: string): Promise<void> {
  await waits.wait(() => device.queue.onSubmittedWorkDone(), tag);
}

/** A fixed-width table of rows. */
export function formatTable(rows: BenchRow[]): string {
  const header = ['suite', 'case', 'impl', 'clock', 'median ms', 'p10 ms', 'p90 ms', '± SEM', 'n', 'GFLOP/s', 'samples/s'];
  const body = rows.map((r) => [
    r.suite, r.case, r.impl, r.clock === 'gpu-timestamp' ? 'gpu' : 'wall', r.medianMs.toPrecision(4), r.p10Ms.toPrecision(4), r.p90Ms.toPrecision(4),
    `${((r.semMs / r.meanMs) * 100).toFixed(1)} %`, String(r.iterations), r.gflops?.toFixed(2) ?? '', r.samplesPerSecond?.toString() ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
