// HAT's gate backward (shaders/hat_gate_backward.wgsl), one pass over the layer output h viewed as
// [outer, units, inner]: dz = g·a/(1−p)·[h ≠ 0], dE_raw[u] = s·(1 − a)·Σ g·h, db[u] = (1 − post[u])·Σ dz.
// gated = false is the ReLU/dropout backward of the layers without HAT (a = 1, no embedding gradient).
import type { KernelDeclaration } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { gateBackwardRef, gateRef } from '../reference/hat.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

export interface GateBackwardShape { outer: number; units: number; inner: number; hasPost: boolean; gated: boolean }

const UNIT_WG = 64;

export const gateBackwardKernel: KernelDeclaration<GateBackwardShape> = {
  name: 'gate-backward',
  summary: 'dz = g·a/(1−p)·[h ≠ 0], dE_raw = s·(1 − a)·Σ g·h, db = (1 − post)·Σ dz per unit of h [outer, units, inner]',
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'g', binding: 1, access: 'read', type: 'f32' },
    { name: 'h', binding: 2, access: 'read', type: 'f32' },
    { name: 'embedding', binding: 3, access: 'read', type: 'f32' },
    { name: 'post', binding: 4, access: 'read', type: 'f32' },
    { name: 'dz', binding: 5, access: 'read_write', type: 'f32' },
    { name: 'dEmbedding', binding: 6, access: 'read_write', type: 'f32' },
    { name: 'dBias', binding: 7, access: 'read_write', type: 'f32' },
  ],
  params: [
    { name: 'outer', type: 'u32' }, { name: 'units', type: 'u32' }, { name: 'inner', type: 'u32' }, { name: 'has_post', type: 'u32' },
    { name: 's', type: 'f32' }, { name: 'inv_keep', type: 'f32' },
  ],
  paramValues: (sh, { s = 1, p = 0 }) => ({ outer: sh.outer, units: sh.units, inner: sh.inner, has_post: sh.hasPost ? 1 : 0, s, inv_keep: 1 / (1 - p) }),
  space: { variant: { values: ['per_unit', 'per_group'], default: 'per_unit', doc: 'one invocation per unit, or one workgroup per unit with a tree reduction' } },
  shader: (spec, sh) => ({ name: 'hat_gate_backward', append: ['hat_common'], entryPoint: String(spec.variant), constants: { GATED: sh.gated } }),
  shippedDefault: (_engine, sh) => ({ variant: sh.outer * sh.inner <= 256 || (sh.inner === 1 && sh.units >= 128) ? 'per_unit' : 'per_group' }),
  heuristic: () => ({ variant: 'per_unit' }),
  shapeClass: (sh) => `${sh.inner === 1 ? 'linear' : 'conv'}/${sh.outer * sh.inner <= 256 ? 'short' : 'long'}`,
  workgroups: (sh, spec) => foldGrid(spec.variant === 'per_unit' ? Math.ceil(sh.units / UNIT_WG) : sh.units),
  sizes: (sh) => {
    const n = sh.outer * sh.units * sh.inner;
    return { g: n, h: n, embedding: sh.units, post: sh.units, dz: n, dEmbedding: sh.units, dBias: sh.units };
  },
  reference: ({ shape: sh, inputs, scalars }): Record<string, Float64Array> => {
    const e = sh.gated ? inputs.embedding! : new Float32Array(sh.units).fill(Infinity);
    const r = gateBackwardRef(inputs.g!, inputs.h!, e, sh.gated ? scalars.s! : 1, scalars.p ?? 0, sh.hasPost ? inputs.post! : null, sh.outer, sh.units, sh.inner);
    // Without the gate the kernel writes no embedding gradient: compare only dz and db then.
    return sh.gated ? { dz: r.dz, dEmbedding: r.dE, dBias: r.db } : { dz: r.dz, dBias: r.db };
  },
  generate: (sh, seed) => {
    const n = sh.outer * sh.units * sh.inner;
    const embedding = seededFloats(sh.units, streamSeed(seed, 3), -3, 3);
    const s = seed % 2 === 0 ? 400 : 1 / 400;
    const a = gateRef(embedding, s);
    // h ≥ 0 with exact zeros (ReLU off or dropped); a saturated gate makes whole units zero.
    const h = seededFloats(n, streamSeed(seed, 2), -1, 2).map((v, i) => (v <= 0 || (sh.gated && a[Math.floor(i / sh.inner) % sh.units] === 0) ? 0 : v));
    return {
      shape: sh,
      inputs: { g: seededFloats(n, streamSeed(seed, 1)), h, embedding, post: seededFloats(sh.units, streamSeed(seed, 4), 0, 1) },
      scalars: { s, p: seed % 3 === 0 ? 0.5 : 0 },
    };
  },
  flops: (sh) => 6 * sh.outer * sh.units * sh.inner,
  bytes: (sh) => 4 * (3 * sh.outer * sh.units * sh.inner + 4 * sh.units),
  shapes: [
    ...([[1, 1, 1], [7, 7, 1], [65, 63, 1], [65, 257, 1], [3, 7, 25], [2, 5, 63], [65, 3, 9], [1, 4, 300], [64, 64, 1]] as const)
      .map(([outer, units, inner], i) => ({ shape: { outer, units, inner, hasPost: i % 2 === 0, gated: true } })),
    { shape: { outer: 7, units: 65, inner: 3, hasPost: true, gated: false } },
    // One workgroup per unit: 70,000 units give 70,000 workgroups.
    { shape: { outer: 1, units: 70000, inner: 2, hasPost: true, gated: true }, spec: { variant: 'per_group' }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  // dE and db are sums over outer × inner terms of size ≤ 2: f32 rounding grows with the count.
  tolerance: (sh) => ({ rtol: 1e-4, atol: 2e-6 * sh.outer * sh.inner }),
  unfusedTwin: 'hat.hatGateBackwardUnfused',
  variants: ['gated', 'plain ReLU/dropout backward (gated = false)'],
  describeShape: (sh) => `[${sh.outer}x${sh.units}x${sh.inner}]${sh.hasPost ? ' post' : ''}${sh.gated ? '' : ' plain'}`,
};

export interface MaskUpdateShape { count: number }

export const maskUpdateKernel: KernelDeclaration<MaskUpdateShape> = {
  name: 'mask-update',
  summary: 'in place at the end of a task: prev = max(prev, σ(smax·e))',
  kind: 'forward',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'prev', binding: 1, access: 'read_write', type: 'f32', inout: true },
    { name: 'embedding', binding: 2, access: 'read', type: 'f32' },
  ],
  params: [{ name: 'count', type: 'u32' }, { name: 'smax', type: 'f32' }],
  paramValues: (sh, { smax }) => ({ count: sh.count, smax: smax! }),
  space: { wg: { values: [1, 64, 128, 256], default: 256, doc: 'invocations per workgroup' } },
  shader: (spec) => ({ name: 'hat_mask_update', append: ['hat_common'], constants: Number(spec.wg) === 256 ? {} : { WG: Number(spec.wg) } as Record<string, number> }),
  heuristic: () => ({ wg: 256 }),
  shapeClass: () => 'any',
  workgroups: (sh, spec) => foldGrid(Math.ceil(sh.count / Number(spec.wg))),
  sizes: (sh) => ({ prev: sh.count, embedding: sh.count }),
  reference: ({ inputs, scalars }) => ({ prev: Float64Array.from(inputs.prev!, (v, i) => Math.max(v, 1 / (1 + Math.exp(-scalars.smax! * inputs.embedding![i]!)))) }),
  generate: (sh, seed) => ({
    shape: sh,
    inputs: { prev: seededFloats(sh.count, streamSeed(seed, 1), 0, 1), embedding: seededFloats(sh.count, streamSeed(seed, 2), -0.05, 0.05) },
    scalars: { smax: 400 },
  }),
  flops: (sh) => 5 * sh.count,
  bytes: (sh) => 12 * sh.count,
  shapes: [
    ...[1, 7, 63, 65, 257, 256, 2000].map((count) => ({ shape: { count } })),
    // One invocation per workgroup: 70,000 elements give 70,000 workgroups.
    { shape: { count: 70000 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 1e-6, atol: 1e-7 }),
  unfusedTwin: 'hat.hatMaskUpdateUnfused',
  describeShape: (sh) => `[${sh.count}]`,
};
