// conv2d bias gradient (shaders/conv2d_bwd_bias.wgsl): db[o] = Σ_{n, pixel} dY[n, o, pixel], one
// invocation per channel, 8 a workgroup.
import type { KernelDeclaration } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

/** dY [n, o, pix] (pix = OH·OW). */
export interface ConvBiasShape { n: number; o: number; pix: number }

export const conv2dBackwardBiasKernel: KernelDeclaration<ConvBiasShape> = {
  name: 'conv2d-backward-bias',
  summary: 'db [O] = Σ over batch and pixels of dY [N, O, OH, OW]',
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'dy', binding: 1, access: 'read', type: 'f32' },
    { name: 'db', binding: 2, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'n', type: 'u32' }, { name: 'o', type: 'u32' }, { name: 'pix', type: 'u32' }],
  paramValues: (s) => ({ n: s.n, o: s.o, pix: s.pix }),
  space: {},
  shader: () => ({ name: 'conv2d_bwd_bias' }),
  heuristic: () => ({}),
  shapeClass: () => 'any',
  workgroups: (s) => foldGrid(Math.ceil(s.o / 8)),
  sizes: (s) => ({ dy: s.n * s.o * s.pix, db: s.o }),
  reference: ({ shape: s, inputs }) => {
    const db = new Float64Array(s.o);
    for (let n = 0; n < s.n; n++) for (let o = 0; o < s.o; o++) for (let p = 0; p < s.pix; p++) db[o]! += inputs.dy![(n * s.o + o) * s.pix + p]!;
    return { db };
  },
  generate: (s, seed) => ({ shape: s, inputs: { dy: seededFloats(s.n * s.o * s.pix, streamSeed(seed, 1)) }, scalars: {} }),
  flops: (s) => s.n * s.o * s.pix,
  bytes: (s) => 4 * (s.n * s.o * s.pix + s.o),
  shapes: [
    ...([[1, 1, 1], [2, 7, 9], [3, 63, 25], [1, 65, 63], [2, 257, 4], [64, 64, 144]] as const).map(([n, o, pix]) => ({ shape: { n, o, pix } })),
    // 8 channels a workgroup: 524,296 channels give 65,537 workgroups.
    { shape: { n: 1, o: 524296, pix: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  // A sequential f32 sum of n·pix terms: its rounding grows with the count.
  tolerance: (s) => ({ rtol: 1e-5, atol: 2.5e-7 * s.n * s.pix }),
  describeShape: (s) => `[${s.n}x${s.o}x${s.pix}]`,
};
