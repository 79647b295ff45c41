// PathNet's network (Fernando et al. 2017) as joansj/hat builds it (src/networks/alexnet_pathnet.py):
// the HAT network's layers, each split into M small modules; a path picks N modules per layer, and a
// layer's output is the sum of its path modules' activations. One head per task on the last layer.
// Modules on an earlier task's best path are frozen (requiresGrad = false), so that task never changes.
import type { Engine } from '../runtime/engine.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { parameter } from '../autograd.ts';
import { Rng, deriveSeed } from '../data/rng.ts';
import { assertParameterFits, uniformFanInValues } from './init.ts';
import { plainLinear, plainConv2d } from '../ops/hat.ts';
import { linear } from '../ops/linear.ts';
import { maxpool2d } from '../ops/conv.ts';
import { add } from '../ops/elementwise.ts';
import { dropout } from '../ops/dropout.ts';
import { reshape } from '../ops/shape.ts';
import { alexnetGeometry, inputDropout, layerDropout, referenceParameterCount, type ForwardContext, type GatedLayer, type Head, type NetworkConfig } from './network.ts';
import { widthForParameters, type ContinualNetwork } from './model.ts';

/** A path: per layer, the indices of its N modules (L × N). */
export type Path = number[][];

export interface PathNetShape {
  /** Modules per layer (M). */
  modules: number;
  /** Modules of a path per layer (N). */
  active: number;
}

interface PathModule {
  weight: Tensor;
  bias: Tensor;
}

interface PathNetLayer {
  name: string;
  kind: 'linear' | 'conv';
  /** Units (channels) of each module. */
  units: number;
  dropout: number;
  modules: PathModule[];
}

/** The HAT network's widths per layer for a config (MLP: hidden; AlexNet: 3 conv channels, 2 fc). */
function referenceWidths(config: NetworkConfig): number[] {
  if (config.kind === 'mlp') return [...(config.hidden ?? [2000, 2000])];
  const fc = config.fcWidth ?? 2048;
  return [64, 128, 256, fc, fc];
}

/** The AlexNet geometry, refused when the input is too small for its kernels and pools. */
function checkedGeometry(config: NetworkConfig): { kernels: number[]; spatial: number } {
  const g = alexnetGeometry(config.inputShape);
  if (g.kernels.some((k) => k < 1) || g.spatial < 1) {
    throw new Error(`pathnet: --net alexnet needs inputs of at least 32×32 (pad MNIST with padTo 32); got ${config.inputShape.join('×')}`);
  }
  return g;
}

/** Weights and biases of M modules per layer with these widths, plus the heads. */
export function pathnetParameterCount(config: NetworkConfig, modules: number, widths: readonly number[]): number {
  const [c, h, w] = config.inputShape;
  let total = 0, fanIn: number;
  if (config.kind === 'mlp') {
    fanIn = c * h * w;
    for (const units of widths) { total += modules * (units * fanIn + units); fanIn = units; }
  } else {
    const { kernels, spatial } = checkedGeometry(config);
    let inC = c;
    kernels.forEach((k, i) => { total += modules * (widths[i]! * inC * k * k + widths[i]!); inC = widths[i]!; });
    fanIn = inC * spatial;
    for (let i = 3; i < 5; i++) { total += modules * (widths[i]! * fanIn + widths[i]!); fanIn = widths[i]!; }
  }
  for (const n of config.classesPerTask) total += n * fanIn + n;
  return total;
}

/** Resolution of the width factor: the factor is k / FACTOR_STEPS for an integer k. */
const FACTOR_STEPS = 1 << 14;

/**
 * Module widths: the reference widths times one factor, chosen so that all M modules per layer and the
 * heads have about referenceParameterCount(config) parameters (the reference's expand_factor 0.258 for
 * M = 16 on its AlexNet; split-MNIST's [2000, 2000] MLP gets modules of 317 units).
 */
export function moduleWidths(config: NetworkConfig, modules: number): number[] {
  const reference = referenceWidths(config);
  const widthsAt = (k: number) => reference.map((r) => Math.max(1, Math.floor((r * k) / FACTOR_STEPS)));
  const k = widthForParameters(referenceParameterCount(config), (k) => pathnetParameterCount(config, modules, widthsAt(k)), FACTOR_STEPS);
  return widthsAt(k);
}

