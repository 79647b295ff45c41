// BatchNorm's four kernels over a tensor viewed as [outer, channels, inner] (NCHW: [N, C, H·W]; [N, C]:
// inner 1): the batch statistics with the running ones updated in the same pass (shaders/batchnorm_stats),
// the normalisation (batchnorm_apply), and the backward's per-channel sums (batchnorm_backward_reduce) and
// its input gradient (batchnorm_backward_input). The reducing two run one 256-invocation workgroup per
// channel (shaders/workgroup_sum.wgsl); the other two one invocation per element.
import type { KernelDeclaration } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { batchNormApplyRef, batchNormBackwardInputRef, batchNormBackwardReduceRef, batchNormStatsRef, type ChannelView } from '../reference/norm.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { elementwiseParts, elementwiseShader } from './elementwise-family.ts';

/** PyTorch's defaults for nn.BatchNorm2d (norm.ts's NORM_EPS and BATCHNORM_MOMENTUM). */
const EPS = 1e-5;
const MOMENTUM = 0.1;

/** The statistics' shape: `update` says whether the running mean and variance are updated too. */
export interface BatchNormStatsShape extends ChannelView { update: boolean }
/** The normalisation's and the backward's: `evalMode` normalises with the running statistics (scale holds the running variance). */
export interface BatchNormShape extends ChannelView { evalMode: boolean }

const PARAMS = { name: 'params', binding: 0, access: 'uniform', type: 'u32' } as const;
const f32In = (name: string, binding: number) => ({ name, binding, access: 'read', type: 'f32' }) as const;
const f32Out = (name: string, binding: number) => ({ name, binding, access: 'read_write', type: 'f32' }) as const;

const sizeOf = (s: ChannelView) => s.outer * s.channels * s.inner;
const describe = (s: ChannelView) => `[${s.outer}x${s.channels}x${s.inner}]`;

/** Channels of 1, 7, 63, 65, 257; channels of 300 values cross the reducing kernels' 256-invocation stride loop. */
const VIEWS: ChannelView[] = [
  { outer: 7, channels: 1, inner: 1 }, { outer: 2, channels: 7, inner: 9 }, { outer: 3, channels: 63, inner: 1 }, { outer: 65, channels: 5, inner: 1 },
  { outer: 1, channels: 3, inner: 35 }, { outer: 2, channels: 65, inner: 6 }, { outer: 2, channels: 257, inner: 1 }, { outer: 2, channels: 2, inner: 150 },
];

/** A channel per workgroup: 70,000 channels give 70,000 workgroups. */
const MANY_CHANNELS: ChannelView = { outer: 2, channels: 70000, inner: 1 };
/** One invocation per workgroup over 70,000 elements. */
const MANY_ELEMENTS: ChannelView = { outer: 2, channels: 7, inner: 5000 };

function channelParts<S extends ChannelView>(): Pick<KernelDeclaration<S>, 'space' | 'heuristic' | 'shapeClass' | 'workgroups'> {
  return {
    // The workgroup is workgroup_sum's 256 invocations: nothing to choose.
    space: {},
    heuristic: () => ({}),
    shapeClass: (s) => (s.outer * s.inner > 256 ? 'long channels' : 'short channels'),
    workgroups: (s) => foldGrid(s.channels),
  };
}

function perChannel(s: ChannelView, seed: number, stream: number, lo: number, hi: number): Float32Array {
  return seededFloats(s.channels, streamSeed(seed, stream), lo, hi);
}

