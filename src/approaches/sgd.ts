// Plain fine-tuning (the forgetting control): the network without gates, trained task after task by the
// loop as it is. Nothing protects what earlier tasks learned.
import type { Approach } from '../train/approach.ts';
import { plainNetwork } from './shared.ts';

export function sgdApproach(): Approach {
  return { name: 'sgd', createNetwork: plainNetwork };
}
