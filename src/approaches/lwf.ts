// LwF (Li & Hoiem 2016): CE + λ Σ_{u<t} distill(head u now, head u of the old model; T). The old heads
// train too; the old model is the one after task t − 1, in evaluation mode.
import type { Tensor } from '../tensor.ts';
import { noGrad } from '../autograd.ts';
import { add, scale } from '../ops/elementwise.ts';
import { distillation } from '../ops/continual.ts';
import type { HatNetwork } from '../nn/network.ts';
import type { Approach, TrainingRun } from '../train/approach.ts';
import { hatNetworkOf, plainNetwork } from './shared.ts';
import { OldModel, oldFeatures, validationMean } from './old-model.ts';

/** λ Σ_{u<t} distill(head u on `features`, head u of `old` on x; T). */
function distillTerm(run: TrainingRun, old: HatNetwork, t: number, x: Tensor, features: Tensor, lambda: number, temperature: number): Tensor {
  const before = oldFeatures(old, x, run.config.smax);
  let total: Tensor | null = null;
  for (let u = 0; u < t; u++) {
    const target = noGrad(() => old.head(before, u));
    const d = distillation(hatNetworkOf(run, 'lwf').head(features, u), target, { T: temperature });
    total = total ? add(total, d) : d;
  }
  return scale(total!, lambda);
}

export function lwfApproach(lambda: number, temperature: number): Approach {
  const old = new OldModel('lwf');
  return {
    name: 'lwf',
    createNetwork: plainNetwork,
    beforeTask: async (run, t) => old.renew(run, t),
    lossTerms: (step) => (old.net && step.task > 0 ? distillTerm(step.run, old.net, step.task, step.x, step.features, lambda, temperature) : null),
    validationPenalty: async (run, t) => (old.net && t > 0 ? validationMean(run, t, (x, f) => distillTerm(run, old.net!, t, x, f, lambda, temperature)) : 0),
    saveState: () => old.save(),
    loadState: (run, saved) => old.load(run, saved),
    dispose: () => old.dispose(),
  };
}
