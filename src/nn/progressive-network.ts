// Progressive neural networks (Rusu et al. 2016) as joansj/hat builds them (src/networks/
// alexnet_progressive.py): one column per task, each the architecture of the HAT network of the same
// config with every width scaled by one factor, so that all columns, lateral adapters and heads together
// have about the HAT network's parameters (referenceParameterCount). Column t > 0 receives, into every
// layer after the first and into its head, a lateral adapter from columns 0..t−1:
//
//   pre_l^(t) += U_l( ReLU( V_l( concat_{j<t} α_j · h_{l−1}^(j) ) ) )      (head: no ReLU)
//
// h_{l−1}^(j) the activations column j feeds its own layer l (after dropout and pooling; flattened
// before fc1 as the reference's Vf1 sees them), α learnable scalars (N(0, 1) as the reference's
// Embedding(1, t)), V a linear layer (a 1×1 conv for conv layers) keeping the width of its input per
// column, U a layer of the column's own kind (for conv layers a conv with the layer's kernel).
// Columns of earlier tasks are frozen while later tasks train, so their tasks never forget.
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../tensor.ts';
import { Rng, deriveSeed } from '../data/rng.ts';
import { fill } from '../kernels/elementwise.ts';
import { normalParameter, uniformFanIn } from './init.ts';
import { alexnetGeometry, inputDropout, layerDropout, referenceParameterCount, type ForwardContext, type GatedLayer, type NetworkConfig } from './network.ts';
import { widthForParameters, type ContinualNetwork } from './model.ts';
import { plainConv2d, plainLinear } from '../ops/hat.ts';
import { linear } from '../ops/linear.ts';
import { conv2d, maxpool2d } from '../ops/conv.ts';
import { add, relu } from '../ops/elementwise.ts';
import { scaleByEntry } from '../ops/continual.ts';
import { dropout } from '../ops/dropout.ts';
import { reshape } from '../ops/shape.ts';

export interface ProgressiveOptions {
  /**
   * The width of every column's widest layer; the others scale with it. Default: the width whose whole
   * network has about referenceParameterCount(config) parameters.
   */
  width?: number;
  /**
   * Rusu et al. compute every earlier column with its own lateral adapters. The reference does not: in
   * its forward for task t only column t adds laterals, the earlier columns run as plain stacks (their
   * activations, fed to column t's adapters, differ from those they had when trained). Default false,
   * the reference's network; true gives the paper's.
   */
  earlierLaterals?: boolean;
}

/** One layer of a column: its kind, units, the features one column feeds it, and its dropout. */
export interface ColumnLayer {
  name: string;
  kind: 'linear' | 'conv';
  units: number;
  /** Conv only: kernel size. */
  kernel: number;
  /** Channels (conv) or flattened features (linear) of one column's input to this layer. */
  inFeatures: number;
  dropout: number;
}

/** A lateral adapter into one layer (or the head) of column t, from columns 0..t−1. */
export interface Lateral {
  /** α [t]: one scale per source column. */
  alpha: Tensor;
  /**
   * V as per-source-column blocks: V(concat_j α_j h_j) = Σ_j V_j (α_j h_j) + b_V, the same function as
   * the reference's one layer on the concatenation, with no concatenation to build. V_j [F, F] (linear)
   * or [c, c, 1, 1] (conv).
   */
  v: Tensor[];
  vBias: Tensor;
  u: Tensor;
  uBias: Tensor;
}

export interface Column {
  weights: Tensor[];
  biases: Tensor[];
  /** Per layer (and, last, the head): the adapter, or null (layer 0, and every layer of column 0). */
  laterals: (Lateral | null)[];
  head: { weight: Tensor; bias: Tensor };
}

