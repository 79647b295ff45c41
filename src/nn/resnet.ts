// ResNet-18 for 32×32 inputs as HAT-CL and most continual-learning papers run it: a 3×3 stem conv of
// stride 1 without max-pool, four stages of two BasicBlocks (widths w, 2w, 4w, 8w; w = 64 in the papers,
// smaller for tests), global average pooling and one linear head per task. Every convolution is a HAT
// gated layer (docs/networks.md):
//
//   stem:   h = gate_conv1( relu( bn1_t( conv1(x) ) ) )
//   block:  h1  = gate_conv1( relu( bn1_t( conv1(x) ) ) )
//           sc  = x, or gate_downsample( bn_t( conv_1×1,stride(x) ) ) where the shape changes
//           out = gate_conv2( relu( bn2_t( conv2(h1) ) + sc ) )
//
// gate_L = σ(s·e_{L,t}) per channel; bn_t is the task's own BatchNorm (src/nn/task-norm.ts). The block's
// sum is gated once, by conv2's gate, after the ReLU, as HAT-CL masks the block output (the sum) with the
// block's last masker: the block output's channels are conv2's units. So the pre-mask of a conv reading a
// block output (the next block's conv1 and downsample) is that block's conv2 mask, and every channel a
// layer reads was produced by exactly one gate. The downsample conv is a gated layer of its own (its
// gate is applied before the sum, without ReLU); an identity shortcut has no weights to condition.
// Convolutions have no bias (BatchNorm follows); GatedLayer.bias holds zeros for the interface.
import type { Engine } from '../runtime/engine.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { parameter } from '../autograd.ts';
import { Rng, deriveSeed } from '../data/rng.ts';
import { embeddingRow, uniformFanIn } from './init.ts';
import { TaskBatchNorm2d } from './task-norm.ts';
import type { ContinualNetwork } from './model.ts';
import type { ForwardContext, GatedLayer, Head, NetworkConfig } from './network.ts';
import { conditionedConv2d, hatGate } from '../ops/hat-residual.ts';
import { conv2d } from '../ops/conv.ts';
import { add, relu } from '../ops/elementwise.ts';
import { linear } from '../ops/linear.ts';
import { globalAvgPool2d } from '../ops/pool-global.ts';

/** ResNet-18's base width in the papers (stage widths 64, 128, 256, 512). */
export const RESNET18_WIDTH = 64;
const STAGES = 4;
const BLOCKS_PER_STAGE = 2;

export interface ResNetConfig extends Pick<NetworkConfig, 'inputShape' | 'classesPerTask' | 'gated' | 'seed' | 'embeddingInit'> {
  /** Channels of the stem and the first stage (64 in the papers); stage i has width·2^i. */
  width?: number;
  /** A unit counts as used when its cumulative mask is above this (capacity usage; default 0.5). */
  maskThreshold?: number;
  /**
   * False: the convolutions' weight gradients are left unconditioned (the approach conditions them itself,
   * as AdaHAT); default true, HAT's conditioning by the masks in the backward.
   */
  conditionedBackward?: boolean;
}

/** One convolution of the network: its gated layer (weight, embeddings, mask) and the BatchNorm after it. */
interface ConvUnit {
  layer: GatedLayer;
  /** Index of this unit's gated layer in `layers`. */
  index: number;
  bn: TaskBatchNorm2d;
  stride: number;
  padding: number;
}

interface Block {
  conv1: ConvUnit;
  conv2: ConvUnit;
  downsample: ConvUnit | null;
}

/** Kaiming-normal weights, fan-out mode, for ReLU (torchvision's and timm's ResNet init): N(0, 2/(O·k·k)). */
function kaimingNormal(engine: Engine, shape: [number, number, number, number], rng: Rng, label: string): Tensor {
  const [o, , kh, kw] = shape;
  const std = Math.sqrt(2 / (o * kh * kw));
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
  return parameter(tensor(engine, data, shape, 'f32', label));
}

/** Weights of the convolutions, BatchNorm's gamma and beta of every task, and the heads (embeddings excluded). */
export function resnet18ParameterCount(config: Pick<ResNetConfig, 'inputShape' | 'classesPerTask' | 'width'>): number {
  const w = config.width ?? RESNET18_WIDTH;
  const tasks = config.classesPerTask.length;
  let total = 0;
  const conv = (o: number, c: number, k: number) => { total += o * c * k * k + 2 * o * tasks; };
  conv(w, config.inputShape[0], 3);
  let inC = w;
  for (let s = 0; s < STAGES; s++) {
    const out = w << s;
    for (let b = 0; b < BLOCKS_PER_STAGE; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      conv(out, inC, 3);
      conv(out, out, 3);
      if (stride !== 1 || inC !== out) conv(out, inC, 1);
      inC = out;
    }
  }
  for (const n of config.classesPerTask) total += n * inC + n;
  return total;
}