/** M and N as a network can have them: positive integers, N ≤ M (a path's modules per layer are distinct). */
export function checkPathNetShape({ modules, active }: PathNetShape): void {
  if (!Number.isInteger(modules) || modules < 1) throw new Error(`pathnet: modules per layer (M) must be a positive integer, got ${modules}`);
  if (!Number.isInteger(active) || active < 1) throw new Error(`pathnet: active modules per layer (N) must be a positive integer, got ${active}`);
  if (active > modules) throw new Error(`pathnet: a path takes N = ${active} distinct modules per layer, but a layer has only M = ${modules}`);
}

export class PathNetNetwork implements ContinualNetwork {
  /** No HAT gates. */
  readonly layers: readonly GatedLayer[] = [];
  /** ContinualNetwork.taskConditioned: each task runs its own path of modules. */
  readonly taskConditioned = true;
  readonly pathLayers: PathNetLayer[] = [];
  readonly heads: Head[] = [];
  readonly modules: number;
  readonly active: number;
  /** Dropout on the network input (MLP: 0.2, as the HAT network). */
  readonly inputDropout: number;
  /** Per task, the path kept after it was learned (null: not learned yet). */
  readonly bestPaths: (Path | null)[];
  /** The path being trained and the task it is for (set by the path search). */
  private training: { task: number; path: Path } | null = null;
  /** The values each module parameter started with (modules off every best path return to them). */
  private readonly initial = new Map<Tensor, Float32Array>();

  constructor(readonly engine: Engine, readonly config: NetworkConfig, shape: PathNetShape) {
    checkPathNetShape(shape);
    const { modules, active } = shape;
    this.modules = modules;
    this.active = active;
    this.bestPaths = config.classesPerTask.map(() => null);
    const rng = new Rng(deriveSeed(config.seed, 0x9a7e));
    const widths = moduleWidths(config, modules);
    const [c, h, w] = config.inputShape;
    const init = (shape: number[], fanIn: number, label: string) => {
      assertParameterFits(engine, shape, label);
      const data = uniformFanInValues(shape, fanIn, rng);
      return { p: parameter(tensor(engine, data, shape, 'f32', label)), data };
    };
    // Module parameters, PyTorch's default init (U(±1/√fanIn)); their initial values are kept.
    const addLayer = (name: string, kind: 'linear' | 'conv', units: number, weightShape: number[], fanIn: number, drop: number) => {
      const layerModules = Array.from({ length: modules }, (_, m) => {
        const weight = init(weightShape, fanIn, `${name}.m${m}.weight`);
        const bias = init([units], fanIn, `${name}.m${m}.bias`);
        this.initial.set(weight.p, weight.data);
        this.initial.set(bias.p, bias.data);
        return { weight: weight.p, bias: bias.p };
      });
      this.pathLayers.push({ name, kind, units, dropout: layerDropout(config, this.pathLayers.length, drop), modules: layerModules });
    };
    let features: number;
    if (config.kind === 'mlp') {
      this.inputDropout = inputDropout(config, 0.2);
      let fanIn = c * h * w;
      widths.forEach((units, i) => {
        addLayer(`fc${i + 1}`, 'linear', units, [units, fanIn], fanIn, 0.5);
        fanIn = units;
      });
      features = fanIn;
    } else {
      this.inputDropout = inputDropout(config, 0);
      const { kernels, spatial } = checkedGeometry(config);
      const drops = [0.2, 0.2, 0.5];
      let inC = c;
      kernels.forEach((k, i) => {
        addLayer(`c${i + 1}`, 'conv', widths[i]!, [widths[i]!, inC, k, k], inC * k * k, drops[i]!);
        inC = widths[i]!;
      });
      let fanIn = inC * spatial;
      for (let i = 0; i < 2; i++) {
        addLayer(`fc${i + 1}`, 'linear', widths[3 + i]!, [widths[3 + i]!, fanIn], fanIn, 0.5);
        fanIn = widths[3 + i]!;
      }
      features = fanIn;
    }
    config.classesPerTask.forEach((n, t) => {
      this.heads.push({ weight: init([n, features], features, `last.${t}.weight`).p, bias: init([n], features, `last.${t}.bias`).p });
    });
  }

  /** Layers with paths (L). */
  get depth(): number {
    return this.pathLayers.length;
  }

  /** Trains `path` for `task`: forward passes of that task use it until clearTrainingPath(). */
  setTrainingPath(task: number, path: Path): void {
    this.checkPath(path);
    this.training = { task, path: path.map((row) => [...row]) };
  }

  clearTrainingPath(): void {
    this.training = null;
  }

  /** The path a forward pass of `task` takes: the one being trained for it, else its best path. */
  pathFor(task: number): Path {
    if (this.training?.task === task) return this.training.path;
    const best = this.bestPaths[task];
    if (!best) throw new Error(`pathnet: task ${task} has no path yet (neither trained nor being trained)`);
    return best;
  }