export const batchNormStatsKernel: KernelDeclaration<BatchNormStatsShape> = {
  name: 'batchnorm-stats',
  summary: "per channel: mean, invstd = 1/sqrt(var + eps) (biased), and optionally running = (1 − m)·running + m·batch value (unbiased var)",
  kind: 'forward',
  bindings: [PARAMS, f32In('x', 1), f32Out('mean', 2), f32Out('invstd', 3), { ...f32Out('runningMean', 4), inout: true }, { ...f32Out('runningVar', 5), inout: true }],
  params: [{ name: 'outer', type: 'u32' }, { name: 'channels', type: 'u32' }, { name: 'inner', type: 'u32' }, { name: 'update', type: 'u32' }, { name: 'eps', type: 'f32' }, { name: 'momentum', type: 'f32' }],
  paramValues: (s, { eps = EPS, momentum = MOMENTUM }) => ({ outer: s.outer, channels: s.channels, inner: s.inner, update: s.update ? 1 : 0, eps, momentum }),
  ...channelParts<BatchNormStatsShape>(),
  shader: () => ({ name: 'batchnorm_stats', append: ['workgroup_sum'] }),
  sizes: (s) => ({ x: sizeOf(s), mean: s.channels, invstd: s.channels, runningMean: s.channels, runningVar: s.channels }),
  // Without the update the running statistics are not written (only their guard words are checked).
  reference: ({ shape: s, inputs, scalars }) => batchNormStatsRef(inputs.x!, s, scalars.eps ?? EPS, s.update ? { mean: inputs.runningMean!, var: inputs.runningVar!, momentum: scalars.momentum ?? MOMENTUM } : null),
  generate: (s, seed) => ({
    shape: s,
    inputs: { x: seededFloats(sizeOf(s), streamSeed(seed, 1), -2, 2), runningMean: perChannel(s, seed, 2, -0.5, 0.5), runningVar: perChannel(s, seed, 3, 0.5, 2) },
    scalars: { eps: EPS, momentum: [0.1, 0.5, 0.01][seed % 3]! },
  }),
  flops: (s) => 4 * sizeOf(s),
  bytes: (s) => 8 * sizeOf(s),
  shapes: [
    ...VIEWS.map((v, i) => ({ shape: { ...v, update: i % 2 === 0 } })),
    { shape: { ...VIEWS[1]!, update: false } },
    { shape: { ...MANY_CHANNELS, update: true }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  // f32 sums over up to 300 values against float64.
  tolerance: () => ({ rtol: 1e-4, atol: 1e-5 }),
  variants: ['batch statistics and running update (training)', 'batch statistics only'],
  describeShape: (s) => `${describe(s)}${s.update ? ' +running' : ''}`,
};

export const batchNormApplyKernel: KernelDeclaration<BatchNormShape> = {
  name: 'batchnorm-apply',
  summary: 'y = (x − mean[c])·invstd[c]·gamma[c] + beta[c] (evaluation: invstd = 1/sqrt(running var + eps))',
  kind: 'forward',
  bindings: [PARAMS, f32In('x', 1), f32In('mean', 2), f32In('scale', 3), f32In('gamma', 4), f32In('beta', 5), f32Out('y', 6)],
  params: [{ name: 'count', type: 'u32' }, { name: 'channels', type: 'u32' }, { name: 'inner', type: 'u32' }, { name: '_p0', type: 'u32' }, { name: 'eps', type: 'f32' }],
  paramValues: (s, { eps = EPS }) => ({ count: sizeOf(s), channels: s.channels, inner: s.inner, eps }),
  ...elementwiseParts<BatchNormShape>(sizeOf),
  shader: (spec, s) => elementwiseShader('batchnorm_apply', spec, { constants: { EVAL: s.evalMode } }),
  sizes: (s) => ({ x: sizeOf(s), mean: s.channels, scale: s.channels, gamma: s.channels, beta: s.channels, y: sizeOf(s) }),
  reference: ({ shape: s, inputs, scalars }) => ({ y: batchNormApplyRef(inputs.x!, s, inputs.mean!, inputs.scale!, inputs.gamma!, inputs.beta!, s.evalMode, scalars.eps ?? EPS) }),
  generate: (s, seed) => ({
    shape: s,
    inputs: {
      x: seededFloats(sizeOf(s), streamSeed(seed, 1), -2, 2),
      mean: perChannel(s, seed, 2, -0.5, 0.5),
      // The batch's invstd or the running variance: either way positive and moderate.
      scale: perChannel(s, seed, 3, 0.5, 2),
      gamma: perChannel(s, seed, 4, 0.5, 1.5),
      beta: perChannel(s, seed, 5, -0.5, 0.5),
    },
    scalars: { eps: EPS },
  }),
  flops: (s) => 4 * sizeOf(s),
  bytes: (s) => 8 * sizeOf(s),
  shapes: [
    ...VIEWS.map((v, i) => ({ shape: { ...v, evalMode: i % 2 === 1 } })),
    { shape: { ...MANY_ELEMENTS, evalMode: false }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 1e-5, atol: 1e-6 }),
  variants: ['batch statistics (training)', 'running statistics (evaluation)'],
  describeShape: (s) => `${describe(s)} ${s.evalMode ? 'eval' : 'train'}`,
};

function backwardInputs(s: BatchNormShape, seed: number): Record<string, Float32Array> {
  return {
    g: seededFloats(sizeOf(s), streamSeed(seed, 1), -1, 1),
    x: seededFloats(sizeOf(s), streamSeed(seed, 2), -2, 2),
    mean: perChannel(s, seed, 3, -0.5, 0.5),
    scale: perChannel(s, seed, 4, 0.5, 2),
    gamma: perChannel(s, seed, 5, 0.5, 1.5),
    dgamma: perChannel(s, seed, 6, -3, 3),
    dbeta: perChannel(s, seed, 7, -3, 3),
  };
}

export const batchNormBackwardReduceKernel: KernelDeclaration<BatchNormShape> = {
  name: 'batchnorm-backward-reduce',
  summary: 'per channel: dgamma = Σ g·xhat, dbeta = Σ g, xhat = (x − mean)·invstd (evaluation: invstd from the running var)',
  kind: 'gradient',
  bindings: [PARAMS, f32In('g', 1), f32In('x', 2), f32In('mean', 3), f32In('scale', 4), f32Out('dgamma', 5), f32Out('dbeta', 6)],
  params: [{ name: 'outer', type: 'u32' }, { name: 'channels', type: 'u32' }, { name: 'inner', type: 'u32' }, { name: '_p0', type: 'u32' }, { name: 'eps', type: 'f32' }],
  paramValues: (s, { eps = EPS }) => ({ outer: s.outer, channels: s.channels, inner: s.inner, eps }),
  ...channelParts<BatchNormShape>(),
  shader: (_spec, s) => ({ name: 'batchnorm_backward_reduce', append: ['workgroup_sum'], constants: { EVAL: s.evalMode } }),
  sizes: (s) => ({ g: sizeOf(s), x: sizeOf(s), mean: s.channels, scale: s.channels, dgamma: s.channels, dbeta: s.channels }),
  reference: ({ shape: s, inputs, scalars }) => batchNormBackwardReduceRef(inputs.g!, inputs.x!, s, inputs.mean!, inputs.scale!, s.evalMode, scalars.eps ?? EPS),
  generate: (s, seed) => ({ shape: s, inputs: backwardInputs(s, seed), scalars: { eps: EPS } }),
  flops: (s) => 5 * sizeOf(s),
  bytes: (s) => 8 * sizeOf(s),
  shapes: [
    ...VIEWS.map((v, i) => ({ shape: { ...v, evalMode: i % 2 === 1 } })),
    { shape: { ...MANY_CHANNELS, evalMode: false }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  // Sums of up to 300 products of either sign in f32: absolute error of the sum's magnitude.
  tolerance: () => ({ rtol: 1e-4, atol: 1e-4 }),
  variants: ['batch statistics (training)', 'running statistics (evaluation)'],
  describeShape: (s) => `${describe(s)} ${s.evalMode ? 'eval' : 'train'}`,
};

export const batchNormBackwardInputKernel: KernelDeclaration<BatchNormShape> = {
  name: 'batchnorm-backward-input',
  summary: 'dx = gamma·invstd·(g − (dbeta + xhat·dgamma)/M) through the batch statistics, or gamma·invstd·g with the running ones',
  kind: 'gradient',
  bindings: [PARAMS, f32In('g', 1), f32In('x', 2), f32In('mean', 3), f32In('scale', 4), f32In('gamma', 5), f32In('dgamma', 6), f32In('dbeta', 7), f32Out('dx', 8)],
  params: [{ name: 'count', type: 'u32' }, { name: 'channels', type: 'u32' }, { name: 'inner', type: 'u32' }, { name: '_p0', type: 'u32' }, { name: 'eps', type: 'f32' }, { name: 'inv_m', type: 'f32' }],
  paramValues: (s, { eps = EPS }) => ({ count: sizeOf(s), channels: s.channels, inner: s.inner, eps, inv_m: 1 / (s.outer * s.inner) }),
  ...elementwiseParts<BatchNormShape>(sizeOf),
  shader: (spec, s) => elementwiseShader('batchnorm_backward_input', spec, { constants: { EVAL: s.evalMode } }),
  sizes: (s) => ({ g: sizeOf(s), x: sizeOf(s), mean: s.channels, scale: s.channels, gamma: s.channels, dgamma: s.channels, dbeta: s.channels, dx: sizeOf(s) }),
  reference: ({ shape: s, inputs, scalars }) => ({
    dx: batchNormBackwardInputRef(inputs.g!, inputs.x!, s, inputs.mean!, inputs.scale!, inputs.gamma!, inputs.dgamma!, inputs.dbeta!, s.evalMode, scalars.eps ?? EPS),
  }),
  generate: (s, seed) => ({ shape: s, inputs: backwardInputs(s, seed), scalars: { eps: EPS } }),
  flops: (s) => 7 * sizeOf(s),
  bytes: (s) => 12 * sizeOf(s),
  shapes: [
    ...VIEWS.map((v, i) => ({ shape: { ...v, evalMode: i % 2 === 1 } })),
    { shape: { ...MANY_ELEMENTS, evalMode: false }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 1e-4, atol: 1e-6 }),
  variants: ['through the batch statistics (training)', 'running statistics held constant (evaluation)'],
  describeShape: (s) => `${describe(s)} ${s.evalMode ? 'eval' : 'train'}`,
};
