// HAT's embedding compensation/annealing step, two elementwise kernels over one task's embedding row:
// its gradient (the regulariser's plus the compensation, shaders/hat_embedding_grad.wgsl) and its SGD
// step with the clamp (shaders/hat_embedding_step.wgsl).
import type { KernelDeclaration, SweepCase } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { embeddingGradRef, embeddingStepRef } from '../reference/hat.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

/** The workgroup size of the elementwise kernels (ELEMENTWISE_WG; the shaders' override WG defaults to it). */
const WG_DEFAULT = 256;
const WG_SPACE = { wg: { values: [1, 64, 128, 256], default: WG_DEFAULT, doc: 'invocations per workgroup' } } as const;

function elementwiseSweep<S>(make: (count: number, variant: number) => S): SweepCase<S>[] {
  return [
    ...[1, 7, 63, 65, 257, 256, 1024, 2000].map((count, i) => ({ shape: make(count, i) })),
    // One invocation per workgroup: 70,000 elements give 70,000 workgroups.
    { shape: make(70000, 1), spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ];
}

function wgConstants(spec: Record<string, unknown>): Record<string, number> {
  // The default is the shader's own, so the built-in pipeline stays the one compiled without constants.
  return Number(spec.wg) === WG_DEFAULT ? {} : { WG: Number(spec.wg) };
}

export interface EmbeddingGradShape { count: number; hasPrev: boolean }

export const embeddingGradKernel: KernelDeclaration<EmbeddingGradShape> = {
  name: 'embedding-grad',
  summary: "e's gradient: (dERaw + c·s·σ(s·e)·σ(−s·e)·(1 − prev)/regDenominator) · smax/s·(cosh(clamp(s·e, ±50)) + 1)/(cosh(e) + 1)",
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'embedding', binding: 1, access: 'read', type: 'f32' },
    { name: 'deRaw', binding: 2, access: 'read', type: 'f32' },
    { name: 'prev', binding: 3, access: 'read', type: 'f32' },
    { name: 'out', binding: 4, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'count', type: 'u32' }, { name: 'has_prev', type: 'u32' }, { name: 's', type: 'f32' }, { name: 'reg', type: 'f32' }, { name: 'comp', type: 'f32' }],
  paramValues: (sh, { s, smax, c, regDenominator }) => ({ count: sh.count, has_prev: sh.hasPrev ? 1 : 0, s: s!, reg: c! * s! / regDenominator!, comp: smax! / s! }),
  space: WG_SPACE,
  shader: (spec) => ({ name: 'hat_embedding_grad', append: ['hat_common'], constants: wgConstants(spec) }),
  heuristic: () => ({ wg: WG_DEFAULT }),
  shapeClass: (sh) => (sh.count >= 1 << 16 ? 'large' : 'small'),
  workgroups: (sh, spec) => foldGrid(Math.ceil(sh.count / Number(spec.wg))),
  sizes: (sh) => ({ embedding: sh.count, deRaw: sh.count, prev: sh.count, out: sh.count }),
  reference: ({ shape: sh, inputs, scalars }) => ({
    out: embeddingGradRef(inputs.embedding!, inputs.deRaw!, sh.hasPrev ? inputs.prev! : null, { s: scalars.s!, smax: scalars.smax!, c: scalars.c!, regDenominator: scalars.regDenominator! }),
  }),
  generate: (sh, seed) => ({
    shape: sh,
    inputs: {
      embedding: seededFloats(sh.count, streamSeed(seed, 1), -4, 4),
      deRaw: seededFloats(sh.count, streamSeed(seed, 2)),
      prev: seededFloats(sh.count, streamSeed(seed, 3), 0, 1),
    },
    scalars: { s: 1 + (seed % 5) * 20, smax: 400, c: 0.75, regDenominator: 1 + sh.count / 2 },
  }),
  flops: (sh) => 30 * sh.count,
  bytes: (sh) => 16 * sh.count,
  shapes: elementwiseSweep((count, i) => ({ count, hasPrev: i % 2 === 0 })),
  // exp and cosh in f32 on the GPU against float64: a few ulps of each.
  tolerance: () => ({ rtol: 2e-5, atol: 1e-6 }),
  unfusedTwin: 'hat.hatEmbeddingGradUnfused',
  variants: ['with prev (later tasks)', 'without prev (first task)'],
  describeShape: (sh) => `[${sh.count}]${sh.hasPrev ? '' : ' no prev'}`,
};

/** clipMode 0: no clip; 1: clip[0] is the factor; 2: clip[0] is the global norm, factor min(1, maxNorm/(norm + 1e-6)). */
export interface EmbeddingStepShape { count: number; clipMode: 0 | 1 | 2 }

function clipFactor(mode: number, clip: number, maxNorm: number): number {
  return mode === 0 ? 1 : mode === 1 ? clip : Math.min(1, maxNorm / (clip + 1e-6));
}

export const embeddingStepKernel: KernelDeclaration<EmbeddingStepShape> = {
  name: 'embedding-step',
  summary: 'in place: e = clamp(e − lr·clip·grad, −bound, bound), the clip factor read on the GPU',
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'embedding', binding: 1, access: 'read_write', type: 'f32', inout: true },
    { name: 'grad', binding: 2, access: 'read', type: 'f32' },
    { name: 'clip', binding: 3, access: 'read', type: 'f32' },
  ],
  params: [{ name: 'count', type: 'u32' }, { name: 'clip_mode', type: 'u32' }, { name: 'lr', type: 'f32' }, { name: 'bound', type: 'f32' }, { name: 'max_norm', type: 'f32' }],
  paramValues: (sh, { lr, bound, maxNorm }) => ({ count: sh.count, clip_mode: sh.clipMode, lr: lr!, bound: bound ?? 6, max_norm: sh.clipMode === 2 ? maxNorm! : 0 }),
  space: WG_SPACE,
  shader: (spec) => ({ name: 'hat_embedding_step', constants: wgConstants(spec) }),
  heuristic: () => ({ wg: WG_DEFAULT }),
  shapeClass: (sh) => (sh.count >= 1 << 16 ? 'large' : 'small'),
  workgroups: (sh, spec) => foldGrid(Math.ceil(sh.count / Number(spec.wg))),
  sizes: (sh) => ({ embedding: sh.count, grad: sh.count, clip: 1 }),
  reference: ({ shape: sh, inputs, scalars }) => ({
    embedding: embeddingStepRef(inputs.embedding!, inputs.grad!, scalars.lr!, clipFactor(sh.clipMode, inputs.clip![0]!, scalars.maxNorm!), scalars.bound ?? 6),
  }),
  generate: (sh, seed) => ({
    shape: sh,
    inputs: { embedding: seededFloats(sh.count, streamSeed(seed, 1), -7, 7), grad: seededFloats(sh.count, streamSeed(seed, 2), -20, 20), clip: Float32Array.of(sh.clipMode === 2 ? 3 : 0.5) },
    scalars: { lr: 0.05 * (1 + (seed % 3)), bound: 6, maxNorm: 1 },
  }),
  flops: (sh) => 4 * sh.count,
  bytes: (sh) => 12 * sh.count,
  shapes: elementwiseSweep((count, i) => ({ count, clipMode: (i % 3) as 0 | 1 | 2 })),
  tolerance: () => ({ rtol: 1e-6, atol: 1e-6 }),
  unfusedTwin: 'hat.hatEmbeddingStepUnfused',
  variants: ['no clip', 'clip factor', 'clip from the global norm'],
  describeShape: (sh) => `[${sh.count}] clip mode ${sh.clipMode}`,
};
