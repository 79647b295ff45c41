// The conv2d weight gradient, a GEMM over every output pixel of the batch (shaders/conv2d_bwd_weight.wgsl),
// with HAT's conditioning 1 − min(post[o], pre[c]) in the epilogue (conv2d_epilogue_hat_wgrad) or none.
// When few tiles would leave cores idle the reduction is split: the partials kernel writes SPLIT partial
// sums and the reduce kernel (conv2d_bwd_weight_reduce) adds them and applies the epilogue. Three
// declarations, so each dispatch is checked on its own.
import type { BindingDecl, KernelDeclaration, Problem, SweepCase } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { BWD_WEIGHT_TILE, conv2dFlops, overrides, pickWg, tileFor } from '../conv-geometry.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { forEachTap } from '../reference/conv.ts';
import { CONV_SPACE, convShape, convTolerance, type ConvShape } from './conv2d-family.ts';

/** mask: none (plain dW; HAT's first task), post (first gated layer), pre (1 − min(post, pre)). */
export interface ConvWeightGradShape extends ConvShape { mask: 'none' | 'post' | 'pre' }
export interface ConvWeightPartialsShape extends ConvShape { split: number }
export interface ConvWeightReduceShape extends ConvWeightGradShape { split: number }

const SPLIT_PARAMS = [
  ...['n', 'c', 'h', 'w', 'o', 'oh', 'ow', 'tiles_k', 'split', 'tiles_ok', 'kk', 'count'].map((name) => ({ name, type: 'u32' as const })),
  { name: 'epi_f', type: 'vec4<f32>' as const }, { name: 'epi_u', type: 'vec4<u32>' as const },
];

const PARAMS_BINDING: BindingDecl = { name: 'params', binding: 0, access: 'uniform', type: 'u32' };
const MASK_BINDINGS: BindingDecl[] = [
  { name: 'post', binding: 4, access: 'read', type: 'f32' },
  { name: 'pre', binding: 5, access: 'read', type: 'f32' },
];

function ckk(s: ConvShape): number {
  return s.c * s.kh * s.kw;
}

function tiles(s: ConvShape, rows: number, cols: number): { tilesK: number; tilesOK: number } {
  const tilesK = Math.ceil(ckk(s) / cols);
  return { tilesK, tilesOK: tilesK * Math.ceil(s.o / rows) };
}

function epilogueOf(mask: ConvWeightGradShape['mask']): { append: string[]; constants: Record<string, boolean> } {
  return mask === 'none' ? { append: ['conv2d_bwd_weight_epilogue_none'], constants: {} } : { append: ['conv2d_epilogue_hat_wgrad'], constants: { HAT_PRE: mask === 'pre' } };
}

/** Σ over output pixels [p0, p1) (flattened N·OH·OW) of dY ⊗ X-window: dW [O, C·KH·KW] in float64. */
function weightGradOverPixels(dy: ArrayLike<number>, x: ArrayLike<number>, s: ConvShape, p0: number, p1: number): Float64Array {
  const dw = new Float64Array(s.o * ckk(s));
  const ohw = s.oh * s.ow;
  for (let p = p0; p < p1; p++) {
    const n = Math.floor(p / ohw), oh = Math.floor((p % ohw) / s.ow), ow = p % s.ow;
    for (let o = 0; o < s.o; o++) {
      const g = dy[((n * s.o + o) * s.oh + oh) * s.ow + ow]!;
      forEachTap(s, n, o, oh, ow, (xi, wi) => { dw[wi] += g * x[xi]!; });
    }
  }
  return dw;
}

function applyMask(dw: Float64Array, s: ConvWeightGradShape, post: ArrayLike<number>, pre: ArrayLike<number>): Float64Array {
  if (s.mask === 'none') return dw;
  const perO = ckk(s), perC = s.kh * s.kw;
  return dw.map((v, i) => {
    const o = Math.floor(i / perO), c = Math.floor((i % perO) / perC);
    return v * (1 - (s.mask === 'pre' ? Math.min(post[o]!, pre[c]!) : post[o]!));
  });
}

