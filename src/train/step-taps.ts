// One training step opened up: every intermediate a researcher checks a step against (an independent
// float64 implementation, a paper's formula): the layers' inputs, pre-activations, gates and outputs;
// the raw gradients (backward without the earlier tasks' masks), the conditioned ones (as backward gives
// them), the ones the optimiser applies (after the approach's transforms: HAT's compensated embedding
// gradients); the global norm and clip factor; the parameters after the update. It reads a lot back:
// for inspection and tests, not for training speed. The step itself is the one training runs.
import { tensor, tidy, type Tensor } from '../tensor.ts';
import { backward, noGrad } from '../autograd.ts';
import { copy } from '../kernels/elementwise.ts';
import { softmaxCrossEntropy } from '../ops/loss.ts';
import { add } from '../ops/elementwise.ts';
import { linear } from '../ops/linear.ts';
import { conv2d } from '../ops/conv.ts';
import type { GatedLayer } from '../nn/network.ts';
import type { BatchPosition, HeadBatch, StepContext } from './approach.ts';
import type { GradientEntry } from './optimizer.ts';
import type { Trainer } from './trainer.ts';

export interface LayerTaps {
  name: string;
  input: Float32Array;
  /**
   * W·x + b (conv: the convolution plus bias), before ReLU, dropout and the gate; null for ResNet-18,
   * whose units add batch norm and shortcuts between the convolution and the gate.
   */
  preActivation: Float32Array | null;
  /** σ(s·e_task) per unit; null for a network without gates. */
  gate: Float32Array | null;
  /** After ReLU, dropout and the gate (before pooling for conv layers). */
  output: Float32Array;
}

/** Gradients by parameter name (namedParameters()'s names). */
export type NamedGradients = Record<string, Float32Array>;

export interface StepTaps {
  task: number;
  head: number;
  /** The gate scale of the step. */
  s: number;
  lr: number;
  /** The loss the run logs for this step: of the parameters the step started from. */
  loss: number;
  layers: LayerTaps[];
  gradients: {
    /** Backward with the earlier tasks' masks removed: no conditioning. */
    raw: NamedGradients;
    /** As backward gives them: weights and biases conditioned by the cumulative masks. */
    conditioned: NamedGradients;
    /** What the optimiser clips and applies, after the approach's transforms (HAT: compensated embeddings). */
    applied: NamedGradients;
  };
  /** ‖applied gradients‖₂ over all of them. */
  gradNorm: number;
  /** min(1, clipNorm / (gradNorm + 1e-6)): the factor every gradient was scaled by. */
  clipFactor: number;
  /** Every parameter after the update. */
  parametersAfter: NamedGradients;
}

async function readAll(entries: Map<string, Tensor>): Promise<NamedGradients> {
  const out: NamedGradients = {};
  for (const [name, t] of entries) {
    out[name] = await t.float32('step taps');
    t.dispose();
  }
  return out;
}

/**
 * Runs one training step of task t on `batch` (at `at` in its epoch, learning rate lr) exactly as
 * training does, and returns its intermediates. Call trainer.prepareTask(t) first (trainTask does).
 */
export async function tapStep(trainer: Trainer, t: number, batch: HeadBatch, at: BatchPosition, lr: number): Promise<StepTaps> {
  const net = trainer.net;
  const names = new Map(net.namedParameters().map(([n, p]) => [p, n]));
  const nameOf = (p: Tensor) => names.get(p) ?? p.label;
  const { data } = batch;
  const s = trainer.approach.gateScale?.(at) ?? 1;
  const step = trainer.steps;
  // The gates of this step: from the embeddings before the update changes them.
  const gates = new Map<GatedLayer, Float32Array | null>();
  for (const layer of net.layers) {
    const e = layer.embeddings[batch.head];
    gates.set(layer, e ? Float32Array.from(await e.float32('step taps'), (v) => 1 / (1 + Math.exp(-s * v))) : null);
  }

  // 1. Raw gradients: the same forward (same dropout masks: same step), backward without the masks.
  const masks = net.layers.map((l) => l.prevMask);
  const raw = new Map<string, Tensor>();
  try {
    for (const l of net.layers) l.prevMask = null;
    tidy(() => {
      const x = tensor(trainer.engine, batch.images, [batch.size, data.channels, data.height, data.width], 'f32', 'tap images');
      const y = tensor(trainer.engine, batch.labels, [batch.size], 'i32', 'tap labels');
      const { logits, features } = net.forwardWithFeatures(x, { task: batch.head, s, training: true, step, fused: trainer.config.fused });
      const crossEntropy = softmaxCrossEntropy(logits, y);
      const ctx: StepContext = { run: trainer, task: t, head: batch.head, s, x, labels: y, logits, features, crossEntropy };
      const extra = trainer.approach.lossTerms?.(ctx) ?? null;
      backward(extra ? add(crossEntropy, extra) : crossEntropy);
      for (const [name, p] of net.namedParameters()) {
        if (p.grad) raw.set(name, copy(p.grad, `raw ${name}`).keep());
        p.grad?.dispose();
        p.grad = null;
      }
    });
  } finally {
    net.layers.forEach((l, i) => { l.prevMask = masks[i]!; });
  }

  // 2. The step as training records it, watched.
  const layerTensors: { layer: GatedLayer; input: Tensor; pre: Tensor | null; output: Tensor }[] = [];
  // MLP and AlexNet layers are ReLU(W·x + b) gated, unpadded and with stride 1: their pre-activation is
  // recomputed from the recorded input. A ResNet unit is not of that form.
  const plainLayers = trainer.config.net !== 'resnet18';
  const conditioned = new Map<string, Tensor>();
  const applied = new Map<string, Tensor>();
  const keepAll = (into: Map<string, Tensor>, entries: readonly GradientEntry[]) => {
    for (const e of entries) into.set(nameOf(e.param), copy(e.grad, `tap ${nameOf(e.param)}`).keep());
  };
  const lossTensor = tidy(() => trainer.recordTrainStep(t, batch, at, lr, true, {
    layer(layer, input, output) {
      const pre = plainLayers ? noGrad(() => (layer.kind === 'linear' ? linear(input, layer.weight, layer.bias) : conv2d(input, layer.weight, layer.bias))).keep() : null;
      layerTensors.push({ layer, input: copy(input, 'tap input').keep(), pre, output: copy(output, 'tap output').keep() });
    },
    gradients: (entries) => keepAll(conditioned, entries),
    applied: (entries) => keepAll(applied, entries),
  }));
  const loss = await lossTensor!.item('step taps');
  lossTensor!.dispose();
  const norm = await trainer.lastGradNorm?.item('step taps');
  const clipNorm = trainer.config.clipNorm;
  const gradNorm = norm ?? NaN;

  const layers: LayerTaps[] = [];
  for (const { layer, input, pre, output } of layerTensors) {
    layers.push({ name: layer.name, input: await input.float32('step taps'), preActivation: pre ? await pre.float32('step taps') : null, gate: gates.get(layer) ?? null, output: await output.float32('step taps') });
    input.dispose(); pre?.dispose(); output.dispose();
  }
  const parametersAfter: NamedGradients = {};
  for (const [name, p] of net.namedParameters()) parametersAfter[name] = await p.float32('step taps');
  return {
    task: t, head: batch.head, s, lr, loss, layers,
    gradients: { raw: await readAll(raw), conditioned: await readAll(conditioned), applied: await readAll(applied) },
    gradNorm, clipFactor: Math.min(1, clipNorm / (gradNorm + 1e-6)), parametersAfter,
  };
}
