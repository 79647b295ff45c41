// HAT (Serra et al. 2018) as an approach (docs/hat.md): a gated network; within an epoch the gate scale
// s anneals from 1/smax to smax; the embeddings' gradient is the compensated sum of the cross-entropy's
// and c·R's (R's gradient applied here, not on the tape), and their step clamps them; after a task the
// cumulative masks take the task's gates at smax. The conditioning of weight gradients by the masks is
// fused into the gated layers' backward (src/ops/hat.ts), so it needs nothing here.
//
// hatCore is HAT's machinery with the parts the HAT family changes left open: AdaHAT (adahat.ts) takes
// the same core with an unconditioned backward and adjusts the gradients itself.
import type { Engine } from '../runtime/engine.ts';
import { noGrad } from '../autograd.ts';
import type { Tensor } from '../tensor.ts';
import { axpy, fill } from '../kernels/elementwise.ts';
import * as hat from '../kernels/hat.ts';
import { HatNetwork, type ForwardContext, type NetworkConfig } from '../nn/network.ts';
import { embeddingInitOf, type EmbeddingInitName } from '../nn/init.ts';
import { ResNet18 } from '../nn/resnet.ts';
import type { ContinualNetwork } from '../nn/model.ts';
import type { Approach, ApproachState, BatchPosition, SavedApproachState, StepContext, TrainingRun } from '../train/approach.ts';
import type { GradientEntry } from '../train/optimizer.ts';

/** How s grows from 1/smax to smax over the batches of an epoch (docs/hat.md, "Mask options"). */
export type SSchedule = 'linear' | 'exp' | 'cosine';

export interface HatOptions {
  /** The largest gate scale (evaluation, masks): the reference's 400. */
  smax: number;
  /** The regulariser's weight: the reference's 0.75. */
  c: number;
  /** Embeddings are clamped to ±this after every step. */
  embeddingClamp: number;
  /** Fused kernels, or their unfused twins (same numbers, more passes). */
  fused: boolean;
  /** The s schedule within an epoch (default linear, the paper's). */
  sSchedule?: SSchedule;
  /** The task embeddings' initial values (default normal, the paper's). */
  embeddingInit?: EmbeddingInitName;
  /** A unit counts as used when its cumulative mask is above this (capacity usage; default 0.5). */
  maskThreshold?: number;
}

/**
 * s for the batch that starts at sample `start` of `total`, from 1/smax (start 0) towards smax (start
 * = total): linear 1/smax + (smax − 1/smax)·x (annealS, the paper); exp smax^(2x − 1), the same ends
 * reached geometrically (s doubles at a constant pace); cosine 1/smax + (smax − 1/smax)·(1 − cos πx)/2,
 * slow at both ends. x = start / total.
 */
export function scheduledS(schedule: SSchedule, start: number, total: number, smax: number): number {
  const x = start / total;
  switch (schedule) {
    case 'linear': return hat.annealS(start, total, smax);
    case 'exp': return smax ** (2 * x - 1);
    case 'cosine': return 1 / smax + (smax - 1 / smax) * (1 - Math.cos(Math.PI * x)) / 2;
  }
}

/**
 * The gated network of HAT and the approaches built on it. Its capacity usage counts the units whose
 * cumulative mask is above the run's threshold. With `conditionedBackward` false, the gated layers'
 * backward leaves the weight and bias gradients unconditioned (the masks are withheld while the forward
 * records the ops, as Trainer.tapStep does for its raw gradients): the approach conditions them itself.
 */
export class GatedHatNetwork extends HatNetwork {
  constructor(engine: Engine, config: NetworkConfig, readonly maskThreshold: number, readonly conditionedBackward: boolean) {
    super(engine, { ...config, gated: true });
  }

  override forwardWithFeatures(x: Tensor, ctx: ForwardContext): { logits: Tensor; features: Tensor } {
    if (this.conditionedBackward) return super.forwardWithFeatures(x, ctx);
    const masks = this.layers.map((l) => l.prevMask);
    try {
      for (const l of this.layers) l.prevMask = null;
      return super.forwardWithFeatures(x, ctx);
    } finally {
      this.layers.forEach((l, i) => { l.prevMask = masks[i]!; });
    }
  }

  async capacityUsage(): Promise<number[]> {
    const out: number[] = [];
    for (const layer of this.layers) {
      if (!layer.prevMask) { out.push(0); continue; }
      const m = await layer.prevMask.float32('capacity');
      out.push(m.reduce((a, v) => a + (v > this.maskThreshold ? 1 : 0), 0) / m.length);
    }
    return out;
  }
}

/** The HAT family's checkpointed JSON: the tasks `forget` released (their units are free again). */
export interface HatFamilyState {
  forgotten: number[];
}

/** The forgotten tasks a checkpoint's approach state lists (none when it has no such state). */
export function forgottenTasks(json: unknown): number[] {
  const f = (json as Partial<HatFamilyState> | null)?.forgotten;
  return Array.isArray(f) ? f.filter((t): t is number => Number.isInteger(t)) : [];
}

