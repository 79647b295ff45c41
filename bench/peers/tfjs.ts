// The tfjs WebGPU backend on the same adapter, in the same process, for side-by-side rows.
//
// tfjs looks for navigator.gpu; we hand it Dawn's. It builds its own device on the same adapter. Waiting
// uses the same sleep-then-wait as our rows, so neither side pays dawn.node's busy-poll differently.
import { create, globals } from 'webgpu';
import { measure, row, waitIdle, type BenchRow, type MeasureOptions } from '../harness.ts';
import { WaitEstimator } from '../../src/runtime/wait.ts';
import { operandShapes, randomData, type GemmCase } from '../matmul.ts';
import { convOperands, type ConvCase } from '../conv.ts';
import { conv2dFlops } from '../../src/kernels/conv.ts';

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
const waits = new WaitEstimator();

async function tfSync(tf: Tf, device: GPUDevice, tag: string): Promise<void> {
  const backend = tf.backend() as unknown as { commandEncoder: GPUCommandEncoder | null; endComputePassEncoder(): void; submitQueue(): void };
  // tfjs keeps a compute pass open between ops; close it before submitting its encoder.
  backend.endComputePassEncoder();
  if (backend.commandEncoder) backend.submitQueue();
  await waitIdle(device, waits, tag);
}

export async function benchTfjsMatmul(cases: GemmCase[], opts: MeasureOptions, log: (s: string) => void): Promise<BenchRow[]> {
  const { tf, device } = await loadTfjs();
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const [as, bs] = operandShapes(c);
    const a = tf.tensor2d(randomData(as[0] * as[1], 1), as);
    const b = tf.tensor2d(randomData(bs[0] * bs[1], 2), bs);
    const t = await measure(async () => {
      const out = tf.matMul(a, b, c.form === 'tn', c.form === 'nt');
      await tfSync(tf, device, `tfjs ${c.name}`);
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

/** tfjs training the same MLP without gates: dense+ReLU+dropout layers, softmax cross-entropy, plain SGD. */
export async function benchTfjsStep(cases: { name: string; hidden: number[]; batch: number }[], opts: MeasureOptions, log: (s: string) => void): Promise<BenchRow[]> {
  const { tf, device } = await loadTfjs();
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const model = tf.sequential();
    model.add(tf.layers.dropout({ rate: 0.2, inputShape: [784] }));
    for (const units of c.hidden) {
      model.add(tf.layers.dense({ units, activation: 'relu' }));
      model.add(tf.layers.dropout({ rate: 0.5 }));
    }
    model.add(tf.layers.dense({ units: 10 }));
    const optimizer = tf.train.sgd(0.05);
    const x = tf.tensor2d(randomData(c.batch * 784, 9), [c.batch, 784]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: c.batch }, (_, i) => i % 10), 'int32'), 10);
    const t = await measure(async () => {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as import('@tensorflow/tfjs').Tensor) as import('@tensorflow/tfjs').Scalar, true);
      await tfSync(tf, device, `tfjs ${c.name}`);
      loss?.dispose();
    }, opts);
    const r = row('step', c.name, 'tfjs-webgpu', t, { samples: c.batch });
    rows.push(r);
    log(`  ${c.name} tfjs-webgpu: ${r.medianMs.toFixed(1)} ms/step, ${r.samplesPerSecond} samples/s`);
    x.dispose(); y.dispose(); model.dispose(); optimizer.dispose();
  }
  return rows;
}

/**
 * tfjs conv2d on the same cases: forward (conv2d + bias + ReLU, NHWC, tfjs's native layout) and the input
 * gradient (conv2dTranspose). tfjs exposes no standalone filter-gradient op, so dW rows are ours only.
 */
export async function benchTfjsConv(cases: ConvCase[], opts: MeasureOptions, log: (s: string) => void): Promise<BenchRow[]> {
  const { tf, device } = await loadTfjs();
  const rows: BenchRow[] = [];
  for (const c of cases) {
    if (c.pass === 'dW') continue;
    const d = convOperands(c);
    const x = tf.tensor4d(d.x, [c.n, c.size, c.size, c.c]);
    const w = tf.tensor4d(d.w, [c.k, c.k, c.c, c.o]);
    const b = tf.tensor1d(d.b);
    const dy = tf.tensor4d(d.dy, [c.n, d.g.oh, d.g.ow, c.o]);
    const t = await measure(async () => {
      const out = c.pass === 'forward' ? tf.relu(tf.add(tf.conv2d(x, w, 1, 'valid'), b)) : tf.conv2dTranspose(dy, w, [c.n, c.size, c.size, c.c], 1, 'valid');
      await tfSync(tf, device, `tfjs ${c.name}`);
      out.dispose();
    }, opts);
    const r = row('conv', c.name, 'tfjs-webgpu', t, { flops: conv2dFlops(d.g) });
    rows.push(r);
    log(`  ${c.name} tfjs-webgpu: ${r.medianMs.toFixed(2)} ms, ${r.gflops} GFLOP/s`);
    for (const tt of [x, w, b, dy]) tt.dispose();
  }
  return rows;
}
