// LFL (Jung et al. 2016): CE + λ Σ (h − h_old)² / 2 on the penultimate activations, h_old from the old
// model in evaluation mode. The network has no dropout on h (as the reference's LFL network): the
// penalty compares h across two models.
import { lflLoss } from '../ops/continual.ts';
import type { Approach } from '../train/approach.ts';
import { plainNetwork } from './shared.ts';
import { OldModel, oldFeatures, validationMean } from './old-model.ts';

export function lflApproach(lambda: number): Approach {
  const old = new OldModel('lfl');
  return {
    name: 'lfl',
    createNetwork: (engine, config) => plainNetwork(engine, { ...config, featureDropout: false }),
    beforeTask: async (run, t) => old.renew(run, t),
    lossTerms: (step) => (old.net && step.task > 0 ? lflLoss(step.features, oldFeatures(old.net, step.x, step.run.config.smax), lambda) : null),
    validationPenalty: async (run, t) => (old.net && t > 0 ? validationMean(run, t, (x, f) => lflLoss(f, oldFeatures(old.net!, x, run.config.smax), lambda)) : 0),
    saveState: () => old.save(),
    loadState: (run, saved) => old.load(run, saved),
    dispose: () => old.dispose(),
  };
}
