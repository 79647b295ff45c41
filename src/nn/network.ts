// HAT networks of the reference: MLP-HAT (input → gated fc layers → one head per task) and AlexNet-HAT
// (three gated conv+pool layers, two gated fc layers, heads). The same network also runs without gates
// (`gated: false`), which is the plain fine-tuning control (approach sgd).
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../tensor.ts';
import { Rng, deriveSeed } from '../data/rng.ts';
import { uniformFanIn, embeddingRow } from './init.ts';
import { hatLinear, hatConv2d, plainLinear, plainConv2d } from '../ops/hat.ts';
import { linear } from '../ops/linear.ts';
import { maxpool2d } from '../ops/conv.ts';
import { dropout } from '../ops/dropout.ts';
import { reshape } from '../ops/shape.ts';

export interface ForwardContext {
  task: number;
  /** Gate temperature (annealed in training, smax at evaluation). */
  s: number;
  training: boolean;
  /** Seeds this step's dropout masks (with the layer index). */
  step: number;
  fused: boolean;
  /**
   * Sees every gated layer's input and output (after ReLU, dropout and the gate; before pooling) as the
   * forward pass records them: how a step's intermediates are tapped (Trainer.tapStep).
   */
  observe?: (layer: GatedLayer, input: Tensor, output: Tensor) => void;
}

/** Dropout probabilities (training only); absent entries keep the reference's. */
export interface DropoutConfig {
  /** On the network input (the reference: MLP 0.2, AlexNet 0). */
  input?: number;
  /** Per gated layer, in order, or one value for all (the reference: MLP 0.5 each; AlexNet 0.2, 0.2, 0.5, 0.5, 0.5). */
  layers?: number[] | number;
}

/** One gated layer: a linear or conv layer with a task embedding per task and its cumulative mask. */
export interface GatedLayer {
  name: string;
  kind: 'linear' | 'conv';
  units: number;
  weight: Tensor;
  bias: Tensor;
  embeddings: Tensor[];
  /** a^{<t}: the max over earlier tasks of sigmoid(smax·e); null before the first task ends. */
  prevMask: Tensor | null;
  /** Index of the gated layer feeding this one (−1 for the first). */
  pre: number;
  /** Spatial positions per channel of the feeding layer's output, when it is a flattened conv. */
  preRepeat: number;
  dropout: number;
  /** Conv only: kernel size. */
  kernel?: number;
}

export interface Head {
  weight: Tensor;
  bias: Tensor;
}

export interface NetworkConfig {
  /** resnet18 is built by ResNet18 (src/nn/resnet.ts), not by HatNetwork. */
  kind: 'mlp' | 'alexnet' | 'resnet18';
  inputShape: [number, number, number];
  /** Classes per task (one head each). */
  classesPerTask: number[];
  /** MLP hidden widths (the reference: [2000, 2000]). */
  hidden?: number[];
  /** AlexNet fc widths (the reference: 2048). */
  fcWidth?: number;
  /** ResNet-18's base width (the papers: 64; stages width, 2·width, 4·width, 8·width). */
  width?: number;
  gated: boolean;
  seed: number;
  /** Embedding init: 'normal' N(0,1), or [lo, hi] uniform. */
  embeddingInit?: 'normal' | [number, number];
  /**
   * Dropout on the penultimate activations, the heads' input (default true). LFL's network has none: its
   * penalty compares these activations with the old model's, and the reference's LFL network leaves
   * dropout off there (with it, every unit the mask drops or doubles counts as forgetting).
   */
  featureDropout?: boolean;
  /** Dropout probabilities; default the reference's. `{ input: 0, layers: [0, …] }` switches it off. */
  dropout?: DropoutConfig;
}

