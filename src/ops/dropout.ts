// Differentiable inverted dropout; the backward regenerates the mask from the seed.
import { record } from '../autograd.ts';
import { checkOperands, type Tensor } from '../tensor.ts';
import { dropout as dropoutKernel } from '../kernels/dropout.ts';
export { dropoutSeed, dropoutKeep, dropoutHash, DROPOUT_HASH_SHADER } from '../kernels/dropout.ts';

/**
 * Drops each element with probability p and scales the kept ones by 1/(1 − p); the mask is a function
 * of (seed, element index) only, so one seed gives one mask (derive a seed per step and layer with
 * dropoutSeed). p = 0 still returns a new tensor (a scaled-by-1 copy).
 */
export function dropout(x: Tensor, p: number, seed: number): Tensor {
  checkOperands('dropout', { x });
  const y = dropoutKernel(x, p, seed);
  return record(y, 'dropout', [x], (g) => [dropoutKernel(g, p, seed)]);
}
