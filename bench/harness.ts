// Timing for microbenchmarks: warm-up, then timed iterations that each wait for the device to finish.
//
// Waiting must not starve a CPU driver: dawn.node busy-polls while a promise is pending and takes a core
// from lavapipe's two workers, so every wait (ours and the peers') first sleeps for most of the time the
// previous iterations took (`waitIdle`). Rows that measure the same work share a `case`.
import { WaitEstimator } from '../src/runtime/wait.ts';

export interface BenchRow {
  suite: string;
  case: string;
  impl: 'webgpu-hat' | 'webgpu-hat-unfused' | 'webgpu-hat-plain' | 'tfjs-webgpu' | string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  iterations: number;
  gflops?: number;
  samplesPerSecond?: number;
  note?: string;
}

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  iterations: number;
}

export interface MeasureOptions {
  /** Untimed runs first (pipeline compiles, pool warm-up). */
  warmup?: number;
  /** Timed runs: at least this many… */
  minIterations?: number;
  /** …and keep going until this much time is spent (or maxIterations). */
  minTotalMs?: number;
  maxIterations?: number;
}

/**
 * Times `iteration`, which records/launches one unit of work and resolves when the device has finished
 * it. Returns median, min and max over the timed runs.
 */
export async function measure(iteration: () => Promise<void>, opts: MeasureOptions = {}): Promise<Timing> {
  const { warmup = 2, minIterations = 5, minTotalMs = 1500, maxIterations = 50 } = opts;
  for (let i = 0; i < warmup; i++) await iteration();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minIterations || (performance.now() - start < minTotalMs && times.length < maxIterations)) {
    const t0 = performance.now();
    await iteration();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs, minMs: times[0]!, maxMs: times[times.length - 1]!, iterations: times.length };
}

/**
 * Runs several implementations of the same work round by round, so that a change in machine load hits
 * all of them alike, rotating which goes first (A B C, B C A, C A B, …) so that none always runs after
 * the same one (cold caches, a driver still winding down); round 0 is warm-up (pipeline compiles).
 * Returns each implementation's times, index-aligned by round, for paired ratios (`pairedRatio`).
 */
export async function interleaved(impls: { name: string; iteration: () => Promise<void> }[], rounds: number): Promise<Map<string, number[]>> {
  const times = new Map(impls.map((i) => [i.name, [] as number[]]));
  for (let r = 0; r <= rounds; r++) {
    for (let k = 0; k < impls.length; k++) {
      const impl = impls[(k + r) % impls.length]!;
      const t0 = performance.now();
      await impl.iteration();
      if (r > 0) times.get(impl.name)!.push(performance.now() - t0);
    }
  }
  return times;
}

export function timingOf(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { medianMs: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]!, iterations: sorted.length };
}

/** Median over rounds of a[r] / b[r]: robust to load that changes between rounds. */
export function pairedRatio(a: number[], b: number[]): number {
  return timingOf(a.map((t, r) => t / b[r]!)).medianMs;
}

/** Waits for another device's queue (a peer's) with the same sleep-then-wait as the engine's own waits. */
export async function waitIdle(device: GPUDevice, waits: WaitEstimator, tag: string): Promise<void> {
  await waits.wait(() => device.queue.onSubmittedWorkDone(), tag);
}

export function row(suite: string, caseName: string, impl: string, t: Timing, extra: { flops?: number; samples?: number; note?: string } = {}): BenchRow {
  const r: BenchRow = { suite, case: caseName, impl, medianMs: round(t.medianMs), minMs: round(t.minMs), maxMs: round(t.maxMs), iterations: t.iterations };
  if (extra.flops) r.gflops = round(extra.flops / (t.medianMs * 1e6));
  if (extra.samples) r.samplesPerSecond = Math.round(extra.samples / (t.medianMs / 1000));
  if (extra.note) r.note = extra.note;
  return r;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A fixed-width table of rows, with each case's ratios against a base implementation. */
export function formatTable(rows: BenchRow[]): string {
  const header = ['suite', 'case', 'impl', 'median ms', 'min ms', 'max ms', 'GFLOP/s', 'samples/s'];
  const body = rows.map((r) => [r.suite, r.case, r.impl, r.medianMs.toFixed(2), r.minMs.toFixed(2), r.maxMs.toFixed(2), r.gflops?.toFixed(2) ?? '', r.samplesPerSecond?.toString() ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Ratios between implementations measured in the same run, per case: "a/b = x.xx×" (by median time). */
export function ratios(rows: BenchRow[], pairs: [string, string, string][]): string[] {
  const out: string[] = [];
  const cases = [...new Set(rows.map((r) => `${r.suite}\u0000${r.case}`))];
  for (const key of cases) {
    const [suite, name] = key.split('\u0000') as [string, string];
    const of = (impl: string) => rows.find((r) => r.suite === suite && r.case === name && r.impl === impl);
    for (const [slow, fast, label] of pairs) {
      const a = of(slow), b = of(fast);
      if (a && b) out.push(`${suite} ${name}: ${label} = ${(a.medianMs / b.medianMs).toFixed(2)}×`);
    }
  }
  return out;
}
