// Progressive neural networks (Rusu et al. 2016) as the reference runs them (joansj/hat
// src/approaches/progressive.py): the network is ProgressiveNetwork (one column per task, lateral
// adapters from the earlier columns); per task only the new column, its adapters and its head train
// (unfreeze_column); everything else is the plain loop the trainer already runs (SGD, lr 0.05 with the
// validation-driven schedule, best-parameter restore over the column, gradient clip 10000).
import type { ApproachHooks, Trainer } from '../train/trainer.ts';
import { ProgressiveNetwork, type ProgressiveOptions } from '../nn/progressive-network.ts';

function progressiveOf(trainer: Trainer): ProgressiveNetwork {
  if (!(trainer.net instanceof ProgressiveNetwork)) throw new Error(`progressive: needs a ProgressiveNetwork, not ${trainer.net.constructor.name}`);
  return trainer.net;
}

export function progressiveHooks(options: ProgressiveOptions = {}): ApproachHooks {
  return {
    createNetwork: (engine, config) => new ProgressiveNetwork(engine, config, options),
    async beforeTask(trainer, t) {
      // Earlier columns freeze for good: their tasks' outputs stay exactly as they were learned.
      progressiveOf(trainer).trainOnlyColumn(t);
    },
    // Which column trains follows from the task: nothing to save, but a run resumed in the middle of a
    // task (where beforeTask does not run again) must freeze the others.
    saveState: () => ({ json: null, tensors: new Map() }),
    loadState(trainer, _saved, at) {
      if (at.inTask) progressiveOf(trainer).trainOnlyColumn(at.task);
    },
  };
}
