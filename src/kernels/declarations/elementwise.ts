// The elementwise kernels with one input: the unary maps (shaders/unary.wgsl, the op's expression as
// {{EXPR}}), fill (shaders/fill.wgsl, 32-bit patterns) and the in-place axpy (shaders/axpy.wgsl).
import type { KernelDeclaration } from '../declaration.ts';
import { BINARY, UNARY, type BinaryOp, type UnaryOp } from '../elementwise-ops.ts';
import { broadcastShape, broadcastStrides, collapseBroadcast } from '../broadcast.ts';
import { foldGrid } from '../declaration.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { elementwiseParts, elementwiseShader, elementwiseSweep } from './elementwise-family.ts';

export interface UnaryShape { count: number; op: UnaryOp }

const PARAMS = { name: 'params', binding: 0, access: 'uniform', type: 'u32' } as const;

/** The float64 meaning of each unary expression. */
const UNARY_REF: Record<UnaryOp, (x: number, alpha: number, beta: number) => number> = {
  relu: (x) => Math.max(x, 0),
  neg: (x) => -x,
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: (x) => Math.tanh(x),
  square: (x) => x * x,
  sqrt: (x) => Math.sqrt(x),
  abs: (x) => Math.abs(x),
  affine: (x, a, b) => a * x + b,
  clamp: (x, a, b) => Math.min(b, Math.max(a, x)),
};

const OPS = Object.keys(UNARY) as UnaryOp[];

export const unaryKernel: KernelDeclaration<UnaryShape> = {
  name: 'unary',
  summary: 'out[i] = f(x[i], alpha, beta) for one of the unary ops (relu, exp, sigmoid, affine, clamp, …)',
  kind: 'forward',
  bindings: [PARAMS, { name: 'x', binding: 1, access: 'read', type: 'f32' }, { name: 'out', binding: 2, access: 'read_write', type: 'f32' }],
  params: [{ name: 'count', type: 'u32' }, { name: 'alpha', type: 'f32' }, { name: 'beta', type: 'f32' }],
  paramValues: (s, { alpha = 0, beta = 0 }) => ({ count: s.count, alpha, beta }),
  ...elementwiseParts<UnaryShape>((s) => s.count),
  shader: (spec, s) => elementwiseShader('unary', spec, { defines: { EXPR: UNARY[s.op] } }),
  sizes: (s) => ({ x: s.count, out: s.count }),
  reference: ({ shape: s, inputs, scalars }) => ({ out: Float64Array.from(inputs.x!, (v) => UNARY_REF[s.op](v, scalars.alpha ?? 0, scalars.beta ?? 0)) }),
  // log and sqrt get positive inputs; clamp's bounds straddle the inputs.
  generate: (s, seed) => ({
    shape: s,
    inputs: { x: seededFloats(s.count, streamSeed(seed, 1), s.op === 'log' || s.op === 'sqrt' ? 0.01 : -4, 4) },
    scalars: s.op === 'clamp' ? { alpha: -1, beta: 0.5 } : { alpha: 1.5, beta: -0.25 },
  }),
  flops: (s) => s.count,
  bytes: (s) => 8 * s.count,
  shapes: OPS.flatMap((op, k) => elementwiseSweep((count) => ({ count, op })).filter((c, i) => (i + k) % 3 === 0 || c.heavy && k === 0)),
  tolerance: () => ({ rtol: 2e-6, atol: 1e-7 }),
  variants: OPS,
  describeShape: (s) => `${s.op} [${s.count}]`,
};

export interface CountShape { count: number }

