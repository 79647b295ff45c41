// ResNet suite: one whole training step of ResNet-18-HAT (3×32×32, 10 classes, task t = 1 so task 0's
// masks condition the gradients; task-indexed BatchNorm, gates, HAT's embedding gradients, clipping,
// SGD) beside tfjs WebGPU training the same network on the same adapter: tfjs layers conv2d (no bias),
// batchNormalization, add and globalAveragePooling2d, each conv followed by a per-channel gate
// x·σ(s·e) with a trainable e (a small custom layer), softmax cross-entropy, SGD. tfjs has no HAT
// conditioning or compensation, so its step does a little less than ours; the ratio is ours / tfjs.
// The width multiplier keeps the full network (width 64) optional: it takes seconds per step on lavapipe.
import type { Engine } from '../src/runtime/engine.ts';
import { tidy } from '../src/tensor.ts';
import { makeDataset, type Dataset } from '../src/data/dataset.ts';
import type { Task } from '../src/data/task.ts';
import { DEFAULT_CONFIG } from '../src/config/index.ts';
import { createApproach } from '../src/approaches/registry.ts';
import type { NetworkConfig } from '../src/nn/network.ts';
import { Trainer } from '../src/train/trainer.ts';
import { engineVariant, runCase, type CaseResult, type CaseVariant } from './case.ts';
import type { SamplingOptions } from './lab/options.ts';
import { wallSampler } from './lab/sampler.ts';
import { randomData } from './matmul.ts';
import { loadTfjs, tfSync } from './peers/tfjs.ts';

export interface ResnetStepOptions extends SamplingOptions {
  /** Base width (64: ResNet-18 as the papers; default 16, about 1/16 of its work). */
  width?: number;
  /** Default 32. */
  batch?: number;
  /** Add tfjs WebGPU as a peer (default true). */
  tfjs?: boolean;
  /** The gate scale of tfjs's gates (ours anneals it within the epoch; the cost is the same). */
  s?: number;
  log?: (line: string) => void;
}

const CLASSES = 10;
const STAGES = 4;
const BLOCKS = 2;

function syntheticTask(name: string, batch: number): Task {
  const data: Dataset = makeDataset({ images: randomData(batch * 3 * 32 * 32, 9), labels: Int32Array.from({ length: batch }, (_, i) => i % CLASSES), n: batch, channels: 3, height: 32, width: 32, classes: CLASSES });
  return { name, classes: [...Array(CLASSES).keys()], nClasses: CLASSES, inputShape: [3, 32, 32], train: data, valid: data, test: data };
}

type Tf = typeof import('@tensorflow/tfjs');
type TfTensor = import('@tensorflow/tfjs').Tensor;
type SymbolicTensor = import('@tensorflow/tfjs').SymbolicTensor;

/** The same ResNet-18 in tfjs layers (NHWC), each conv followed by BatchNorm and a per-channel sigmoid gate. */
function tfjsResnet(tf: Tf, width: number, s: number): import('@tensorflow/tfjs').LayersModel {
  // HAT's gate as a layer: y = x·σ(s·e[c]), e trainable (one value per channel, N(0, 1)).
  class Gate extends tf.layers.Layer {
    static className = 'HatGate';
    private e: import('@tensorflow/tfjs').LayerVariable | null = null;
    override build(inputShape: import('@tensorflow/tfjs').Shape | import('@tensorflow/tfjs').Shape[]): void {
      const shape = inputShape as number[];
      this.e = this.addWeight('e', [shape[shape.length - 1]!], 'float32', tf.initializers.randomNormal({ mean: 0, stddev: 1 }));
      this.built = true;
    }
    override call(inputs: TfTensor | TfTensor[]): TfTensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.tidy(() => tf.mul(x, tf.sigmoid(tf.mul(this.e!.read(), s))));
    }
  }
  const gate = (x: SymbolicTensor) => new Gate({}).apply(x) as SymbolicTensor;
  const conv = (x: SymbolicTensor, filters: number, kernel: number, stride: number) =>
    tf.layers.conv2d({ filters, kernelSize: kernel, strides: stride, padding: 'same', useBias: false, kernelInitializer: 'heNormal' }).apply(x) as SymbolicTensor;
  // Keras momentum 0.9 is PyTorch's 0.1.
  const bn = (x: SymbolicTensor) => tf.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5 }).apply(x) as SymbolicTensor;
  const relu = (x: SymbolicTensor) => tf.layers.reLU().apply(x) as SymbolicTensor;
  const input = tf.input({ shape: [32, 32, 3] });
  let h = gate(relu(bn(conv(input, width, 3, 1))));
  let inC = width;
  for (let st = 0; st < STAGES; st++) {
    const out = width << st;
    for (let b = 0; b < BLOCKS; b++) {
      const stride = st > 0 && b === 0 ? 2 : 1;
      const h1 = gate(relu(bn(conv(h, out, 3, stride))));
      const z2 = bn(conv(h1, out, 3, 1));
      const shortcut = stride !== 1 || inC !== out ? gate(bn(conv(h, out, 1, stride))) : h;
      h = gate(relu(tf.layers.add().apply([z2, shortcut]) as SymbolicTensor));
      inC = out;
    }
  }
  const pooled = tf.layers.globalAveragePooling2d({}).apply(h) as SymbolicTensor;
  const logits = tf.layers.dense({ units: CLASSES }).apply(pooled) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