/** The layers of one column whose widest layer has `width` units (the HAT network's, scaled). */
export function columnLayers(config: NetworkConfig, width: number): ColumnLayer[] {
  const [c, h, w] = config.inputShape;
  if (config.kind === 'mlp') {
    const hidden = config.hidden ?? [2000, 2000];
    const widest = Math.max(...hidden);
    let inFeatures = c * h * w;
    return hidden.map((units, i) => {
      const scaled = Math.max(1, Math.round((units * width) / widest));
      const layer: ColumnLayer = { name: `fc${i + 1}`, kind: 'linear', units: scaled, kernel: 1, inFeatures, dropout: layerDropout(config, i, 0.5) };
      inFeatures = scaled;
      return layer;
    });
  }
  const { kernels, spatial } = alexnetGeometry(config.inputShape);
  const fc = config.fcWidth ?? 2048;
  const base = [64, 128, 256, fc, fc];
  const widest = Math.max(...base);
  const units = base.map((b) => Math.max(1, Math.round((b * width) / widest)));
  const drops = [0.2, 0.2, 0.5, 0.5, 0.5];
  const inFeatures = [c, units[0]!, units[1]!, units[2]! * spatial, units[3]!];
  return units.map((u, i) => ({
    name: i < 3 ? `c${i + 1}` : `fc${i - 2}`, kind: i < 3 ? 'conv' : 'linear', units: u, kernel: i < 3 ? kernels[i]! : 1,
    inFeatures: inFeatures[i]!, dropout: layerDropout(config, i, drops[i]!),
  }));
}

/** How a parameter is initialised: PyTorch's U(±1/√fanIn), or N(0, 1) for the α of an adapter. */
type Init = { fanIn: number } | 'normal';

interface ParameterSpec {
  name: string;
  shape: number[];
  init: Init;
  column: number;
}

/**
 * Every parameter of the network, in its stable order (per column: layers, laterals, head), with shapes
 * and initialisation: the one description both the constructor and the parameter count read.
 */
function parameterSpecs(config: NetworkConfig, layers: readonly ColumnLayer[]): ParameterSpec[] {
  const specs: ParameterSpec[] = [];
  const nTasks = config.classesPerTask.length;
  const features = layers[layers.length - 1]!.units;
  for (let t = 0; t < nTasks; t++) {
    const p = (name: string, shape: number[], init: Init) => specs.push({ name: `col${t}.${name}`, shape, init, column: t });
    for (const l of layers) {
      const fanIn = l.kind === 'conv' ? l.inFeatures * l.kernel * l.kernel : l.inFeatures;
      p(`${l.name}.weight`, l.kind === 'conv' ? [l.units, l.inFeatures, l.kernel, l.kernel] : [l.units, l.inFeatures], { fanIn });
      p(`${l.name}.bias`, [l.units], { fanIn });
    }
    if (t > 0) {
      const lateral = (name: string, kind: 'linear' | 'conv', inF: number, out: number, kernel: number) => {
        p(`lat.${name}.alpha`, [t], 'normal');
        // The reference's V is one layer over the t·F concatenated inputs: its fan-in is t·F.
        for (let j = 0; j < t; j++) p(`lat.${name}.V${j}.weight`, kind === 'conv' ? [inF, inF, 1, 1] : [inF, inF], { fanIn: t * inF });
        p(`lat.${name}.V.bias`, [inF], { fanIn: t * inF });
        const uFanIn = inF * kernel * kernel;
        p(`lat.${name}.U.weight`, kind === 'conv' ? [out, inF, kernel, kernel] : [out, inF], { fanIn: uFanIn });
        p(`lat.${name}.U.bias`, [out], { fanIn: uFanIn });
      };
      layers.forEach((l, i) => { if (i > 0) lateral(l.name, l.kind, l.inFeatures, l.units, l.kernel); });
      lateral('last', 'linear', features, config.classesPerTask[t]!, 1);
    }
    const n = config.classesPerTask[t]!;
    specs.push({ name: `last.${t}.weight`, shape: [n, features], init: { fanIn: features }, column: t });
    specs.push({ name: `last.${t}.bias`, shape: [n], init: { fanIn: features }, column: t });
  }
  return specs;
}

/** Parameters of the progressive network of `config` whose columns' widest layer has `width` units. */
export function progressiveParameterCount(config: NetworkConfig, width: number): number {
  return parameterSpecs(config, columnLayers(config, width)).reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
}

/** The column width that gives about the HAT network's parameter count (the reference's sizing). */
export function progressiveWidth(config: NetworkConfig): number {
  // One column alone is the HAT network (width = its widest layer); T columns are narrower than that.
  const widest = config.kind === 'mlp' ? Math.max(...(config.hidden ?? [2000, 2000])) : Math.max(256, config.fcWidth ?? 2048);
  return widthForParameters(referenceParameterCount(config), (w) => progressiveParameterCount(config, w), 2 * widest);
}

