// LayerNorm's three kernels over the last dimension of x [rows, D]: the forward keeping each row's mean and
// invstd (shaders/layernorm_forward), the backward to the input (layernorm_backward_input), both one
// 256-invocation workgroup per row (shaders/workgroup_sum.wgsl), and the backward to gamma and beta
// (layernorm_backward_params), one invocation per feature looping over the rows.
import type { KernelDeclaration } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { layerNormBackwardInputRef, layerNormBackwardParamsRef, layerNormForwardRef } from '../reference/norm.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

/** PyTorch's default for nn.LayerNorm (norm.ts's NORM_EPS). */
const EPS = 1e-5;
const PARAMS_WG = 64;

export interface LayerNormShape { rows: number; d: number }

const PARAMS = { name: 'params', binding: 0, access: 'uniform', type: 'u32' } as const;
const f32In = (name: string, binding: number) => ({ name, binding, access: 'read', type: 'f32' }) as const;
const f32Out = (name: string, binding: number) => ({ name, binding, access: 'read_write', type: 'f32' }) as const;

/** Rows of 1, 7, 63, 65, 257 features; rows of 300 cross the 256-invocation stride loop. */
const SHAPES: LayerNormShape[] = [{ rows: 1, d: 1 }, { rows: 7, d: 63 }, { rows: 65, d: 7 }, { rows: 3, d: 300 }, { rows: 6, d: 65 }, { rows: 2, d: 257 }, { rows: 257, d: 2 }];

function rowParts(): Pick<KernelDeclaration<LayerNormShape>, 'space' | 'heuristic' | 'shapeClass' | 'workgroups'> {
  return {
    // The workgroup is workgroup_sum's 256 invocations: nothing to choose.
    space: {},
    heuristic: () => ({}),
    shapeClass: (s) => (s.d > 256 ? 'long rows' : 'short rows'),
    workgroups: (s) => foldGrid(s.rows),
  };
}

/**
 * The forward's inputs and, for the backward, g and the statistics the forward kept (computed from x, so
 * consistent). Each row's first feature is −3 and the others lie in [−1, 2): no row of two or more
 * features is nearly constant, where x − mean would lose its digits and amplify f32 rounding by invstd.
 */
function problemInputs(s: LayerNormShape, seed: number): Record<string, Float32Array> {
  const x = seededFloats(s.rows * s.d, streamSeed(seed, 1), -1, 2).map((v, i) => (i % s.d === 0 && s.d > 1 ? -3 : v));
  const gamma = seededFloats(s.d, streamSeed(seed, 2), 0.5, 1.5);
  const beta = seededFloats(s.d, streamSeed(seed, 3), -0.5, 0.5);
  const stats = layerNormForwardRef(x, s.rows, s.d, gamma, beta, EPS);
  return { x, gamma, beta, g: seededFloats(s.rows * s.d, streamSeed(seed, 4), -1, 1), mean: Float32Array.from(stats.mean), invstd: Float32Array.from(stats.invstd) };
}

const describeShape = (s: LayerNormShape) => `[${s.rows}x${s.d}]`;

