// Progressive neural networks (Rusu et al. 2016) as the reference runs them (joansj/hat
// src/approaches/progressive.py): the network is ProgressiveNetwork (one column per task, lateral
// adapters from the earlier columns); per task only the new column, its adapters and its head train
// (unfreeze_column); everything else is the plain loop the trainer already runs (SGD, lr 0.05 with the
// validation-driven schedule, best-parameter restore over the column, gradient clip 10000).
import type { Approach, TrainingRun } from '../train/approach.ts';
import { ProgressiveNetwork, type ProgressiveOptions } from '../nn/progressive-network.ts';

function progressiveOf(run: TrainingRun): ProgressiveNetwork {
  if (!(run.net instanceof ProgressiveNetwork)) throw new Error(`progressive: needs a ProgressiveNetwork, not ${run.net.constructor.name}`);
  return run.net;
}

export function progressiveApproach(options: ProgressiveOptions = {}): Approach {
  return {
    name: 'progressive',
    createNetwork: (engine, config) => new ProgressiveNetwork(engine, config, options),
    // Earlier columns freeze for good: their tasks' outputs stay exactly as they were learned. Which
    // column trains follows from the task, so a run resumed inside a task needs no saved state.
    async prepareTask(run, t) {
      progressiveOf(run).trainOnlyColumn(t);
    },
  };
}