/** x viewed as [B, features] (the view carries the gradient back to x). */
function flattenRows(x: Tensor): Tensor {
  if (x.shape.length === 2) return x;
  const batch = x.shape[0]!;
  return reshape(x, [batch, x.size / batch]);
}

export class ProgressiveNetwork implements ContinualNetwork {
  /** No HAT gates. */
  readonly layers: readonly GatedLayer[] = [];
  /** ContinualNetwork.taskConditioned: task t runs column t (with laterals from the earlier columns). */
  readonly taskConditioned = true;
  readonly columnSpec: readonly ColumnLayer[];
  readonly columns: Column[] = [];
  /** The widest layer's units in every column. */
  readonly width: number;
  readonly earlierLaterals: boolean;
  /** Dropout on the network input (MLP: 0.2, as HAT's MLP); one mask that every column sees. */
  readonly inputDropout: number;
  private readonly named: [string, Tensor][] = [];
  /** Zero biases for V's blocks j > 0 (b_V is added once, with block 0). */
  private readonly zeroBiases = new Map<number, Tensor>();

  constructor(readonly engine: Engine, readonly config: NetworkConfig, options: ProgressiveOptions = {}) {
    this.width = options.width ?? progressiveWidth(config);
    this.earlierLaterals = options.earlierLaterals ?? false;
    this.inputDropout = inputDropout(config, config.kind === 'mlp' ? 0.2 : 0);
    this.columnSpec = columnLayers(config, this.width);
    const byName = new Map<string, Tensor>();
    let rng: Rng | null = null, rngColumn = -1;
    for (const s of parameterSpecs(config, this.columnSpec)) {
      // One generator per column: a column's initial values do not depend on how many columns precede it.
      if (s.column !== rngColumn) { rng = new Rng(deriveSeed(config.seed, 0x960c, s.column)); rngColumn = s.column; }
      const p = s.init === 'normal' ? normalParameter(engine, s.shape, rng!, s.name) : uniformFanIn(engine, s.shape, s.init.fanIn, rng!, s.name);
      byName.set(s.name, p);
      this.named.push([s.name, p]);
    }
    const get = (name: string) => byName.get(name)!;
    const lateralOf = (t: number, name: string): Lateral => ({
      alpha: get(`col${t}.lat.${name}.alpha`),
      v: Array.from({ length: t }, (_, j) => get(`col${t}.lat.${name}.V${j}.weight`)),
      vBias: get(`col${t}.lat.${name}.V.bias`),
      u: get(`col${t}.lat.${name}.U.weight`),
      uBias: get(`col${t}.lat.${name}.U.bias`),
    });
    config.classesPerTask.forEach((_, t) => {
      this.columns.push({
        weights: this.columnSpec.map((l) => get(`col${t}.${l.name}.weight`)),
        biases: this.columnSpec.map((l) => get(`col${t}.${l.name}.bias`)),
        laterals: [...this.columnSpec.map((l, i) => (t > 0 && i > 0 ? lateralOf(t, l.name) : null)), t > 0 ? lateralOf(t, 'last') : null],
        head: { weight: get(`last.${t}.weight`), bias: get(`last.${t}.bias`) },
      });
    });
  }

