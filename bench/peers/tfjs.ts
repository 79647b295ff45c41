// The tfjs WebGPU backend on the same adapter, in the same process, for side-by-side rows.
//
// tfjs looks for navigator.gpu; we hand it Dawn's. It builds its own device on the same adapter. Waiting
// uses the same sleep-then-wait as our rows, so neither side pays dawn.node's busy-poll differently.
import { createGpu } from '../../src/runtime/node.ts';
import { waitIdle } from '../harness.ts';
import type { CaseVariant } from '../case.ts';
import { wallSampler } from '../lab/sampler.ts';
import { WaitEstimator } from '../../src/runtime/wait.ts';
import { matmulBytes, matmulFlops, operandShapes, randomData, type GemmCase } from '../matmul.ts';
import { convOperands, type ConvCase } from '../conv.ts';
import { conv2dFlops } from '../../src/kernels/conv.ts';

type Tf = typeof import('@tensorflow/tfjs');
let loaded: Promise<{ tf: Tf; device: GPUDevice }> | null = null;

/** Loads tfjs with its WebGPU backend, or explains why it cannot. */
export function loadTfjs(): Promise<{ tf: Tf; device: GPUDevice }> {
  loaded ??= (async () => {
    const gpu = createGpu();
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

const IMPL = 'tfjs-webgpu';

/** A wall-clock variant: `run` queues one unit on tfjs's device; a sample queues `units`, then waits. */
function tfjsVariant(tf: Tf, device: GPUDevice, tag: string, unit: () => void, extra: { flops?: number; bytes?: number; samplesPerUnit?: number }, dispose: () => void): CaseVariant {
  const sampler = wallSampler(IMPL, async (units) => {
    for (let u = 0; u < units; u++) unit();
    await tfSync(tf, device, tag);
  }, { flops: extra.flops, bytes: extra.bytes, note: 'wall clock from queuing the unit(s) on tfjs until its queue drained, divided by the units' });
  return { impl: IMPL, wallOnly: true, samplesPerUnit: extra.samplesPerUnit, sampler: async () => sampler, dispose };
}

export async function tfjsMatmulVariant(c: GemmCase): Promise<CaseVariant> {
  const { tf, device } = await loadTfjs();
  const [as, bs] = operandShapes(c);
  const a = tf.tensor2d(randomData(as[0] * as[1], 1), as);
  const b = tf.tensor2d(randomData(bs[0] * bs[1], 2), bs);
  return tfjsVariant(tf, device, `tfjs ${c.name}`, () => tf.matMul(a, b, c.form === 'tn', c.form === 'nt').dispose(), { flops: matmulFlops(c), bytes: matmulBytes(c) }, () => { a.dispose(); b.dispose(); });
}

export { tfSync };

/** tfjs training the same MLP without gates: dense+ReLU+dropout layers, softmax cross-entropy, plain SGD. */
export async function tfjsStepVariant(c: { name: string; hidden: number[]; batch: number }): Promise<CaseVariant> {
  const { tf, device } = await loadTfjs();
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
  const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as import('@tensorflow/tfjs').Tensor) as import('@tensorflow/tfjs').Scalar, true)?.dispose();
  return tfjsVariant(tf, device, `tfjs ${c.name}`, step, { samplesPerUnit: c.batch }, () => { x.dispose(); y.dispose(); model.dispose(); optimizer.dispose(); });
}

/**
 * tfjs conv2d on the same cases: forward (conv2d + bias + ReLU, NHWC, tfjs's native layout) and the input
 * gradient (conv2dTranspose). tfjs exposes no standalone filter-gradient op, so dW cases have no peer.
 */
export async function tfjsConvVariant(c: ConvCase): Promise<CaseVariant | null> {
  if (c.pass === 'dW') return null;
  const { tf, device } = await loadTfjs();
  const d = convOperands(c);
  const x = tf.tensor4d(d.x, [c.n, c.size, c.size, c.c]);
  const w = tf.tensor4d(d.w, [c.k, c.k, c.c, c.o]);
  const b = tf.tensor1d(d.b);
  const dy = tf.tensor4d(d.dy, [c.n, d.g.oh, d.g.ow, c.o]);
  // tidy: the forward's conv and add results are intermediates to free, not only the output.
  const unit = () => tf.tidy(() => (c.pass === 'forward' ? tf.relu(tf.add(tf.conv2d(x, w, 1, 'valid'), b)) : tf.conv2dTranspose(dy, w, [c.n, c.size, c.size, c.c], 1, 'valid'))).dispose();
  return tfjsVariant(tf, device, `tfjs ${c.name}`, unit, { flops: conv2dFlops(d.g) }, () => { for (const t of [x, w, b, dy]) t.dispose(); });
}