/** Layer i's dropout under `config` (its `dropout` setting, else the reference's `reference`), checked. */
export function layerDropout(config: NetworkConfig, i: number, reference: number): number {
  const given = config.dropout?.layers;
  const p = (typeof given === 'number' ? given : given?.[i]) ?? reference;
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout of layer ${i + 1}: ${p} is not in [0, 1)`);
  return p;
}

/** The input's dropout under `config`, else the reference's. */
export function inputDropout(config: NetworkConfig, reference: number): number {
  const p = config.dropout?.input ?? reference;
  if (!(p >= 0 && p < 1)) throw new RangeError(`input dropout ${p} is not in [0, 1)`);
  return p;
}

/** The reference network's geometry for a config: the AlexNet's conv kernel sizes and the flattened size. */
export function alexnetGeometry(inputShape: readonly [number, number, number]): { kernels: number[]; spatial: number } {
  const [, h] = inputShape;
  // The reference's kernel sizes for 32×32 inputs: size/8, size/10, 2; no padding; 2×2 pools.
  const kernels = [Math.floor(h / 8), Math.floor(h / 10), 2];
  let size = h;
  for (const k of kernels) size = Math.floor((size - k + 1) / 2);
  return { kernels, spatial: size * size };
}

/**
 * Weights, biases and heads of the network `config` describes, without building it (HAT's embeddings
 * excluded, as HatNetwork.parameterCount): the budget PathNet's and progressive networks are sized to.
 */
export function referenceParameterCount(config: Pick<NetworkConfig, 'kind' | 'inputShape' | 'classesPerTask' | 'hidden' | 'fcWidth'>): number {
  const [c, h, w] = config.inputShape;
  let total = 0, fanIn: number;
  if (config.kind === 'mlp') {
    fanIn = c * h * w;
    for (const units of config.hidden ?? [2000, 2000]) { total += units * fanIn + units; fanIn = units; }
  } else {
    const { kernels, spatial } = alexnetGeometry(config.inputShape);
    const channels = [64, 128, 256];
    let inC = c;
    kernels.forEach((k, i) => { total += channels[i]! * inC * k * k + channels[i]!; inC = channels[i]!; });
    fanIn = inC * spatial;
    const fc = config.fcWidth ?? 2048;
    for (let i = 0; i < 2; i++) { total += fc * fanIn + fc; fanIn = fc; }
  }
  for (const n of config.classesPerTask) total += n * fanIn + n;
  return total;
}

export class HatNetwork {
  readonly layers: GatedLayer[] = [];
  readonly heads: Head[] = [];
  /** Dropout on the network input (MLP: 0.2). */
  readonly inputDropout: number;
  private readonly runSeed: number;

  constructor(readonly engine: Engine, readonly config: NetworkConfig) {
    if (config.kind === 'resnet18') throw new Error('HatNetwork builds mlp and alexnet; --net resnet18 is ResNet18 (src/nn/resnet.ts), which this approach does not build');
    const rng = new Rng(deriveSeed(config.seed, 0x5eed));
    const nTasks = config.classesPerTask.length;
    const [c, h, w] = config.inputShape;
    this.runSeed = config.seed;
    const addLayer = (l: Omit<GatedLayer, 'embeddings' | 'prevMask'>) => {
      const embeddings = config.gated ? Array.from({ length: nTasks }, (_, t) => embeddingRow(engine, l.units, rng, `${l.name}.e${t}`, config.embeddingInit)) : [];
      this.layers.push({ ...l, embeddings, prevMask: null });
    };
    let features: number;
    if (config.kind === 'mlp') {
      this.inputDropout = inputDropout(config, 0.2);
      let fanIn = c * h * w;
      const hidden = config.hidden ?? [2000, 2000];
      hidden.forEach((units, i) => {
        const dropout = layerDropout(config, i, i === hidden.length - 1 && config.featureDropout === false ? 0 : 0.5);
        addLayer({ name: `fc${i + 1}`, kind: 'linear', units, weight: uniformFanIn(engine, [units, fanIn], fanIn, rng, `fc${i + 1}.weight`), bias: uniformFanIn(engine, [units], fanIn, rng, `fc${i + 1}.bias`), pre: i - 1, preRepeat: 1, dropout });
        fanIn = units;
      });
      features = fanIn;
    } else {
      this.inputDropout = inputDropout(config, 0);
      // The reference's kernel sizes for 32×32 inputs: size/8, size/10, 2; no padding; 2×2 pools.
      const kernels = [Math.floor(h / 8), Math.floor(h / 10), 2];
      const channels = [64, 128, 256];
      const drops = [0.2, 0.2, 0.5];
      let inC = c, size = h;
      for (let i = 0; i < 3; i++) {
        const k = kernels[i]!, fanIn = inC * k * k;
        addLayer({ name: `c${i + 1}`, kind: 'conv', units: channels[i]!, weight: uniformFanIn(engine, [channels[i]!, inC, k, k], fanIn, rng, `c${i + 1}.weight`), bias: uniformFanIn(engine, [channels[i]!], fanIn, rng, `c${i + 1}.bias`), pre: i - 1, preRepeat: 1, dropout: layerDropout(config, i, drops[i]!), kernel: k });
        size = Math.floor((size - k + 1) / 2);
        inC = channels[i]!;
      }
      const spatial = size * size;
      let fanIn = inC * spatial;
      const fc = config.fcWidth ?? 2048;
      for (let i = 0; i < 2; i++) {
        const dropout = layerDropout(config, 3 + i, i === 1 && config.featureDropout === false ? 0 : 0.5);
        addLayer({ name: `fc${i + 1}`, kind: 'linear', units: fc, weight: uniformFanIn(engine, [fc, fanIn], fanIn, rng, `fc${i + 1}.weight`), bias: uniformFanIn(engine, [fc], fanIn, rng, `fc${i + 1}.bias`), pre: 2 + i, preRepeat: i === 0 ? spatial : 1, dropout });
        fanIn = fc;
      }
      features = fc;
    }
    if (Array.isArray(config.dropout?.layers) && config.dropout.layers.length !== this.layers.length) {
      throw new RangeError(`dropout: ${config.dropout.layers.length} layer probabilities for ${this.layers.length} gated layers (${this.layers.map((l) => l.name).join(', ')})`);
    }
    config.classesPerTask.forEach((n, t) => {
      this.heads.push({ weight: uniformFanIn(engine, [n, features], features, rng, `last.${t}.weight`), bias: uniformFanIn(engine, [n], features, rng, `last.${t}.bias`) });
    });
  }

  get gated(): boolean {
    return this.config.gated;
  }

  /** Gated: each task's forward runs under its own masks (ContinualNetwork.taskConditioned). */
  get taskConditioned(): boolean {
    return this.config.gated;
  }

  /** Logits of head `ctx.task` for a batch x [B, C, H, W] (MLP: any shape with B rows). */
  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.forwardWithFeatures(x, ctx).logits;
  }

  /** The logits and the features the heads see (the penultimate activations, [B, features]). */
  forwardWithFeatures(x: Tensor, ctx: ForwardContext): { logits: Tensor; features: Tensor } {
    const batch = x.shape[0]!;
    let h: Tensor = this.config.kind === 'mlp' ? reshape(x, [batch, x.size / batch]) : x;
    if (ctx.training && this.inputDropout > 0) h = dropout(h, this.inputDropout, this.seedFor(ctx.step, 0));
    this.layers.forEach((layer, i) => {
      const p = ctx.training ? layer.dropout : 0;
      const seed = this.seedFor(ctx.step, i + 1);
      if (layer.kind === 'linear' && h.shape.length !== 2) h = reshape(h, [batch, h.size / batch]);
      const input = h;
      let pooled = false;
      if (this.gated) {
        const gate = {
          embedding: layer.embeddings[ctx.task]!, s: ctx.s, dropout: p, seed, fused: ctx.fused,
          maskPost: layer.prevMask, maskPre: layer.pre >= 0 ? this.layers[layer.pre]!.prevMask : null, preRepeat: layer.preRepeat,
        };
        h = layer.kind === 'linear' ? hatLinear(h, layer.weight, layer.bias, gate) : hatConv2d(h, layer.weight, layer.bias, gate);
      } else if (layer.kind === 'linear') {
        h = plainLinear(h, layer.weight, layer.bias, { p, seed });
      } else {
        h = plainConv2d(h, layer.weight, layer.bias, { p, seed });
      }
      ctx.observe?.(layer, input, h);
      if (layer.kind === 'conv' && !pooled) { h = maxpool2d(h); pooled = true; }
    });
    if (h.shape.length !== 2) h = reshape(h, [batch, h.size / batch]);
    return { logits: this.head(h, ctx.task), features: h };
  }

  /** Head `task` applied to features [B, features]. */
  head(features: Tensor, task: number): Tensor {
    const head = this.heads[task]!;
    return linear(features, head.weight, head.bias);
  }

  private seedFor(step: number, layer: number): number {
    return deriveSeed(this.runSeed, step, layer);
  }

  /** Shared weights and biases of the gated (or plain) layers. */
  sharedParameters(): Tensor[] {
    return this.layers.flatMap((l) => [l.weight, l.bias]);
  }

  /**
   * Everything that may train while task t is learned: the shared layers, every head (HAT and SGD train
   * only head t, LwF and joint training the earlier ones too) and the embeddings of t.
   */
  taskParameters(task: number): Tensor[] {
    return [...this.sharedParameters(), ...this.layers.flatMap((l) => (l.embeddings[task] ? [l.embeddings[task]!] : [])), ...this.heads.flatMap((h) => [h.weight, h.bias])];
  }

  /** Every parameter (all tasks' embeddings and heads), in a stable order with names. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const l of this.layers) {
      out.push([`${l.name}.weight`, l.weight], [`${l.name}.bias`, l.bias]);
      l.embeddings.forEach((e, t) => out.push([`e${l.name}.${t}`, e]));
    }
    this.heads.forEach((h, t) => out.push([`last.${t}.weight`, h.weight], [`last.${t}.bias`, h.bias]));
    return out;
  }

  parameterCount(): number {
    return this.namedParameters().filter(([n]) => !n.startsWith('e')).reduce((a, [, t]) => a + t.size, 0);
  }

  dispose(): void {
    for (const [, t] of this.namedParameters()) t.dispose();
    for (const l of this.layers) l.prevMask?.dispose();
  }
}
