// AdaHAT (Wang, Bo, Hong, Liu and Mu, "AdaHAT: Adaptive Hard Attention to the Task in Task-Incremental
// Learning", ECML PKDD 2024; docs/hat.md, "AdaHAT"). HAT freezes what earlier tasks use: a weight's
// gradient is multiplied by 1 − min(a^{<t}_post, a^{<t}_pre), so a long sequence runs out of free units.
// AdaHAT lets the used weights move a little, the less the more tasks use them and the more free capacity
// the current task leaves:
//
//   ∂W[i, j] *= r_l / (I[i, j] + r_l)     I[i, j] = min(S_l[i], S_{l−1}[j])     r_l = α / (ε + sparsity_l)
//
// S is the summative mask (per unit, how many earlier tasks' binarised gates use it; HAT keeps only the
// max), sparsity_l the layer's share of free units the task's gates take this step (R's per-layer
// ratio). Biases read I = S_l[i]. Everything else is HAT's: the gates, R, the embeddings' compensated
// gradients, the cumulative max mask that R and the capacity report use.
//
// The adjustment runs as a gradient transform after backward (src/kernels/adahat.ts says why), on a
// network whose backward does not apply HAT's hard conditioning.
import { tensor, type Tensor } from '../tensor.ts';
import { fill } from '../kernels/elementwise.ts';
import * as hatKernels from '../kernels/hat.ts';
import { adahatAdjust, adahatAdjustUnfused, adahatSummativeUpdate, adahatSummativeUpdateUnfused } from '../kernels/adahat.ts';
import type { Approach, ApproachState, SavedApproachState, StepContext, TrainingRun } from '../train/approach.ts';
import type { GradientEntry } from '../train/optimizer.ts';
import { hatCore, type HatOptions } from './hat.ts';

export interface AdahatOptions extends HatOptions {
  /** α of eq. 9 (the paper: 1e-6). */
  adjustmentIntensity: number;
  /** ε of eq. 9 (the paper: 0.1). */
  epsilon: number;
}

/** The summative masks in a checkpoint: `approach.<SUMMATIVE_PREFIX>.<layer>`. */
export const SUMMATIVE_PREFIX = 'summative';

/**
 * CLArena's guard: with at most this many free units in a layer the sparsity ratio means little, and
 * the layer's sparsity counts as 0 (r = α / ε).
 */
const MIN_FREE_UNITS = 10;

export function adahatApproach(o: AdahatOptions): Approach {
  const core = hatCore('adahat', o, false);
  const base = core.approach;
  /** Per gated layer, S^{<t}; null until the first task ends. */
  let summative: Tensor[] | null = null;
  /** Per gated layer: more than MIN_FREE_UNITS free units when the task started (its sparsity is used). */
  let sparsityCounts: boolean[] = [];
  const dropSummative = () => { for (const s of summative ?? []) s.dispose(); summative = null; };

  return {
    ...base,

    async prepareTask(run: TrainingRun, t: number) {
      await base.prepareTask(run, t);
      sparsityCounts = [];
      for (const l of core.network().layers) {
        const free = l.prevMask ? (await l.prevMask.float32('adahat free units')).reduce((a, m) => a + 1 - m, 0) : l.units;
        sparsityCounts.push(free > MIN_FREE_UNITS);
      }
    },

    transformGradients(step: StepContext, entries: GradientEntry[]): GradientEntry[] {
      if (!summative) return base.transformGradients(step, entries);
      const layers = core.network().layers;
      const sums = summative;
      const adjust = o.fused ? adahatAdjust : adahatAdjustUnfused;
      const replaced = new Map<Tensor, Tensor>();
      layers.forEach((l, i) => {
        // sparsity_l = Σ_i a_i(1 − a^{<t}_i) / Σ_i (1 − a^{<t}_i) at this step's s: R of this layer alone.
        const regLayer = [{ embedding: l.embeddings[step.task]!, prev: l.prevMask }];
        const sparsity = sparsityCounts[i] ? (o.fused ? hatKernels.hatRegularizer : hatKernels.hatRegularizerUnfused)(regLayer, step.s) : null;
        const rate = { alpha: o.adjustmentIntensity, epsilon: o.epsilon, sparsity };
        const pre = l.pre >= 0 ? sums[l.pre]! : null;
        for (const [param, imp] of [[l.weight, { post: sums[i]!, pre }], [l.bias, { post: sums[i]!, pre: null }]] as const) {
          if (param.grad) replaced.set(param, adjust(param.grad, imp, rate));
        }
      });
      const adjusted = entries.map((e) => (replaced.has(e.param) ? { ...e, grad: replaced.get(e.param)! } : e));
      return base.transformGradients(step, adjusted);
    },

    // HAT's cumulative max, then S^{≤t} = S^{<t} + [e_t > 0] per gated layer.
    async afterTask(run: TrainingRun, t: number) {
      await base.afterTask(run, t);
      const layers = core.network().layers;
      summative ??= layers.map((l) => fill(run.engine, [l.units], 0, 'f32').keep());
      layers.forEach((l, i) => (o.fused ? adahatSummativeUpdate : adahatSummativeUpdateUnfused)(summative![i]!, l.embeddings[t]!));
    },

    saveState(run: TrainingRun): ApproachState {
      const state = base.saveState(run);
      const sums = summative;
      if (sums) core.network().layers.forEach((l, i) => state.tensors.set(`${SUMMATIVE_PREFIX}.${l.name}`, sums[i]!));
      return state;
    },

    loadState(run: TrainingRun, state: SavedApproachState, at: { task: number; inTask: boolean }) {
      base.loadState(run, state, at);
      dropSummative();
      const layers = core.network().layers;
      const saved = layers.map((l) => state.tensors.get(`${SUMMATIVE_PREFIX}.${l.name}`));
      if (saved.every((s) => !s)) {
        if (at.task > 0) throw new Error(`adahat: the checkpoint has no summative masks (approach.${SUMMATIVE_PREFIX}.<layer>) after ${at.task} tasks: was it written by another approach?`);
        return;
      }
      summative = layers.map((l, i) => {
        const s = saved[i];
        if (!s || s.shape.join() !== String(l.units)) throw new Error(`adahat: checkpoint tensor approach.${SUMMATIVE_PREFIX}.${l.name} is missing or not [${l.units}]`);
        return tensor(run.engine, s.data, [l.units], 'f32', `summative ${l.name}`).keep();
      });
    },

    dispose() {
      base.dispose?.();
      dropSummative();
    },
  };
}