function masks(s: ConvWeightGradShape, seed: number): Record<string, Float32Array> {
  return { post: seededFloats(s.o, streamSeed(seed, 3), 0, 1), pre: s.mask === 'pre' ? seededFloats(s.c, streamSeed(seed, 4), 0, 1) : seededFloats(s.o, streamSeed(seed, 4), 0, 1) };
}

function operands(s: ConvShape, seed: number): Record<string, Float32Array> {
  return { dy: seededFloats(s.n * s.o * s.oh * s.ow, streamSeed(seed, 1)), x: seededFloats(s.n * s.c * s.h * s.w, streamSeed(seed, 2)) };
}

const GEOMETRIES = [
  convShape(1, 1, 1, 1, 1, 1),
  convShape(2, 3, 7, 7, 7, 3),
  convShape(1, 7, 9, 9, 63, 3, 1, 1),
  convShape(2, 5, 10, 10, 65, 2, 2),
  convShape(2, 4, 10, 10, 32, 3, 1, 1),
  convShape(1, 2, 9, 9, 257, 3),
];

const describe = (s: ConvShape) => `[${s.n}x${s.c}x${s.h}x${s.w}]*[${s.o}x${s.c}x${s.kh}x${s.kw}] s${s.sh},${s.sw} p${s.ph},${s.pw}`;
const shapeClass = (s: ConvShape) => `k${s.kh}x${s.kw}/${s.o * ckk(s) >= 1 << 14 ? 'large' : 'small'}`;

