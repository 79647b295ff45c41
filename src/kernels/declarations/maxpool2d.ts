// maxpool2d forward (max and the argmax within the input plane, kept for the backward) and its backward
// in gather form (shaders/maxpool2d.wgsl, maxpool2d_bwd.wgsl; the params snippet maxpool2d_params).
import type { KernelDeclaration, ParamField, SweepCase } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { maxpool2dGeometry, type MaxPool2dGeometry } from '../pool-geometry.ts';
import { maxpool2dRef } from '../reference/conv.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

const POOL_PARAMS: readonly ParamField[] = ['planes', 'h', 'w', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw'].map((name) => ({ name, type: 'u32' as const }));
const WG = 64;

function poolValues(g: MaxPool2dGeometry) {
  return { planes: g.n * g.c, h: g.h, w: g.w, oh: g.oh, ow: g.ow, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw };
}

const SHAPES: SweepCase<MaxPool2dGeometry>[] = [
  maxpool2dGeometry([1, 1, 1, 1], { kernel: 1 }),
  maxpool2dGeometry([1, 7, 7, 7]),
  maxpool2dGeometry([2, 63, 6, 6], { kernel: 3, stride: 2 }),
  maxpool2dGeometry([1, 65, 9, 9], { kernel: 3, stride: 1 }),
  maxpool2dGeometry([2, 3, 17, 15], { kernel: [3, 2], stride: [2, 3] }),
  maxpool2dGeometry([1, 257, 4, 4]),
].map((shape) => ({ shape })).concat([
  // 64 elements a workgroup: a 1×1 pool over 4.2 M elements gives 65,600 workgroups (forward and backward).
  { shape: maxpool2dGeometry([1, 1025, 64, 64], { kernel: 1 }), why: 'more than 65,535 workgroups', heavy: true } as SweepCase<MaxPool2dGeometry>,
]);

const describeShape = (g: MaxPool2dGeometry) => `[${g.n}x${g.c}x${g.h}x${g.w}] k${g.kh},${g.kw} s${g.sh},${g.sw}`;

export const maxpool2dKernel: KernelDeclaration<MaxPool2dGeometry> = {
  name: 'maxpool2d',
  summary: 'y = max over each window, argmax = ih·W + iw of its first maximum (no padding, floor mode)',
  kind: 'forward',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'x', binding: 1, access: 'read', type: 'f32' },
    { name: 'y', binding: 2, access: 'read_write', type: 'f32' },
    { name: 'argmax', binding: 3, access: 'read_write', type: 'u32' },
  ],
  params: POOL_PARAMS,
  paramValues: poolValues,
  space: {},
  shader: () => ({ name: 'maxpool2d' }),
  heuristic: () => ({}),
  shapeClass: () => 'any',
  workgroups: (g) => foldGrid(Math.ceil((g.n * g.c * g.oh * g.ow) / WG)),
  sizes: (g) => ({ x: g.n * g.c * g.h * g.w, y: g.n * g.c * g.oh * g.ow, argmax: g.n * g.c * g.oh * g.ow }),
  reference: ({ shape: g, inputs }) => {
    const r = maxpool2dRef(inputs.x!, g);
    return { y: r.y, argmax: Float64Array.from(r.arg) };
  },
  generate: (g, seed) => ({ shape: g, inputs: { x: seededFloats(g.n * g.c * g.h * g.w, streamSeed(seed, 1)) }, scalars: {} }),
  flops: (g) => g.n * g.c * g.oh * g.ow * g.kh * g.kw,
  bytes: (g) => 4 * (g.n * g.c * g.h * g.w + 2 * g.n * g.c * g.oh * g.ow),
  shapes: SHAPES,
  tolerance: () => ({ rtol: 0, atol: 0 }),
  describeShape,
};

export const maxpool2dBackwardKernel: KernelDeclaration<MaxPool2dGeometry> = {
  name: 'maxpool2d-backward',
  summary: 'dX = Σ over the windows containing the pixel whose argmax it is of dY (gather form, no atomics)',
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'dy', binding: 1, access: 'read', type: 'f32' },
    { name: 'argmax', binding: 2, access: 'read', type: 'u32' },
    { name: 'dx', binding: 3, access: 'read_write', type: 'f32' },
  ],
  params: POOL_PARAMS,
  paramValues: poolValues,
  space: {},
  shader: () => ({ name: 'maxpool2d_bwd' }),
  heuristic: () => ({}),
  shapeClass: () => 'any',
  workgroups: (g) => foldGrid(Math.ceil((g.n * g.c * g.h * g.w) / WG)),
  sizes: (g) => ({ dy: g.n * g.c * g.oh * g.ow, argmax: g.n * g.c * g.oh * g.ow, dx: g.n * g.c * g.h * g.w }),
  reference: ({ shape: g, inputs }) => ({ dx: maxpool2dRef(inputs.x!, g, inputs.dy!).dx }),
  // x is not a binding: it only makes the argmax the reference recomputes.
  generate: (g, seed) => {
    const x = seededFloats(g.n * g.c * g.h * g.w, streamSeed(seed, 1));
    return { shape: g, inputs: { x, dy: seededFloats(g.n * g.c * g.oh * g.ow, streamSeed(seed, 2)), argmax: maxpool2dRef(x, g).arg }, scalars: {} };
  },
  flops: (g) => g.n * g.c * g.h * g.w * Math.ceil(g.kh / g.sh) * Math.ceil(g.kw / g.sw),
  bytes: (g) => 4 * (2 * g.n * g.c * g.oh * g.ow + g.n * g.c * g.h * g.w),
  shapes: SHAPES,
  tolerance: () => ({ rtol: 1e-6, atol: 1e-7 }),
  describeShape,
};