export class ResNet18 implements ContinualNetwork {
  readonly layers: GatedLayer[] = [];
  readonly heads: Head[] = [];
  readonly norms: TaskBatchNorm2d[] = [];
  /** Gated: each task runs under its own gates and normalisation (ContinualNetwork.taskConditioned). */
  readonly taskConditioned: boolean;
  readonly width: number;
  private readonly stem: ConvUnit;
  private readonly blocks: Block[] = [];
  /** Zero biases of the bias-free convolutions (GatedLayer.bias), one per layer. */
  private readonly zeroBiases: Tensor[] = [];

  constructor(readonly engine: Engine, readonly config: ResNetConfig) {
    const [c, h, w] = config.inputShape;
    if (h < 8 || w < 8) throw new Error(`resnet18: inputs of ${h}×${w} are too small for three stride-2 stages (use 32×32, as CIFAR)`);
    this.width = config.width ?? RESNET18_WIDTH;
    if (!Number.isInteger(this.width) || this.width < 1) throw new RangeError(`resnet18: width must be a positive integer, got ${this.width}`);
    this.taskConditioned = config.gated;
    const rng = new Rng(deriveSeed(config.seed, 0x5eed));
    const tasks = config.classesPerTask.length;
    const unit = (name: string, bnName: string, out: number, inC: number, k: number, stride: number, pre: number): ConvUnit => {
      const weight = kaimingNormal(engine, [out, inC, k, k], rng, `${name}.weight`);
      const bias = tensor(engine, new Float32Array(out), [out], 'f32', `${name} (no bias)`).keep();
      this.zeroBiases.push(bias);
      const embeddings = config.gated ? Array.from({ length: tasks }, (_, t) => embeddingRow(engine, out, rng, `e${name}.${t}`, config.embeddingInit)) : [];
      const layer: GatedLayer = { name, kind: 'conv', units: out, weight, bias, embeddings, prevMask: null, pre, preRepeat: 1, dropout: 0, kernel: k };
      this.layers.push(layer);
      const bn = new TaskBatchNorm2d(engine, bnName, out, tasks);
      this.norms.push(bn);
      return { layer, index: this.layers.length - 1, bn, stride, padding: k === 3 ? 1 : 0 };
    };
    this.stem = unit('conv1', 'bn1', this.width, c, 3, 1, -1);
    let inC = this.width, input = this.stem.index;
    for (let s = 0; s < STAGES; s++) {
      const out = this.width << s;
      for (let b = 0; b < BLOCKS_PER_STAGE; b++) {
        const p = `layer${s + 1}.${b}`;
        const stride = s > 0 && b === 0 ? 2 : 1;
        const conv1 = unit(`${p}.conv1`, `${p}.bn1`, out, inC, 3, stride, input);
        const conv2 = unit(`${p}.conv2`, `${p}.bn2`, out, out, 3, 1, conv1.index);
        const downsample = stride !== 1 || inC !== out ? unit(`${p}.downsample.0`, `${p}.downsample.1`, out, inC, 1, stride, input) : null;
        this.blocks.push({ conv1, conv2, downsample });
        inC = out;
        input = conv2.index;
      }
    }
    config.classesPerTask.forEach((n, t) => {
      this.heads.push({ weight: uniformFanIn(engine, [n, inC], inC, rng, `last.${t}.weight`), bias: uniformFanIn(engine, [n], inC, rng, `last.${t}.bias`) });
    });
  }

  /** Features: the globally pooled output of the last stage, [B, 8·width]. */
  get features(): number {
    return this.width << (STAGES - 1);
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.forwardWithFeatures(x, ctx).logits;
  }

