// SGD-F: after the first task only the heads train; the shared layers' gradients are dropped.
import type { Approach } from '../train/approach.ts';
import { plainNetwork } from './shared.ts';

export function sgdFrozenApproach(): Approach {
  return {
    name: 'sgd-frozen',
    createNetwork: plainNetwork,
    transformGradients(step, entries) {
      if (step.task === 0) return entries;
      const shared = new Set(step.run.net.sharedParameters());
      return entries.filter((e) => !shared.has(e.param));
    },
  };
}