  /** Keeps `path` as task t's and freezes its modules: from now on they never change. */
  setBestPath(task: number, path: Path): void {
    this.checkPath(path);
    this.bestPaths[task] = path.map((row) => [...row]);
    path.forEach((row, l) => {
      for (const m of row) {
        const module = this.pathLayers[l]!.modules[m]!;
        module.weight.requiresGrad = false;
        module.bias.requiresGrad = false;
      }
    });
  }

  /** Whether module m of layer l is on the best path of some task learned so far. */
  isFrozen(layer: number, module: number): boolean {
    return this.bestPaths.some((p) => p?.[layer]!.includes(module) ?? false);
  }

  /** Uploads the initial values of every module on no task's best path (the reference, before each task). */
  reinitializeFreeModules(): void {
    this.pathLayers.forEach((layer, l) => {
      layer.modules.forEach((module, m) => {
        if (this.isFrozen(l, m)) return;
        for (const p of [module.weight, module.bias]) this.engine.upload(p.buffer, this.initial.get(p)!);
      });
    });
  }

  private checkPath(path: Path): void {
    if (path.length !== this.depth || path.some((row) => row.length !== this.active || row.some((m) => !Number.isInteger(m) || m < 0 || m >= this.modules))) {
      throw new Error(`pathnet: a path needs ${this.depth} layers of ${this.active} module indices in [0, ${this.modules}), got ${JSON.stringify(path)}`);
    }
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.forwardWithFeatures(x, ctx).logits;
  }

  /**
   * Each layer's output is the sum over the path's modules of dropout(relu(module(h))) (conv layers
   * max-pool each module's output before the sum, as the reference). A module listed twice in a layer
   * (mutation can do that) is summed twice, with its own dropout mask per slot, as the reference does.
   */
  forwardWithFeatures(x: Tensor, ctx: ForwardContext): { logits: Tensor; features: Tensor } {
    const path = this.pathFor(ctx.task);
    const batch = x.shape[0]!;
    let h: Tensor = this.config.kind === 'mlp' ? reshape(x, [batch, x.size / batch]) : x;
    if (ctx.training && this.inputDropout > 0) h = dropout(h, this.inputDropout, deriveSeed(this.config.seed, ctx.step, 0));
    this.pathLayers.forEach((layer, l) => {
      const p = ctx.training ? layer.dropout : 0;
      if (layer.kind === 'linear' && h.shape.length !== 2) h = reshape(h, [batch, h.size / batch]);
      const input = h;
      let sum: Tensor | null = null;
      for (let slot = 0; slot < path[l]!.length; slot++) {
        const module = layer.modules[path[l]![slot]!]!;
        // Each slot its own mask, as each module of the reference has its own dropout call.
        const drop = { p, seed: deriveSeed(this.config.seed, ctx.step, l + 1, slot) };
        const out = layer.kind === 'linear' ? plainLinear(input, module.weight, module.bias, drop) : maxpool2d(plainConv2d(input, module.weight, module.bias, drop));
        sum = sum ? add(sum, out) : out;
      }
      h = sum!;
    });
    if (h.shape.length !== 2) h = reshape(h, [batch, h.size / batch]);
    const head = this.heads[ctx.task]!;
    return { logits: linear(h, head.weight, head.bias), features: h };
  }

  /** Every module's weights and biases. */
  sharedParameters(): Tensor[] {
    return this.pathLayers.flatMap((l) => l.modules.flatMap((m) => [m.weight, m.bias]));
  }

  /** Every module and head t (frozen modules among them; they get no gradient). */
  taskParameters(task: number): Tensor[] {
    const head = this.heads[task]!;
    return [...this.sharedParameters(), head.weight, head.bias];
  }

  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const l of this.pathLayers) {
      l.modules.forEach((m, i) => out.push([`${l.name}.m${i}.weight`, m.weight], [`${l.name}.m${i}.bias`, m.bias]));
    }
    this.heads.forEach((h, t) => out.push([`last.${t}.weight`, h.weight], [`last.${t}.bias`, h.bias]));
    return out;
  }

  parameterCount(): number {
    return this.namedParameters().reduce((a, [, t]) => a + t.size, 0);
  }

  /** Per layer, the fraction of modules on some learned task's best path. */
  async capacityUsage(): Promise<number[]> {
    return this.pathLayers.map((layer, l) => layer.modules.filter((_, m) => this.isFrozen(l, m)).length / this.modules);
  }

  dispose(): void {
    for (const [, t] of this.namedParameters()) t.dispose();
    this.initial.clear();
  }
}