/** HAT's approach with what the family varies: its name and whether the backward conditions the gradients. */
export interface HatCore {
  approach: Approach & Required<Pick<Approach, 'prepareTask' | 'transformGradients' | 'afterTask' | 'saveState' | 'loadState'>>;
  network(): ContinualNetwork;
}

export function hatCore(name: string, o: HatOptions, conditionedBackward: boolean): HatCore {
  // R's denominator Σ_l Σ_i (1 − a^{<t}_i) is fixed for a task: read back once, when the task starts.
  let regDenominator = 1;
  let net: GatedHatNetwork | ResNet18 | null = null;
  let forgotten: number[] = [];
  const schedule = o.sSchedule ?? 'linear';
  const network = (): GatedHatNetwork | ResNet18 => {
    if (!net) throw new Error(`${name}: the network is not built yet`);
    return net;
  };
  // With no free unit left (every mask exactly 1: a full network, or one pruned to what its tasks use) R
  // is 0/0; it is taken as 0, there being no free capacity to spare, and its gradient with it.
  const hasFreeUnits = () => regDenominator > 0;
  const regularizer = (t: number, s: number): Tensor => {
    if (!hasFreeUnits()) return fill(network().engine, [1], 0);
    const layers = network().layers.map((l) => ({ embedding: l.embeddings[t]!, prev: l.prevMask }));
    return o.fused ? hat.hatRegularizer(layers, s) : hat.hatRegularizerUnfused(layers, s);
  };
  const approach: HatCore['approach'] = {
    name,

    createNetwork(engine: Engine, config: NetworkConfig) {
      const [, h, w] = config.inputShape;
      if (config.kind === 'alexnet' && (h < 32 || w < 32)) throw new Error(`--net alexnet needs 32×32 inputs (pad MNIST with padTo 32); the tasks are ${config.inputShape.join('×')}`);
      const init = o.embeddingInit ? { embeddingInit: embeddingInitOf(o.embeddingInit) } : {};
      net = config.kind === 'resnet18'
        ? new ResNet18(engine, { ...config, ...init, gated: true, maskThreshold: o.maskThreshold ?? 0.5, conditionedBackward })
        : new GatedHatNetwork(engine, { ...config, ...init }, o.maskThreshold ?? 0.5, conditionedBackward);
      return net;
    },

    async prepareTask() {
      const prevs: (Float32Array | null)[] = [];
      for (const l of network().layers) prevs.push(l.prevMask ? await l.prevMask.float32() : null);
      regDenominator = hat.hatRegDenominator(prevs, network().layers.map((l) => l.units));
    },

    gateScale: (at: BatchPosition | null) => (at ? scheduledS(schedule, at.start, at.total, o.smax) : o.smax),

    // The embeddings leave the plain SGD step: their gradient gains R's and the compensation, and their
    // step clamps them (one kernel each, or the unfused twins).
    transformGradients(step: StepContext, entries: GradientEntry[]): GradientEntry[] {
      const layers = network().layers;
      const embeddings = new Set(layers.flatMap((l) => l.embeddings));
      const kept = entries.filter((e) => !embeddings.has(e.param));
      for (const layer of layers) {
        const e = layer.embeddings[step.task]!;
        const raw = e.grad ?? fill(step.run.engine, e.shape, 0);
        const g = (o.fused ? hat.hatEmbeddingGrad : hat.hatEmbeddingGradUnfused)(e, raw, layer.prevMask, { s: step.s, smax: o.smax, c: hasFreeUnits() ? o.c : 0, regDenominator: hasFreeUnits() ? regDenominator : 1 });
        kept.push({
          param: e, grad: g,
          update: (lr, clip) => (o.fused ? hat.hatEmbeddingStep : hat.hatEmbeddingStepUnfused)(e, g, lr, clip ?? null, o.embeddingClamp),
        });
      }
      return kept;
    },

    loggedLoss(step: StepContext) {
      const r = regularizer(step.task, step.s);
      axpy(r, step.crossEntropy, 1, o.c); // r = c·R + CE
      return r;
    },

    // As the reference's validation: c·R at smax joins the cross-entropy.
    async validationPenalty(_run: TrainingRun, t: number) {
      const r = noGrad(() => regularizer(t, o.smax));
      const value = await r.item();
      r.dispose();
      return o.c * value;
    },

    // a^{≤t} = max(a^{<t}, σ(smax·e_t)) per gated layer.
    async afterTask(run: TrainingRun, t: number) {
      for (const layer of network().layers) {
        if (!layer.prevMask) layer.prevMask = fill(run.engine, [layer.units], 0).keep();
        (o.fused ? hat.hatMaskUpdate : hat.hatMaskUpdateUnfused)(layer.prevMask, layer.embeddings[t]!, o.smax);
      }
    },

    // Only the tasks `forget` released: a later forget must leave them out of the masks it recomputes.
    saveState(): ApproachState {
      return { json: forgotten.length ? ({ forgotten } satisfies HatFamilyState) : null, tensors: new Map() };
    },

    loadState(_run: TrainingRun, state: SavedApproachState) {
      forgotten = forgottenTasks(state.json);
    },
  };
  return { approach, network };
}

export function hatApproach(o: HatOptions): Approach {
  return hatCore('hat', o, true).approach;
}
