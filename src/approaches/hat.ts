// HAT (Serra et al. 2018) as an approach (docs/hat.md): a gated network; within an epoch the gate scale
// s anneals from 1/smax to smax; the embeddings' gradient is the compensated sum of the cross-entropy's
// and c·R's (R's gradient applied here, not on the tape), and their step clamps them; after a task the
// cumulative masks take the task's gates at smax. The conditioning of weight gradients by the masks is
// fused into the gated layers' backward (src/ops/hat.ts), so it needs nothing here.
import type { Engine } from '../runtime/engine.ts';
import { noGrad } from '../autograd.ts';
import type { Tensor } from '../tensor.ts';
import { axpy, fill } from '../kernels/elementwise.ts';
import * as hat from '../kernels/hat.ts';
import { HatNetwork, type NetworkConfig } from '../nn/network.ts';
import type { Approach, BatchPosition, StepContext, TrainingRun } from '../train/approach.ts';
import type { GradientEntry } from '../train/optimizer.ts';

export interface HatOptions {
  /** The largest gate scale (evaluation, masks): the reference's 400. */
  smax: number;
  /** The regulariser's weight: the reference's 0.75. */
  c: number;
  /** Embeddings are clamped to ±this after every step. */
  embeddingClamp: number;
  /** Fused kernels, or their unfused twins (same numbers, more passes). */
  fused: boolean;
}

export function hatApproach(o: HatOptions): Approach {
  // R's denominator Σ_l Σ_i (1 − a^{<t}_i) is fixed for a task: read back once, when the task starts.
  let regDenominator = 1;
  let net: HatNetwork | null = null;
  const network = (): HatNetwork => {
    if (!net) throw new Error('hat: the network is not built yet');
    return net;
  };
  const regularizer = (t: number, s: number): Tensor => {
    const layers = network().layers.map((l) => ({ embedding: l.embeddings[t]!, prev: l.prevMask }));
    return o.fused ? hat.hatRegularizer(layers, s) : hat.hatRegularizerUnfused(layers, s);
  };
  return {
    name: 'hat',

    createNetwork(engine: Engine, config: NetworkConfig) {
      const [, h, w] = config.inputShape;
      if (config.kind === 'alexnet' && (h < 32 || w < 32)) throw new Error(`--net alexnet needs 32×32 inputs (pad MNIST with padTo 32); the tasks are ${config.inputShape.join('×')}`);
      net = new HatNetwork(engine, { ...config, gated: true });
      return net;
    },

    async prepareTask() {
      const prevs: (Float32Array | null)[] = [];
      for (const l of network().layers) prevs.push(l.prevMask ? await l.prevMask.float32() : null);
      regDenominator = hat.hatRegDenominator(prevs, network().layers.map((l) => l.units));
    },

    gateScale: (at: BatchPosition | null) => (at ? hat.annealS(at.start, at.total, o.smax) : o.smax),

    // The embeddings leave the plain SGD step: their gradient gains R's and the compensation, and their
    // step clamps them (one kernel each, or the unfused twins).
    transformGradients(step: StepContext, entries: GradientEntry[]): GradientEntry[] {
      const layers = network().layers;
      const embeddings = new Set(layers.flatMap((l) => l.embeddings));
      const kept = entries.filter((e) => !embeddings.has(e.param));
      for (const layer of layers) {
        const e = layer.embeddings[step.task]!;
        const raw = e.grad ?? fill(step.run.engine, e.shape, 0);
        const g = (o.fused ? hat.hatEmbeddingGrad : hat.hatEmbeddingGradUnfused)(e, raw, layer.prevMask, { s: step.s, smax: o.smax, c: o.c, regDenominator });
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
  };
}