async function tfjsResnetVariant(width: number, batch: number, s: number): Promise<CaseVariant> {
  const { tf, device } = await loadTfjs();
  const model = tfjsResnet(tf, width, s);
  const optimizer = tf.train.sgd(0.05);
  const x = tf.tensor4d(randomData(batch * 32 * 32 * 3, 9), [batch, 32, 32, 3]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % CLASSES), 'int32'), CLASSES);
  const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as TfTensor) as import('@tensorflow/tfjs').Scalar, true)?.dispose();
  const sampler = wallSampler('tfjs-webgpu', async (units) => {
    for (let u = 0; u < units; u++) step();
    await tfSync(tf, device, 'tfjs resnet18 step');
  }, { note: 'wall clock from queuing the step(s) on tfjs until its queue drained, divided by the steps' });
  return { impl: 'tfjs-webgpu', wallOnly: true, samplesPerUnit: batch, sampler: async () => sampler, dispose: () => { x.dispose(); y.dispose(); model.dispose(); optimizer.dispose(); } };
}

/**
 * One training step of ResNet-18-HAT, ours against tfjs (when `opts.tfjs` is not false), in one interleaved
 * comparison on the wall clock; logs ms per step of each and the ratio ours / tfjs.
 */
export async function benchResnetStep(engine: Engine, opts: ResnetStepOptions = {}): Promise<CaseResult & { ratio: number | null }> {
  const width = opts.width ?? 16, batch = opts.batch ?? 32;
  const log = opts.log ?? (() => {});
  const name = `resnet18 width ${width} 3x32x32 batch ${batch}`;
  const tasks = [syntheticTask('t0', batch), syntheticTask('t1', batch)];
  const config = { ...DEFAULT_CONFIG, approach: 'hat' as const, net: 'resnet18' as const, batch };
  const base = createApproach(config);
  const trainer = new Trainer(engine, tasks, config, { ...base, createNetwork: (e: Engine, c: NetworkConfig) => base.createNetwork(e, { ...c, width }) });
  const variants: CaseVariant[] = [];
  try {
    await trainer.finishTask(0); // task 1 trains under task 0's masks
    await trainer.approach.prepareTask?.(trainer, 1);
    const data = tasks[1]!.train;
    let round = 0;
    variants.push(engineVariant(engine, 'webgpu-hat', {
      name: 'webgpu-hat',
      record: () => {
        const at = { start: (round++ % 1000) * batch, total: 1000 * batch };
        tidy(() => trainer.recordTrainStep(1, { images: data.images, labels: data.labels, size: batch, head: 1, data }, at, 0.05, false));
      },
    }, batch));
    if (opts.tfjs ?? true) variants.push(await tfjsResnetVariant(width, batch, opts.s ?? 400));
    const result = await runCase(engine, 'resnet', name, variants, { warmupMs: 2000, budgetMs: 20000, minSamples: 5, ...opts, units: 1 });
    for (const r of result.rows) log(`  ${name} ${r.impl}: ${r.medianMs.toPrecision(4)} ms/step (${r.clock}), ${r.samplesPerSecond} samples/s`);
    const ours = result.rows.find((r) => r.impl === 'webgpu-hat'), tfjs = result.rows.find((r) => r.impl === 'tfjs-webgpu');
    const ratio = ours && tfjs ? ours.medianMs / tfjs.medianMs : null;
    if (ratio !== null) log(`  ${name}: ours / tfjs = ${ratio.toFixed(2)} (step time)`);
    return { ...result, ratio };
  } finally {
    trainer.dispose();
    for (const v of variants) v.dispose?.();
  }
}