  forwardWithFeatures(x: Tensor, ctx: ForwardContext): { logits: Tensor; features: Tensor } {
    if (x.shape.length !== 4) throw new Error(`resnet18: input must be [N, C, H, W], got [${x.shape.join(', ')}]`);
    let h = this.convBn(this.stem, x, ctx);
    h = this.gate(this.stem, h, ctx, true);
    ctx.observe?.(this.stem.layer, x, h);
    for (const block of this.blocks) {
      const input = h;
      const h1 = this.gate(block.conv1, this.convBn(block.conv1, input, ctx), ctx, true);
      ctx.observe?.(block.conv1.layer, input, h1);
      const z2 = this.convBn(block.conv2, h1, ctx);
      let shortcut = input;
      if (block.downsample) {
        shortcut = this.gate(block.downsample, this.convBn(block.downsample, input, ctx), ctx, false);
        ctx.observe?.(block.downsample.layer, input, shortcut);
      }
      h = this.gate(block.conv2, add(z2, shortcut), ctx, true);
      ctx.observe?.(block.conv2.layer, h1, h);
    }
    const features = globalAvgPool2d(h);
    return { logits: this.head(features, ctx.task), features };
  }

  head(features: Tensor, task: number): Tensor {
    const head = this.heads[task];
    if (!head) throw new RangeError(`resnet18: no head for task ${task} (${this.heads.length} tasks)`);
    return linear(features, head.weight, head.bias);
  }

  /** bn_t(conv(x)): the conv's weight gradient conditioned by the masks when gated. */
  private convBn(u: ConvUnit, x: Tensor, ctx: ForwardContext): Tensor {
    const conv = { stride: u.stride, padding: u.padding };
    const conditioned = this.config.conditionedBackward ?? true;
    const masks = conditioned
      ? { maskPost: u.layer.prevMask, maskPre: u.layer.pre >= 0 ? this.layers[u.layer.pre]!.prevMask : null, fused: ctx.fused }
      : { maskPost: null, maskPre: null, fused: ctx.fused };
    const z = this.config.gated
      ? conditionedConv2d(x, u.layer.weight, masks, conv)
      : conv2d(x, u.layer.weight, null, conv);
    return u.bn.forward(z, ctx.task, ctx.training);
  }

  /** The unit's gate σ(s·e_t) after an optional ReLU; without gates the ReLU alone. */
  private gate(u: ConvUnit, z: Tensor, ctx: ForwardContext, withRelu: boolean): Tensor {
    if (!this.config.gated) return withRelu ? relu(z) : z;
    return hatGate(z, { embedding: u.layer.embeddings[ctx.task]!, s: ctx.s, relu: withRelu, fused: ctx.fused });
  }

  /** Per gated layer, the fraction of units whose cumulative mask is above the threshold (0 before the first task ends). */
  async capacityUsage(): Promise<number[]> {
    const threshold = this.config.maskThreshold ?? 0.5;
    const out: number[] = [];
    for (const layer of this.layers) {
      if (!layer.prevMask) { out.push(0); continue; }
      const m = await layer.prevMask.float32('capacity');
      out.push(m.reduce((a, v) => a + (v > threshold ? 1 : 0), 0) / m.length);
    }
    return out;
  }

  sharedParameters(): Tensor[] {
    return this.layers.map((l) => l.weight);
  }

  /** The convolutions, task t's embeddings and BatchNorm tensors (running statistics included), every head. */
  taskParameters(task: number): Tensor[] {
    return [
      ...this.sharedParameters(),
      ...this.layers.flatMap((l) => (l.embeddings[task] ? [l.embeddings[task]!] : [])),
      ...this.norms.flatMap((n) => n.taskTensors(task)),
      ...this.heads.flatMap((h) => [h.weight, h.bias]),
    ];
  }

  /**
   * `conv1.weight`, `layer1.0.conv1.weight`, …, `layer2.0.downsample.0.weight`; embeddings `e<layer>.<t>`;
   * BatchNorms `bn1.weight.<t>`, `layer1.0.bn1.bias.<t>`, `….running_mean.<t>`, `….running_var.<t>`;
   * heads `last.<t>.weight`, `last.<t>.bias`.
   */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    this.layers.forEach((l, i) => {
      out.push([`${l.name}.weight`, l.weight]);
      l.embeddings.forEach((e, t) => out.push([`e${l.name}.${t}`, e]));
      out.push(...this.norms[i]!.namedTensors());
    });
    this.heads.forEach((h, t) => out.push([`last.${t}.weight`, h.weight], [`last.${t}.bias`, h.bias]));
    return out;
  }

  parameterCount(): number {
    return this.layers.reduce((a, l) => a + l.weight.size, 0)
      + this.norms.reduce((a, n) => a + n.affineParameters().reduce((b, t) => b + t.size, 0), 0)
      + this.heads.reduce((a, h) => a + h.weight.size + h.bias.size, 0);
  }

  dispose(): void {
    for (const [, t] of this.namedParameters()) t.dispose();
    for (const b of this.zeroBiases) b.dispose();
    for (const l of this.layers) l.prevMask?.dispose();
  }
}
