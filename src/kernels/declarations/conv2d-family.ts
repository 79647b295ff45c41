// What the conv2d forward declarations share (shaders/conv2d.wgsl, an implicit GEMM with a register block
// of output channels × pixels): the params struct, the tile space, the dispatch rule. A member differs
// only in its epilogue snippet, the epilogue's bindings and values, and its reference.
import type { BindingDecl, KernelDeclaration, ParamField, Problem, SweepCase, Tolerance } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { conv2dFlops, conv2dGeometry, FORWARD_TILE, overrides, tileFor, type Conv2dGeometry } from '../conv-geometry.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

export type ConvShape = Conv2dGeometry;

export const CONV_PARAMS: readonly ParamField[] = [
  { name: 'n', type: 'u32' }, { name: 'c', type: 'u32' }, { name: 'h', type: 'u32' }, { name: 'w', type: 'u32' },
  { name: 'o', type: 'u32' }, { name: 'oh', type: 'u32' }, { name: 'ow', type: 'u32' }, { name: 'tiles', type: 'u32' },
  { name: 'epi_f', type: 'vec4<f32>' }, { name: 'epi_u', type: 'vec4<u32>' },
];

export const CONV_SPACE = {
  rows: { values: [1, 2, 4, 8, 16, 32], default: 16, doc: 'output channels per invocation (TO)' },
  cols: { values: [1, 2, 4, 8, 16, 32], default: 8, doc: 'output pixels per invocation (TP)' },
  wg: { values: [1, 8, 16, 32, 64, 128, 256], default: 64, doc: 'invocations per workgroup' },
} as const;

/** A convolution shape from x [n, c, h, w], w [o, c, k, k], stride and padding. */
export function convShape(n: number, c: number, h: number, w: number, o: number, k: number, stride = 1, pad = 0): ConvShape {
  return conv2dGeometry([n, c, h, w], [o, c, k, k], { stride, padding: pad });
}

function tilesP(s: ConvShape, cols: number): number {
  return Math.ceil((s.n * s.oh * s.ow) / cols);
}

export interface ConvMember<S extends ConvShape> {
  name: string;
  summary: string;
  epilogue: string;
  epilogueAppend?: readonly string[];
  extraBindings?: readonly BindingDecl[];
  extraSizes?(s: S): Record<string, number>;
  constants?(s: S): Record<string, number | boolean>;
  epi?(s: S, scalars: Record<string, number>): { f?: readonly number[]; u?: readonly number[] };
  reference(problem: Problem<S>): Record<string, Float64Array>;
  generateExtra?(s: S, seed: number): Pick<Problem<S>, 'inputs' | 'scalars'>;
  shapes: readonly SweepCase<S>[];
  unfusedTwin?: string;
  variants?: readonly string[];
}

export function convTolerance(s: ConvShape): Tolerance {
  const k = s.c * s.kh * s.kw;
  return { rtol: 1e-5 * Math.sqrt(k) + 1e-6, atol: 1e-6 * Math.sqrt(k) };
}

export function convDeclaration<S extends ConvShape>(member: ConvMember<S>): KernelDeclaration<S> {
  return {
    name: member.name,
    summary: member.summary,
    kind: 'forward',
    bindings: [
      { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
      { name: 'x', binding: 1, access: 'read', type: 'f32' },
      { name: 'w', binding: 2, access: 'read', type: 'f32' },
      { name: 'y', binding: 3, access: 'read_write', type: 'f32' },
      ...(member.extraBindings ?? []),
    ],
    params: CONV_PARAMS,
    space: CONV_SPACE,
    shader: (spec, s) => ({
      name: 'conv2d',
      append: [...(member.epilogueAppend ?? []), member.epilogue],
      defines: { TO: Number(spec.rows), TP: Number(spec.cols), WG: Number(spec.wg) },
      constants: { ...overrides(s), ...member.constants?.(s) },
    }),
    paramValues: (s, scalars, spec) => {
      const epi = member.epi?.(s, scalars) ?? {};
      return { n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, oh: s.oh, ow: s.ow, tiles: tilesP(s, Number(spec.cols)), epi_f: epi.f ?? [], epi_u: epi.u ?? [] };
    },
    valid: (spec) => Number(spec.rows) * Number(spec.cols) <= 256,
    heuristic: (_engine, s) => {
      const P = s.n * s.oh * s.ow;
      const t = tileFor(FORWARD_TILE, undefined, (r, c) => Math.ceil(s.o / r) * Math.ceil(P / c), s.o);
      return { rows: t.rows, cols: t.cols, wg: t.wg };
    },
    shapeClass: (s) => `k${s.kh}x${s.kw}/s${s.sh}/${s.n * s.o * s.oh * s.ow >= 1 << 16 ? 'large' : 'small'}`,
    workgroups: (s, spec) => foldGrid(Math.ceil(tilesP(s, Number(spec.cols)) * Math.ceil(s.o / Number(spec.rows)) / Number(spec.wg))),
    sizes: (s) => ({ x: s.n * s.c * s.h * s.w, w: s.o * s.c * s.kh * s.kw, y: s.n * s.o * s.oh * s.ow, ...member.extraSizes?.(s) }),
    reference: member.reference,
    generate: (s, seed) => {
      const extra = member.generateExtra?.(s, seed) ?? { inputs: {}, scalars: {} };
      return {
        shape: s,
        inputs: { x: seededFloats(s.n * s.c * s.h * s.w, streamSeed(seed, 1)), w: seededFloats(s.o * s.c * s.kh * s.kw, streamSeed(seed, 2)), ...extra.inputs },
        scalars: extra.scalars,
      };
    },
    flops: conv2dFlops,
    bytes: (s) => 4 * (s.n * s.c * s.h * s.w + s.o * s.c * s.kh * s.kw + s.n * s.o * s.oh * s.ow + Object.values(member.extraSizes?.(s) ?? {}).reduce((a, b) => a + b, 0)),
    shapes: member.shapes,
    tolerance: convTolerance,
    unfusedTwin: member.unfusedTwin,
    variants: member.variants,
    describeShape: (s) => `[${s.n}x${s.c}x${s.h}x${s.w}]*[${s.o}x${s.c}x${s.kh}x${s.kw}] s${s.sh},${s.sw} p${s.ph},${s.pw}`,
  };
}

/** The conv shapes swept: 1, 7, 63, 65, 257 channels or pixels, tile multiples, strides, padding, a huge grid. */
export function convSweep<S extends ConvShape>(extend: (g: ConvShape) => S): SweepCase<S>[] {
  const shapes = [
    convShape(1, 1, 1, 1, 1, 1),
    convShape(2, 3, 7, 7, 7, 3),
    convShape(1, 7, 9, 9, 63, 3, 1, 1),
    convShape(2, 5, 10, 10, 65, 2, 2),
    convShape(1, 3, 17, 17, 16, 4),
    convShape(2, 4, 10, 10, 32, 3, 1, 1),
    convShape(1, 2, 18, 18, 257, 3),
  ];
  return [
    ...shapes.map((g) => ({ shape: extend(g) })),
    // Blocks of 2 channels × 1 pixel, 8 invocations a workgroup: 259,200 pixels × 8 channels give 129,600 workgroups.
    { shape: extend(convShape(2, 1, 362, 362, 8, 3)), spec: { rows: 2, cols: 1, wg: 8 }, why: 'more than 65,535 workgroups', heavy: true },
  ];
}