export const axpyKernel: KernelDeclaration<CountShape> = {
  name: 'axpy',
  summary: 'in place: y = beta·y + alpha·x',
  kind: 'forward',
  bindings: [PARAMS, { name: 'x', binding: 1, access: 'read', type: 'f32' }, { name: 'y', binding: 2, access: 'read_write', type: 'f32', inout: true }],
  params: [{ name: 'count', type: 'u32' }, { name: 'alpha', type: 'f32' }, { name: 'beta', type: 'f32' }],
  paramValues: (s, { alpha = 1, beta = 1 }) => ({ count: s.count, alpha, beta }),
  ...elementwiseParts<CountShape>((s) => s.count),
  shader: (spec) => elementwiseShader('axpy', spec),
  sizes: (s) => ({ x: s.count, y: s.count }),
  reference: ({ inputs, scalars }) => ({ y: Float64Array.from(inputs.y!, (v, i) => scalars.beta! * v + scalars.alpha! * inputs.x![i]!) }),
  generate: (s, seed) => ({ shape: s, inputs: { x: seededFloats(s.count, streamSeed(seed, 1)), y: seededFloats(s.count, streamSeed(seed, 2)) }, scalars: { alpha: seed - 1.5, beta: 1 / seed } }),
  flops: (s) => 3 * s.count,
  bytes: (s) => 12 * s.count,
  shapes: elementwiseSweep((count) => ({ count })),
  tolerance: () => ({ rtol: 1e-6, atol: 1e-7 }),
  describeShape: (s) => `[${s.count}]`,
};

export const fillKernel: KernelDeclaration<CountShape> = {
  name: 'fill',
  summary: 'out[i] = a 32-bit pattern (an f32, i32 or u32 value\'s bits)',
  kind: 'forward',
  bindings: [PARAMS, { name: 'out', binding: 1, access: 'read_write', type: 'u32' }],
  params: [{ name: 'count', type: 'u32' }, { name: 'value', type: 'u32' }],
  paramValues: (s, { bits = 0 }) => ({ count: s.count, value: bits }),
  ...elementwiseParts<CountShape>((s) => s.count),
  shader: (spec) => elementwiseShader('fill', spec),
  sizes: (s) => ({ out: s.count }),
  reference: ({ shape: s, scalars }) => ({ out: new Float64Array(s.count).fill(scalars.bits! >>> 0) }),
  generate: (s, seed) => ({ shape: s, inputs: {}, scalars: { bits: [0, 0x3f800000, 0x12345678, 7][seed % 4]! } }),
  flops: () => 0,
  bytes: (s) => 4 * s.count,
  shapes: elementwiseSweep((count) => ({ count })),
  tolerance: () => ({ rtol: 0, atol: 0 }),
  describeShape: (s) => `[${s.count}]`,
};

/** Operand shapes (broadcast, numpy rules) and the expression of x (from a), y (from b) and alpha. */
export interface BinaryShape { a: readonly number[]; b: readonly number[]; expr: string }

const BINARY_REF: Record<BinaryOp, (x: number, y: number, alpha: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  max: (x, y) => Math.max(x, y),
  min: (x, y) => Math.min(x, y),
  addScaled: (x, y, a) => x + a * y,
  reluGrad: (x, y) => (y > 0 ? x : 0),
};

function geometry(s: BinaryShape) {
  const out = broadcastShape('binary', s.a, s.b);
  const c = collapseBroadcast(out, broadcastStrides(s.a, out), broadcastStrides(s.b, out));
  const entry = c.shape.length === 1 && c.a[0] === 1 && c.b[0] === 1 ? 'same' : c.shape.length <= 2 ? 'rows' : 'general';
  return { out, c, entry, size: out.reduce((p, d) => p * d, 1) };
}

const product = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const pad = (v: number[], fill: number) => [...Array(4 - v.length).fill(fill), ...v];

