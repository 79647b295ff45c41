// The elementwise kernels with one input: the unary maps (shaders/unary.wgsl, the op's expression as
// {{EXPR}}), fill (shaders/fill.wgsl, 32-bit patterns) and the in-place axpy (shaders/axpy.wgsl).
import type { KernelDeclaration } from '../declaration.ts';
import { UNARY, type UnaryOp } from '../elementwise-ops.ts';
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