  /** Logits of head `ctx.task` for a batch x [B, C, H, W]. */
  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.forwardWithFeatures(x, ctx).logits;
  }

  /**
   * Columns 0..task on x (the earlier ones under the same dropout as the current one: the reference runs
   * them all in training mode), then head `task` on its column's last activations plus the head's
   * lateral. Features: column `task`'s last activations.
   */
  forwardWithFeatures(x: Tensor, ctx: ForwardContext): { logits: Tensor; features: Tensor } {
    const task = ctx.task;
    const batch = x.shape[0]!;
    let input: Tensor = this.config.kind === 'mlp' ? reshape(x, [batch, x.size / batch]) : x;
    if (ctx.training && this.inputDropout > 0) input = dropout(input, this.inputDropout, this.seedFor(ctx.step, 0, 0));
    // h[j]: what column j feeds its next layer.
    let h: Tensor[] = Array.from({ length: task + 1 }, () => input);
    this.columnSpec.forEach((layer, l) => {
      const p = ctx.training ? layer.dropout : 0;
      if (layer.kind === 'linear') h = h.map(flattenRows);
      const next: Tensor[] = [];
      for (let j = 0; j <= task; j++) {
        const column = this.columns[j]!;
        const w = column.weights[l]!, b = column.biases[l]!;
        const seed = this.seedFor(ctx.step, l + 1, j);
        const adapter = j > 0 && (j === task || this.earlierLaterals) ? column.laterals[l] : null;
        if (!adapter) {
          next.push(layer.kind === 'linear' ? plainLinear(h[j]!, w, b, { p, seed }) : maxpool2d(plainConv2d(h[j]!, w, b, { p, seed })));
          continue;
        }
        const pre = add(layer.kind === 'linear' ? linear(h[j]!, w, b) : conv2d(h[j]!, w, b), this.lateral(adapter, h.slice(0, j), layer.kind, true));
        let out = relu(pre);
        if (p > 0) out = dropout(out, p, seed);
        next.push(layer.kind === 'conv' ? maxpool2d(out) : out);
      }
      h = next;
    });
    h = h.map(flattenRows);
    const features = h[task]!;
    const column = this.columns[task]!;
    let logits = linear(features, column.head.weight, column.head.bias);
    const headLateral = column.laterals[this.columnSpec.length];
    if (headLateral) logits = add(logits, this.lateral(headLateral, h.slice(0, task), 'linear', false));
    return { logits, features };
  }

  /** U(ReLU?(Σ_j V_j(α_j · h_j) + b_V)) + b_U over the earlier columns' activations `sources`. */
  private lateral(a: Lateral, sources: readonly Tensor[], kind: 'linear' | 'conv', withRelu: boolean): Tensor {
    let acc: Tensor | null = null;
    for (let j = 0; j < sources.length; j++) {
      const scaled = scaleByEntry(sources[j]!, a.alpha, j);
      // The bias b_V once, on the first block.
      const v = kind === 'linear' ? linear(scaled, a.v[j]!, j === 0 ? a.vBias : this.zeroBias(a.vBias.size)) : conv2d(scaled, a.v[j]!, j === 0 ? a.vBias : null);
      acc = acc ? add(acc, v) : v;
    }
    if (!acc) throw new Error('a lateral adapter needs at least one earlier column');
    const reduced = withRelu ? relu(acc) : acc;
    return kind === 'linear' ? linear(reduced, a.u, a.uBias) : conv2d(reduced, a.u, a.uBias);
  }

  private zeroBias(n: number): Tensor {
    let z = this.zeroBiases.get(n);
    if (!z) {
      z = fill(this.engine, [n], 0).keep();
      this.zeroBiases.set(n, z);
    }
    return z;
  }

  private seedFor(step: number, layer: number, column: number): number {
    return deriveSeed(this.config.seed, step, layer, column);
  }

  /** Column t's layers, its lateral adapters and head t: everything task t trains. */
  columnParameters(t: number): Tensor[] {
    return this.named.filter(([name]) => name.startsWith(`col${t}.`) || name.startsWith(`last.${t}.`)).map(([, p]) => p);
  }

  /**
   * Trains column t only, as the reference's unfreeze_column: every other column (its layers, laterals
   * and head) gets requiresGrad = false, so it receives no gradient and the trainer's step leaves it
   * bit-identical.
   */
  trainOnlyColumn(t: number): void {
    this.columns.forEach((_, c) => { for (const p of this.columnParameters(c)) p.requiresGrad = c === t; });
  }

  /** None: every parameter belongs to one task's column (nothing for SGD-F-style freezing to share). */
  sharedParameters(): Tensor[] {
    return [];
  }

  taskParameters(task: number): Tensor[] {
    return this.columnParameters(task);
  }

  namedParameters(): [string, Tensor][] {
    return [...this.named];
  }

  parameterCount(): number {
    return this.named.reduce((a, [, p]) => a + p.size, 0);
  }

  dispose(): void {
    for (const [, p] of this.named) p.dispose();
    for (const t of this.zeroBiases.values()) t.dispose();
  }
}

