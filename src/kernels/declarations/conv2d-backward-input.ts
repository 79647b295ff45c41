// conv2d input gradient, gather form (shaders/conv2d_bwd_input.wgsl): dX [N, C, H, W] from dY [N, O, OH, OW]
// and W [O, C, KH, KW], a register block of input channels × input pixels per invocation.
import type { KernelDeclaration } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { BWD_INPUT_TILE, conv2dFlops, overrides, tileFor } from '../conv-geometry.ts';
import { conv2dGradRef } from '../reference/conv.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { CONV_PARAMS, CONV_SPACE, convSweep, convTolerance, type ConvShape } from './conv2d-family.ts';

function tilesQ(s: ConvShape, cols: number): number {
  return Math.ceil((s.n * s.h * s.w) / cols);
}

export const conv2dBackwardInputKernel: KernelDeclaration<ConvShape> = {
  name: 'conv2d-backward-input',
  summary: 'dX [N, C, H, W] = transposed convolution of dY by W (gather form, no atomics)',
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'dy', binding: 1, access: 'read', type: 'f32' },
    { name: 'w', binding: 2, access: 'read', type: 'f32' },
    { name: 'dx', binding: 3, access: 'read_write', type: 'f32' },
  ],
  params: CONV_PARAMS,
  paramValues: (s, _scalars, spec) => ({ n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, oh: s.oh, ow: s.ow, tiles: tilesQ(s, Number(spec.cols)) }),
  space: CONV_SPACE,
  shader: (spec, s) => ({ name: 'conv2d_bwd_input', defines: { TC: Number(spec.rows), TQ: Number(spec.cols), WG: Number(spec.wg) }, constants: overrides(s) }),
  valid: (spec) => Number(spec.rows) * Number(spec.cols) <= 256,
  heuristic: (_engine, s) => {
    const Q = s.n * s.h * s.w;
    const t = tileFor(BWD_INPUT_TILE, undefined, (r, c) => Math.ceil(s.c / r) * Math.ceil(Q / c), s.c);
    return { rows: t.rows, cols: t.cols, wg: t.wg };
  },
  shapeClass: (s) => `k${s.kh}x${s.kw}/s${s.sh}/${s.n * s.c * s.h * s.w >= 1 << 16 ? 'large' : 'small'}`,
  workgroups: (s, spec) => foldGrid(Math.ceil(tilesQ(s, Number(spec.cols)) * Math.ceil(s.c / Number(spec.rows)) / Number(spec.wg))),
  sizes: (s) => ({ dy: s.n * s.o * s.oh * s.ow, w: s.o * s.c * s.kh * s.kw, dx: s.n * s.c * s.h * s.w }),
  reference: ({ shape: s, inputs }) => {
    const x = new Float64Array(s.n * s.c * s.h * s.w); // dX does not depend on x
    return { dx: conv2dGradRef(x, inputs.w!, inputs.dy!, s).dx };
  },
  generate: (s, seed) => ({
    shape: s,
    inputs: { dy: seededFloats(s.n * s.o * s.oh * s.ow, streamSeed(seed, 1)), w: seededFloats(s.o * s.c * s.kh * s.kw, streamSeed(seed, 2)) },
    scalars: {},
  }),
  flops: conv2dFlops,
  bytes: (s) => 4 * (s.n * s.o * s.oh * s.ow + s.o * s.c * s.kh * s.kw + s.n * s.c * s.h * s.w),
  // The heavy case pinned to blocks of 1 channel × 2 pixels, one invocation a workgroup: 131,044 workgroups.
  shapes: convSweep((g) => g).map((c) => (c.heavy ? { ...c, spec: { rows: 1, cols: 2, wg: 1 } } : c)),
  tolerance: (s) => convTolerance({ ...s, c: s.o }),
  describeShape: (s) => `[${s.n}x${s.c}x${s.h}x${s.w}]*[${s.o}x${s.c}x${s.kh}x${s.kw}] s${s.sh},${s.sw} p${s.ph},${s.pw}`,
};
