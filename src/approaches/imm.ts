// IMM (Lee et al. 2017): CE + (λ/2) Σ (θ − θ_old)² while training task t; after it, θ merged with the
// previous merged model: the mean (imm-mean) or Fisher-weighted (imm-mode). As the reference, every
// parameter merges, the current head too.
import { noGrad } from '../autograd.ts';
import type { Tensor } from '../tensor.ts';
import { fill } from '../kernels/elementwise.ts';
import { immMeanMerge, immModeMerge } from '../kernels/continual.ts';
import { l2Transfer } from '../ops/continual.ts';
import type { Approach, TrainingRun } from '../train/approach.ts';
import { Copies, fisherOf, loadNamedState, namedState, plainNetwork, weightsAndHeads } from './shared.ts';

export function immApproach(kind: 'mean' | 'mode', lambda: number): Approach {
  const name = `imm-${kind}`;
  const old = new Copies();
  const fisherAcc = new Map<Tensor, Tensor>();
  const transfer = (run: TrainingRun) => l2Transfer(weightsAndHeads(run).map(([, p]) => ({ theta: p, anchor: old.get(p) })), lambda);
  return {
    name,
    createNetwork: plainNetwork,
    lossTerms: (step) => (step.task > 0 ? transfer(step.run) : null),
    validationPenalty: async (run, t) => {
      if (t === 0) return 0;
      const p = noGrad(() => transfer(run));
      const value = await p.item();
      p.dispose();
      return value;
    },
    async afterTask(run, t) {
      const params = weightsAndHeads(run).map(([, p]) => p);
      if (kind === 'mean') {
        if (t > 0) for (const p of params) immMeanMerge(p, old.get(p), t, 1);
      } else {
        const fisher = await fisherOf(run, t, params);
        for (const p of params) {
          if (!fisherAcc.has(p)) fisherAcc.set(p, fill(run.engine, p.shape, 0).keep());
          immModeMerge(p, t > 0 ? old.get(p) : null, fisher.get(p)!, fisherAcc.get(p)!, t, 1);
          fisher.get(p)!.dispose();
        }
      }
      old.take(params);
      await run.engine.submit();
    },
    saveState: (run) => ({ json: null, tensors: new Map([...namedState(run, 'old', old.of), ...namedState(run, 'fisherSum', fisherAcc)]) }),
    loadState(run, saved) {
      old.set(loadNamedState(run, name, 'old', saved));
      for (const f of fisherAcc.values()) f.dispose();
      fisherAcc.clear();
      for (const [p, f] of loadNamedState(run, name, 'fisherSum', saved)) fisherAcc.set(p, f);
    },
    dispose() {
      old.dispose();
      for (const f of fisherAcc.values()) f.dispose();
    },
  };
}
