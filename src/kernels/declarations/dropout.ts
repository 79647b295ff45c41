// Inverted dropout (shaders/dropout.wgsl): out[i] = x[i]/(1 − p) where dropout_keep(seed, offset + i, p),
// else 0; the backward is the same kernel on the gradient with the same seed.
import type { KernelDeclaration } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { dropoutKeep } from '../dropout-hash.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

export interface DropoutShape { count: number }

export const dropoutKernel: KernelDeclaration<DropoutShape> = {
  name: 'dropout',
  summary: 'out[i] = x[i]/(1 − p) where kept (counter-based hash of seed and offset + i), else 0',
  kind: 'forward',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'x', binding: 1, access: 'read', type: 'f32' },
    { name: 'out', binding: 2, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'count', type: 'u32' }, { name: 'seed', type: 'u32' }, { name: 'p', type: 'f32' }, { name: 'scale', type: 'f32' }, { name: 'offset', type: 'u32' }],
  paramValues: (sh, { seed = 0, p = 0, offset = 0 }) => ({ count: sh.count, seed: seed >>> 0, p, scale: 1 / (1 - p), offset: offset >>> 0 }),
  space: { wg: { values: [1, 64, 128, 256], default: 256, doc: 'invocations per workgroup' } },
  shader: (spec) => ({ name: 'dropout', append: ['dropout_hash'], constants: Number(spec.wg) === 256 ? {} : { WG: Number(spec.wg) } as Record<string, number> }),
  heuristic: () => ({ wg: 256 }),
  shapeClass: () => 'any',
  workgroups: (sh, spec) => foldGrid(Math.ceil(sh.count / Number(spec.wg))),
  sizes: (sh) => ({ x: sh.count, out: sh.count }),
  reference: ({ inputs, scalars }) => {
    const { seed = 0, p = 0, offset = 0 } = scalars;
    return { out: Float64Array.from(inputs.x!, (v, i) => (dropoutKeep(seed, offset + i, p) ? v / (1 - p) : 0)) };
  },
  generate: (sh, seed) => ({ shape: sh, inputs: { x: seededFloats(sh.count, streamSeed(seed, 1)) }, scalars: { seed: streamSeed(seed, 2), p: [0.1, 0.5, 0.9][seed % 3]!, offset: seed * 1000 } }),
  flops: (sh) => 10 * sh.count,
  bytes: (sh) => 8 * sh.count,
  shapes: [
    ...[1, 7, 63, 65, 257, 256, 2000].map((count) => ({ shape: { count } })),
    // One invocation per workgroup: 70,000 elements give 70,000 workgroups.
    { shape: { count: 70000 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 1e-6, atol: 0 }),
  describeShape: (sh) => `[${sh.count}]`,
};