export const binaryKernel: KernelDeclaration<BinaryShape> = {
  name: 'binary',
  summary: 'out = f(a, b) with numpy broadcasting (up to rank 4 after collapsing), entry point by layout: same, rows or general',
  kind: 'forward',
  bindings: [
    PARAMS,
    { name: 'a', binding: 1, access: 'read', type: 'f32' },
    { name: 'b', binding: 2, access: 'read', type: 'f32' },
    { name: 'out', binding: 3, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'count', type: 'u32' }, { name: 'alpha', type: 'f32' }, { name: 'out_shape', type: 'vec4<u32>' }, { name: 'a_strides', type: 'vec4<u32>' }, { name: 'b_strides', type: 'vec4<u32>' }],
  paramValues: (s, { alpha = 1 }) => {
    const g = geometry(s);
    return { count: g.size, alpha, out_shape: pad(g.c.shape, 1), a_strides: pad(g.c.a, 0), b_strides: pad(g.c.b, 0) };
  },
  ...elementwiseParts<BinaryShape>((s) => geometry(s).size),
  shader: (spec, s) => elementwiseShader('binary', spec, { defines: { EXPR: s.expr }, entryPoint: geometry(s).entry }),
  // rows: x over columns, y (folded into z past 65,535) over rows; same and general: the folded linear grid.
  workgroups: (s, spec) => {
    const g = geometry(s), wg = Number(spec.wg);
    if (g.entry !== 'rows') return foldGrid(Math.ceil(g.size / wg));
    const rows = g.c.shape.length === 2 ? g.c.shape[0]! : 1;
    const yz = rows > 65535 ? [65535, Math.ceil(rows / 65535)] : [rows, 1];
    return [Math.ceil(g.c.shape[g.c.shape.length - 1]! / wg), yz[0]!, yz[1]!];
  },
  sizes: (s) => ({ a: product(s.a), b: product(s.b), out: geometry(s).size }),
  reference: ({ shape: s, inputs, scalars }) => {
    const op = (Object.keys(BINARY) as BinaryOp[]).find((k) => BINARY[k] === s.expr);
    if (!op) throw new Error(`binary: no float64 reference for ${s.expr}`);
    const out = broadcastShape('binary', s.a, s.b);
    const sa = broadcastStrides(s.a, out), sb = broadcastStrides(s.b, out);
    const y = new Float64Array(product(out));
    for (let i = 0; i < y.length; i++) {
      let rest = i, ia = 0, ib = 0;
      for (let d = out.length - 1; d >= 0; d--) { const k = rest % out[d]!; rest = Math.floor(rest / out[d]!); ia += k * sa[d]!; ib += k * sb[d]!; }
      y[i] = BINARY_REF[op](inputs.a![ia]!, inputs.b![ib]!, scalars.alpha ?? 1);
    }
    return { out: y };
  },
  generate: (s, seed) => ({
    shape: s,
    inputs: { a: seededFloats(product(s.a), streamSeed(seed, 1)), b: seededFloats(product(s.b), streamSeed(seed, 2), s.expr === BINARY.div ? 0.5 : -1, 2) },
    scalars: { alpha: 0.5 + seed },
  }),
  flops: (s) => geometry(s).size,
  bytes: (s) => 4 * (product(s.a) + product(s.b) + geometry(s).size),
  shapes: [
    ...(Object.keys(BINARY) as BinaryOp[]).flatMap((op, k) => ([
      [[1], [1]], [[7], [7]], [[63, 65], [65]], [[65, 1], [1, 257]], [[2, 3, 7, 5], [3, 1, 5]], [[257, 4, 3], [257, 4, 1]], [[64, 64], [64, 64]],
    ] as const).filter((_, i) => (i + k) % 2 === 0).map(([a, b]) => ({ shape: { a, b, expr: BINARY[op] } }))),
    // One invocation a workgroup: 70,000 equal-shaped elements give 70,000 workgroups (same); a [70000, 2]
    // row broadcast folds its 70,000 rows into y and z (rows).
    { shape: { a: [70000], b: [70000], expr: BINARY.add }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
    { shape: { a: [70000, 2], b: [2], expr: BINARY.mul }, why: 'more than 65,535 rows', heavy: true },
  ],
  tolerance: () => ({ rtol: 2e-6, atol: 1e-7 }),
  variants: Object.keys(BINARY),
  describeShape: (s) => `[${s.a.join('x')}] ${s.expr} [${s.b.join('x')}]`,
};
