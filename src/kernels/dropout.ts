// Inverted dropout with a counter-based RNG (shaders/dropout_hash.wgsl): no state buffer and no stored
// mask; the backward regenerates the mask from the seed.
import { empty, Tensor } from '../tensor.ts';
import { linearGrid } from './dispatch.ts';

/** The WGSL snippet to `append` to a kernel that drops: provides `dropout_keep(seed: u32, index: u32, p: f32) -> bool`. */
export const DROPOUT_HASH_SHADER = 'dropout_hash';

/** PCG output permutation, as in dropout_hash.wgsl. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> (((state >>> 28) + 4) & 31)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** The 32-bit draw for (seed, index), bit-identical to dropout_hash() in WGSL. */
export function dropoutHash(seed: number, index: number): number {
  return pcgHash((pcgHash(((index >>> 0) ^ pcgHash(seed)) >>> 0) + (seed >>> 0)) >>> 0);
}

/** Whether element `index` is kept at drop probability p (CPU mirror of WGSL dropout_keep). */
export function dropoutKeep(seed: number, index: number, p: number): boolean {
  return (dropoutHash(seed, index) >>> 8) * (1 / 16777216) >= Math.fround(p);
}

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
  const params = new ArrayBuffer(32);
  const u = new Uint32Array(params);
  u[0] = x.size;
  u[1] = seed >>> 0;
  new Float32Array(params, 8, 2).set([p, 1 / (1 - p)]);
  u[4] = offset >>> 0;
  x.engine.dispatch({ label: `dropout p=${p} [${x.shape.join('x')}]`, shader: { name: 'dropout', append: [DROPOUT_HASH_SHADER] }, params, buffers: [x.buffer, y.buffer], workgroups: linearGrid(x.engine, x.size, 256) });
  return y;
}
