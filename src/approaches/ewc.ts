// EWC (Kirkpatrick et al. 2017) as the reference runs it: CE + (λ/2) Σ F (θ − θ*)², F the diagonal
// empirical Fisher averaged over tasks, θ* the model after the previous task.
import { noGrad } from '../autograd.ts';
import type { Tensor } from '../tensor.ts';
import { fisherMerge } from '../kernels/continual.ts';
import { ewcPenalty } from '../ops/continual.ts';
import type { Approach, TrainingRun } from '../train/approach.ts';
import { Copies, fisherOf, loadNamedState, namedState, plainNetwork, weightsAndHeads } from './shared.ts';

export function ewcApproach(lambda: number): Approach {
  const anchors = new Copies();
  let fisher: Map<Tensor, Tensor> | null = null;
  const penalty = (run: TrainingRun) => ewcPenalty(weightsAndHeads(run).map(([, p]) => ({ theta: p, anchor: anchors.get(p), fisher: fisher!.get(p)! })), lambda);
  return {
    name: 'ewc',
    createNetwork: plainNetwork,
    lossTerms: (step) => (fisher ? penalty(step.run) : null),
    validationPenalty: async (run) => {
      if (!fisher) return 0;
      const p = noGrad(() => penalty(run));
      const value = await p.item();
      p.dispose();
      return value;
    },
    async afterTask(run, t) {
      const params = weightsAndHeads(run).map(([, p]) => p);
      const fresh = await fisherOf(run, t, params);
      if (fisher) {
        // Every task weighs the same: F = (t·F_old + F_new)/(t + 1).
        for (const p of params) { fisherMerge(fisher.get(p)!, fresh.get(p)!, t); fresh.get(p)!.dispose(); }
      } else {
        fisher = fresh;
      }
      anchors.take(params);
      await run.engine.submit();
    },
    saveState: (run) => ({ json: null, tensors: new Map(fisher ? [...namedState(run, 'fisher', fisher), ...namedState(run, 'anchor', anchors.of)] : []) }),
    loadState(run, saved) {
      const loaded = loadNamedState(run, 'ewc', 'fisher', saved);
      if (loaded.size === 0) return;
      for (const f of fisher?.values() ?? []) f.dispose();
      fisher = loaded;
      anchors.set(loadNamedState(run, 'ewc', 'anchor', saved));
    },
    dispose() {
      anchors.dispose();
      for (const f of fisher?.values() ?? []) f.dispose();
    },
  };
}
