// Timing for microbenchmarks: warm-up, then timed iterations that each wait for the device to finish.
//
// Waiting must not starve a CPU driver: dawn.node busy-polls while a promise is pending and takes a core
// from lavapipe's two workers, so every wait (ours and the peers') first sleeps for most of the time the
// previous iterations took (`waitIdle`). Rows that measure the same work share a `case`.

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
 * Waits for a device's queue to drain, sleeping first for 85 % of `expectedMs` so the busy-poll of
 * dawn.node does not compete with the driver for the whole wait. Returns the measured wait.
 */
export async function waitIdle(device: GPUDevice, expectedMs: number): Promise<number> {
  const t0 = performance.now();
  if (expectedMs > 2) await new Promise((r) => setTimeout(r, expectedMs * 0.85));
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/** Keeps a running estimate of one case's duration, for waitIdle. */
export class DurationEstimate {
  private value = 0;
  get ms(): number {
    return this.value;
  }
  update(ms: number): void {
    this.value = this.value === 0 ? ms : 0.7 * this.value + 0.3 * ms;
  }
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
