// A progressive network's lateral input scaling y = alpha[j]·x (shaders/lateral_scale.wgsl), and the first
// stage of its alpha gradient: per-workgroup sums of dy·x (shaders/lateral_scale_grad.wgsl + workgroup_sum).
import type { KernelDeclaration } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { elementwiseParts, elementwiseShader, elementwiseSweep } from './elementwise-family.ts';

export interface LateralShape { count: number; alphaSize: number }

export const lateralScaleKernel: KernelDeclaration<LateralShape> = {
  name: 'lateral-scale',
  summary: 'y[i] = alpha[j]·x[i], alpha read on the device',
  kind: 'forward',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'x', binding: 1, access: 'read', type: 'f32' },
    { name: 'alpha', binding: 2, access: 'read', type: 'f32' },
    { name: 'y', binding: 3, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'count', type: 'u32' }, { name: 'j', type: 'u32' }],
  paramValues: (s, { j = 0 }) => ({ count: s.count, j }),
  ...elementwiseParts<LateralShape>((s) => s.count),
  shader: (spec) => elementwiseShader('lateral_scale', spec),
  sizes: (s) => ({ x: s.count, alpha: s.alphaSize, y: s.count }),
  reference: ({ inputs, scalars }) => ({ y: Float64Array.from(inputs.x!, (v) => inputs.alpha![scalars.j ?? 0]! * v) }),
  generate: (s, seed) => ({ shape: s, inputs: { x: seededFloats(s.count, streamSeed(seed, 1)), alpha: seededFloats(s.alphaSize, streamSeed(seed, 2)) }, scalars: { j: seed % s.alphaSize } }),
  flops: (s) => s.count,
  bytes: (s) => 8 * s.count,
  shapes: elementwiseSweep((count, i) => ({ count, alphaSize: 1 + (i % 4) })),
  tolerance: () => ({ rtol: 1e-6, atol: 0 }),
  describeShape: (s) => `[${s.count}] alpha [${s.alphaSize}]`,
};

const GRAD_WG = 256;

export interface LateralGradShape { count: number }

export const lateralScaleGradKernel: KernelDeclaration<LateralGradShape> = {
  name: 'lateral-scale-grad-partials',
  summary: 'partials[g] = Σ of dy·x over workgroup g (256 elements), the first stage of alpha[j]\'s gradient',
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'dy', binding: 1, access: 'read', type: 'f32' },
    { name: 'x', binding: 2, access: 'read', type: 'f32' },
    { name: 'partials', binding: 3, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'count', type: 'u32' }],
  paramValues: (s) => ({ count: s.count }),
  space: {},
  shader: () => ({ name: 'lateral_scale_grad', append: ['workgroup_sum'] }),
  heuristic: () => ({}),
  shapeClass: () => 'any',
  workgroups: (s) => foldGrid(Math.ceil(s.count / GRAD_WG)),
  sizes: (s) => ({ dy: s.count, x: s.count, partials: Math.ceil(s.count / GRAD_WG) }),
  reference: ({ shape: s, inputs }) => {
    const partials = new Float64Array(Math.ceil(s.count / GRAD_WG));
    for (let i = 0; i < s.count; i++) partials[Math.floor(i / GRAD_WG)]! += inputs.dy![i]! * inputs.x![i]!;
    return { partials };
  },
  generate: (s, seed) => ({ shape: s, inputs: { dy: seededFloats(s.count, streamSeed(seed, 1)), x: seededFloats(s.count, streamSeed(seed, 2)) }, scalars: {} }),
  flops: (s) => 2 * s.count,
  bytes: (s) => 8 * s.count,
  shapes: [
    ...[1, 7, 63, 65, 257, 256, 2000].map((count) => ({ shape: { count } })),
    // 256 a workgroup: 16.8 M elements give 65,600 workgroups.
    { shape: { count: 16793600 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 1e-5, atol: 1e-5 }),
  describeShape: (s) => `[${s.count}]`,
};
