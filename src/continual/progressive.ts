// Progressive neural networks (Rusu et al. 2016) as the reference runs them: TO BE WRITTEN.
import type { ApproachHooks } from '../hat/trainer.ts';

export function progressiveHooks(): ApproachHooks {
  throw new Error('progressive is not built yet');
}
