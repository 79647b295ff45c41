// Inverted dropout with a counter-based RNG (shaders/dropout_hash.wgsl): no state buffer and no stored
// mask; the backward regenerates the mask from the seed.
import { empty, Tensor } from '../tensor.ts';
import { runKernel } from './registry.ts';
import { pcgHash } from './dropout-hash.ts';

export { dropoutHash, dropoutKeep, pcgHash } from './dropout-hash.ts';

/** The WGSL snippet to `append` to a kernel that drops: provides `dropout_keep(seed: u32, index: u32, p: f32) -> bool`. */
export const DROPOUT_HASH_SHADER = 'dropout_hash';

/**
 * A per-call seed from a base seed, a step counter and a stream (e.g. the layer): distinct inputs give
 * unrelated masks. Pass the result as `seed` to dropout() and to fused kernels.
 */
export function dropoutSeed(seed: number, step: number, stream = 0): number {
  return pcgHash((pcgHash((pcgHash(seed >>> 0) ^ (step >>> 0)) >>> 0) + Math.imul(stream + 1, 0x9e3779b9)) >>> 0);
}

/**
 * out = x / (1 − p) where kept, else 0 (PyTorch's inverted dropout). Element i of x uses the draw for
 * index `offset + i`. The backward is the same call on the gradient with the same seed, p and offset.
 */
export function dropout(x: Tensor, p: number, seed: number, offset = 0, out?: Tensor): Tensor {
  x.assertAlive('dropout');
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  const y = out ?? empty(x.engine, x.shape, 'f32', 'dropout');
  runKernel(x.engine, 'dropout', { label: `dropout p=${p} [${x.shape.join('x')}]`, shape: { count: x.size }, buffers: { x: x.buffer, out: y.buffer }, scalars: { seed, p, offset } });
  return y;
}