export const layerNormForwardKernel: KernelDeclaration<LayerNormShape> = {
  name: 'layernorm-forward',
  summary: 'per row of x [rows, D]: y = (x − mean)·invstd·gamma + beta, invstd = 1/sqrt(var + eps) (biased); keeps mean and invstd',
  kind: 'forward',
  bindings: [PARAMS, f32In('x', 1), f32In('gamma', 2), f32In('beta', 3), f32Out('y', 4), f32Out('mean', 5), f32Out('invstd', 6)],
  params: [{ name: 'rows', type: 'u32' }, { name: 'd', type: 'u32' }, { name: '_p0', type: 'u32' }, { name: '_p1', type: 'u32' }, { name: 'eps', type: 'f32' }],
  paramValues: (s, { eps = EPS }) => ({ rows: s.rows, d: s.d, eps }),
  ...rowParts(),
  shader: () => ({ name: 'layernorm_forward', append: ['workgroup_sum'] }),
  sizes: (s) => ({ x: s.rows * s.d, gamma: s.d, beta: s.d, y: s.rows * s.d, mean: s.rows, invstd: s.rows }),
  reference: ({ shape: s, inputs, scalars }) => layerNormForwardRef(inputs.x!, s.rows, s.d, inputs.gamma!, inputs.beta!, scalars.eps ?? EPS),
  generate: (s, seed) => ({ shape: s, inputs: problemInputs(s, seed), scalars: { eps: EPS } }),
  flops: (s) => 8 * s.rows * s.d,
  bytes: (s) => 8 * s.rows * s.d,
  shapes: [
    ...SHAPES.map((shape) => ({ shape })),
    // A row per workgroup: 70,000 rows give 70,000 workgroups.
    { shape: { rows: 70000, d: 2 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  // f32 sums over up to 300 values; invstd reaches 1/sqrt(eps) ≈ 316 for a constant row.
  tolerance: () => ({ rtol: 1e-4, atol: 1e-5 }),
  describeShape,
};

export const layerNormBackwardInputKernel: KernelDeclaration<LayerNormShape> = {
  name: 'layernorm-backward-input',
  summary: 'per row: dx = invstd·(g·gamma − mean_d(g·gamma) − xhat·mean_d(g·gamma·xhat)), xhat = (x − mean)·invstd',
  kind: 'gradient',
  bindings: [PARAMS, f32In('g', 1), f32In('x', 2), f32In('gamma', 3), f32In('mean', 4), f32In('invstd', 5), f32Out('dx', 6)],
  params: [{ name: 'rows', type: 'u32' }, { name: 'd', type: 'u32' }],
  paramValues: (s) => ({ rows: s.rows, d: s.d }),
  ...rowParts(),
  shader: () => ({ name: 'layernorm_backward_input', append: ['workgroup_sum'] }),
  sizes: (s) => ({ g: s.rows * s.d, x: s.rows * s.d, gamma: s.d, mean: s.rows, invstd: s.rows, dx: s.rows * s.d }),
  reference: ({ shape: s, inputs }) => ({ dx: layerNormBackwardInputRef(inputs.g!, inputs.x!, s.rows, s.d, inputs.gamma!, inputs.mean!, inputs.invstd!) }),
  generate: (s, seed) => ({ shape: s, inputs: problemInputs(s, seed), scalars: {} }),
  flops: (s) => 10 * s.rows * s.d,
  bytes: (s) => 12 * s.rows * s.d,
  shapes: [
    ...SHAPES.map((shape) => ({ shape })),
    { shape: { rows: 70000, d: 2 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  // The projections out of g cancel (a sum of the result is 0): an absolute part for the cancellation.
  tolerance: () => ({ rtol: 1e-4, atol: 1e-4 }),
  describeShape,
};

export const layerNormBackwardParamsKernel: KernelDeclaration<LayerNormShape> = {
  name: 'layernorm-backward-params',
  summary: 'per feature d: dgamma = Σ_rows g·xhat, dbeta = Σ_rows g',
  kind: 'gradient',
  bindings: [PARAMS, f32In('g', 1), f32In('x', 2), f32In('mean', 3), f32In('invstd', 4), f32Out('dgamma', 5), f32Out('dbeta', 6)],
  params: [{ name: 'rows', type: 'u32' }, { name: 'd', type: 'u32' }],
  paramValues: (s) => ({ rows: s.rows, d: s.d }),
  space: { wg: { values: [1, 32, 64, 128], default: PARAMS_WG, doc: 'features per workgroup' } },
  heuristic: () => ({ wg: PARAMS_WG }),
  shapeClass: (s) => (s.rows > 256 ? 'many rows' : 'few rows'),
  workgroups: (s, spec) => foldGrid(Math.ceil(s.d / Number(spec.wg))),
  shader: (spec) => ({ name: 'layernorm_backward_params', constants: Number(spec.wg) === PARAMS_WG ? {} : { WG: Number(spec.wg) } as Record<string, number> }),
  sizes: (s) => ({ g: s.rows * s.d, x: s.rows * s.d, mean: s.rows, invstd: s.rows, dgamma: s.d, dbeta: s.d }),
  reference: ({ shape: s, inputs }) => layerNormBackwardParamsRef(inputs.g!, inputs.x!, s.rows, s.d, inputs.mean!, inputs.invstd!),
  generate: (s, seed) => ({ shape: s, inputs: problemInputs(s, seed), scalars: {} }),
  flops: (s) => 5 * s.rows * s.d,
  bytes: (s) => 8 * s.rows * s.d,
  shapes: [
    ...SHAPES.map((shape) => ({ shape })),
    // One feature per workgroup: 70,000 features give 70,000 workgroups.
    { shape: { rows: 2, d: 70000 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 1e-4, atol: 1e-4 }),
  describeShape,
};
