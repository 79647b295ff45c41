// The tfjs WebGPU backend on the same adapter, in the same process, for side-by-side rows.
//
// tfjs looks for navigator.gpu; we hand it Dawn's. It builds its own device on the same adapter. Waiting
// uses the same sleep-then-wait as our rows, so neither side pays dawn.node's busy-poll differently.
import { create, globals } from 'webgpu';
import { measure, row, waitIdle, DurationEstimate, type BenchRow, type MeasureOptions } from '../harness.ts';
import { operandShapes, randomData, type GemmCase } from '../matmul.ts';

type Tf = typeof import('@tensorflow/tfjs');
let loaded: Promise<{ tf: Tf; device: GPUDevice }> | null = null;

/** Loads tfjs with its WebGPU backend, or explains why it cannot. */
export function loadTfjs(): Promise<{ tf: Tf; device: GPUDevice }> {
  loaded ??= (async () => {
    Object.assign(globalThis, globals);
    const gpu = create([]);
    (globalThis as { __tfjsGpu?: unknown }).__tfjsGpu = gpu; // keep alive
    Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node', hardwareConcurrency: 2 }, configurable: true, writable: true });
    let tf: Tf;
    try {
      tf = await import('@tensorflow/tfjs');
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch (e) {
      throw new Error(`--peers needs the devDependencies @tensorflow/tfjs and @tensorflow/tfjs-backend-webgpu (npm install): ${(e as Error).message}`);
    }
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not initialise its WebGPU backend on this adapter');
    await tf.ready();
    const backend = tf.backend() as unknown as { device: GPUDevice };
    return { tf, device: backend.device };
  })();
  return loaded;
}

/** Submits what tfjs has queued and waits for its device. */
async function tfSync(tf: Tf, device: GPUDevice, estimate: DurationEstimate): Promise<void> {
  const backend = tf.backend() as unknown as { commandEncoder: GPUCommandEncoder | null; endComputePassEncoder(): void; submitQueue(): void };
  // tfjs keeps a compute pass open between ops; close it before submitting its encoder.
  backend.endComputePassEncoder();
  if (backend.commandEncoder) backend.submitQueue();
  estimate.update(await waitIdle(device, estimate.ms));
}

export async function benchTfjsMatmul(cases: GemmCase[], opts: MeasureOptions, log: (s: string) => void): Promise<BenchRow[]> {
  const { tf, device } = await loadTfjs();
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const [as, bs] = operandShapes(c);
    const a = tf.tensor2d(randomData(as[0] * as[1], 1), as);
    const b = tf.tensor2d(randomData(bs[0] * bs[1], 2), bs);
    const estimate = new DurationEstimate();
    const t = await measure(async () => {
      const out = tf.matMul(a, b, c.form === 'tn', c.form === 'nt');
      await tfSync(tf, device, estimate);
      out.dispose();
    }, opts);
    const r = row('matmul', c.name, 'tfjs-webgpu', t, { flops: 2 * c.m * c.n * c.k });
    log(`  ${r.case} ${r.impl}: ${r.medianMs.toFixed(2)} ms, ${r.gflops} GFLOP/s`);
    rows.push(r);
    a.dispose(); b.dispose();
  }
  return rows;
}

export { tfSync };