export const conv2dWeightGradKernel: KernelDeclaration<ConvWeightGradShape> = {
  name: 'masked-conv-weight-grad',
  summary: 'dW [O, C, KH, KW] = Σ_{n,oh,ow} dY ⊗ X-window · (1 − min(post[o], pre[c])), one pass (mask none: the plain conv weight gradient)',
  kind: 'gradient',
  bindings: [
    PARAMS_BINDING,
    { name: 'dy', binding: 1, access: 'read', type: 'f32' },
    { name: 'x', binding: 2, access: 'read', type: 'f32' },
    { name: 'dw', binding: 3, access: 'read_write', type: 'f32' },
    ...MASK_BINDINGS,
  ],
  // Without a mask the epilogue binds nothing.
  bindingsFor: (s) => (s.mask === 'none' ? conv2dWeightGradKernel.bindings.slice(0, 4) : conv2dWeightGradKernel.bindings),
  params: SPLIT_PARAMS,
  paramValues: (s, _scalars, spec) => {
    const { tilesK, tilesOK } = tiles(s, Number(spec.rows), Number(spec.cols));
    return { n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, oh: s.oh, ow: s.ow, tiles_k: tilesK, split: 1, tiles_ok: tilesOK };
  },
  space: CONV_SPACE,
  shader: (spec, s) => {
    const epi = epilogueOf(s.mask);
    return { name: 'conv2d_bwd_weight', append: epi.append, defines: { TO: Number(spec.rows), TK: Number(spec.cols), WG: Number(spec.wg), PARTIAL: false }, constants: { ...overrides(s), ...epi.constants } };
  },
  valid: (spec) => Number(spec.rows) * Number(spec.cols) <= 256,
  heuristic: (_engine, s) => {
    const t = tileFor(BWD_WEIGHT_TILE, undefined, () => 0, s.o);
    return { rows: t.rows, cols: t.cols, wg: pickWg(tiles(s, t.rows, t.cols).tilesOK) };
  },
  shapeClass,
  workgroups: (s, spec) => foldGrid(Math.ceil(tiles(s, Number(spec.rows), Number(spec.cols)).tilesOK / Number(spec.wg))),
  sizes: (s) => ({ dy: s.n * s.o * s.oh * s.ow, x: s.n * s.c * s.h * s.w, dw: s.o * ckk(s), post: s.o, pre: s.mask === 'pre' ? s.c : s.o }),
  reference: ({ shape: s, inputs }: Problem<ConvWeightGradShape>) => ({ dw: applyMask(weightGradOverPixels(inputs.dy!, inputs.x!, s, 0, s.n * s.oh * s.ow), s, inputs.post!, inputs.pre!) }),
  generate: (s, seed) => ({ shape: s, inputs: { ...operands(s, seed), ...masks(s, seed) }, scalars: {} }),
  flops: conv2dFlops,
  bytes: (s) => 4 * (s.n * s.o * s.oh * s.ow + s.n * s.c * s.h * s.w + s.o * ckk(s)),
  shapes: [
    ...GEOMETRIES.map((g, i) => ({ shape: { ...g, mask: (['pre', 'post', 'none'] as const)[i % 3]! } })),
    // Blocks of 1 channel × 1 index, one invocation a workgroup: 257 × 18 × 16 indices give 74,016 workgroups.
    { shape: { ...convShape(1, 18, 6, 6, 257, 4), mask: 'pre' }, spec: { rows: 1, cols: 1, wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ] as SweepCase<ConvWeightGradShape>[],
  tolerance: (s) => convTolerance({ ...s, c: s.n * s.oh * s.ow, kh: 1, kw: 1 }),
  unfusedTwin: 'hat.hatConvWeightGradUnfused',
  variants: ['pre and post masks', 'post mask only', 'no mask (plain dW)'],
  describeShape: (s) => `${describe(s)} mask ${s.mask}`,
};

export const conv2dWeightPartialsKernel: KernelDeclaration<ConvWeightPartialsShape> = {
  name: 'conv2d-weight-grad-partials',
  kind: 'gradient',
  params: SPLIT_PARAMS,
  space: CONV_SPACE,
  valid: (spec) => Number(spec.rows) * Number(spec.cols) <= 256,
  shapeClass,
  flops: conv2dFlops,
  bytes: (s) => 4 * (s.n * s.o * s.oh * s.ow + s.n * s.c * s.h * s.w + s.split * s.o * ckk(s)),
  tolerance: (s) => convTolerance({ ...s, c: s.n * s.oh * s.ow, kh: 1, kw: 1 }),
  summary: 'the split conv weight gradient: partials [SPLIT, O, C·KH·KW], slice t summing its share of the N·OH·OW pixels',
  bindings: [
    PARAMS_BINDING,
    { name: 'dy', binding: 1, access: 'read', type: 'f32' },
    { name: 'x', binding: 2, access: 'read', type: 'f32' },
    { name: 'partials', binding: 3, access: 'read_write', type: 'f32' },
  ],
  paramValues: (s, _scalars, spec) => {
    const { tilesK, tilesOK } = tiles(s, Number(spec.rows), Number(spec.cols));
    return { n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, oh: s.oh, ow: s.ow, tiles_k: tilesK, split: s.split, tiles_ok: tilesOK };
  },
  shader: (spec, s) => ({ name: 'conv2d_bwd_weight', append: ['conv2d_bwd_weight_epilogue_none'], defines: { TO: Number(spec.rows), TK: Number(spec.cols), WG: Number(spec.wg), PARTIAL: true }, constants: overrides(s) }),
  heuristic: (_engine, s) => {
    const t = tileFor(BWD_WEIGHT_TILE, undefined, () => 0, s.o);
    return { rows: t.rows, cols: t.cols, wg: pickWg(tiles(s, t.rows, t.cols).tilesOK * s.split) };
  },
  workgroups: (s, spec) => foldGrid(Math.ceil(tiles(s, Number(spec.rows), Number(spec.cols)).tilesOK * s.split / Number(spec.wg))),
  sizes: (s) => ({ dy: s.n * s.o * s.oh * s.ow, x: s.n * s.c * s.h * s.w, partials: s.split * s.o * ckk(s) }),
  reference: ({ shape: s, inputs }) => {
    const P = s.n * s.oh * s.ow, per = Math.ceil(P / s.split), size = s.o * ckk(s);
    const out = new Float64Array(s.split * size);
    for (let t = 0; t < s.split; t++) out.set(weightGradOverPixels(inputs.dy!, inputs.x!, s, Math.min(t * per, P), Math.min(t * per + per, P)), t * size);
    return { partials: out };
  },
  generate: (s, seed) => ({ shape: s, inputs: operands(s, seed), scalars: {} }),
  shapes: GEOMETRIES.map((g, i) => ({ shape: { ...g, split: [2, 3, 7, 4, 1, 5][i]! } })),
  describeShape: (s) => `${describe(s)} split ${s.split}`,
};

export const conv2dWeightReduceKernel: KernelDeclaration<ConvWeightReduceShape> = {
  name: 'conv2d-weight-grad-reduce',
  summary: 'dW = epilogue(Σ_t partials[t]), the second pass of the split conv weight gradient',
  kind: 'gradient',
  bindings: [
    PARAMS_BINDING,
    { name: 'partials', binding: 1, access: 'read', type: 'f32' },
    // The partials again: the shader keeps binding 2 so that epilogues bind from 4 as in the first pass.
    { name: 'partials2', binding: 2, access: 'read', type: 'f32' },
    { name: 'dw', binding: 3, access: 'read_write', type: 'f32' },
    ...MASK_BINDINGS,
  ],
  bindingsFor: (s) => (s.mask === 'none' ? conv2dWeightReduceKernel.bindings.slice(0, 4) : conv2dWeightReduceKernel.bindings),
  params: SPLIT_PARAMS,
  // tiles_k and tiles_ok are those of the first pass (scalars tilesK, tilesOK; default: its default block).
  // The reduction does not read them; the binding function passes them to keep the params as they were.
  paramValues: (s, scalars) => {
    const t = tileFor(BWD_WEIGHT_TILE, undefined, () => 0, s.o);
    const first = tiles(s, t.rows, t.cols);
    const { tilesK = first.tilesK, tilesOK = first.tilesOK } = scalars;
    return { n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, oh: s.oh, ow: s.ow, tiles_k: tilesK, split: s.split, tiles_ok: tilesOK, kk: s.kh * s.kw, count: s.o * ckk(s) };
  },
  space: { wg: { values: [64], default: 64, doc: 'invocations per workgroup (fixed in the shader)' } },
  shader: (_spec, s) => {
    const epi = epilogueOf(s.mask);
    return { name: 'conv2d_bwd_weight_reduce', append: epi.append, constants: s.mask === 'none' ? undefined : epi.constants };
  },
  heuristic: () => ({ wg: 64 }),
  shapeClass,
  workgroups: (s) => foldGrid(Math.ceil((s.o * ckk(s)) / 64)),
  sizes: (s) => ({ partials: s.split * s.o * ckk(s), partials2: s.split * s.o * ckk(s), dw: s.o * ckk(s), post: s.o, pre: s.mask === 'pre' ? s.c : s.o }),
  reference: ({ shape: s, inputs }) => {
    const size = s.o * ckk(s);
    const sum = new Float64Array(size);
    for (let t = 0; t < s.split; t++) for (let i = 0; i < size; i++) sum[i]! += inputs.partials![t * size + i]!;
    return { dw: applyMask(sum, s, inputs.post!, inputs.pre!) };
  },
  generate: (s, seed) => {
    const partials = seededFloats(s.split * s.o * ckk(s), streamSeed(seed, 1));
    return { shape: s, inputs: { partials, partials2: partials, ...masks(s, seed) }, scalars: {} };
  },
  flops: (s) => s.split * s.o * ckk(s),
  bytes: (s) => 4 * (s.split + 1) * s.o * ckk(s),
  shapes: [
    ...GEOMETRIES.map((g, i) => ({ shape: { ...g, split: [2, 3, 7, 4, 1, 5][i]!, mask: (['pre', 'post', 'none'] as const)[i % 3]! } })),
    // 64 a workgroup: 4.2 M weights (257 × 1025 × 4 × 4) give 65,857 workgroups.
    { shape: { ...convShape(1, 1025, 4, 4, 257, 4), split: 1, mask: 'pre' }, why: 'more than 65,535 workgroups', heavy: true },
  ] as SweepCase<ConvWeightReduceShape>[],
  tolerance: () => ({ rtol: 1e-6, atol: 1e-6 }),
  describeShape: (s) => `${describe(s)} split ${s.split} mask ${s.mask}`,
};
