// Bindings of the elementwise kernels: fill, unary maps, broadcasting binary maps, in-place axpy.
import type { Engine } from '../runtime/engine.ts';
import { ShapeError } from '../runtime/errors.ts';
import { empty, Tensor, type DType } from '../tensor.ts';
import { BINARY, UNARY, type BinaryOp, type UnaryOp } from './elementwise-ops.ts';
import { broadcastShape, broadcastStrides, collapseBroadcast } from './broadcast.ts';
import { builtinKernel, runKernel } from './registry.ts';
import { recordKernel, type KernelDeclaration } from './declaration.ts';
import { elementwiseShader } from './declarations/elementwise-family.ts';
import type { BinaryShape, UnaryShape } from './declarations/elementwise.ts';

export { BINARY, UNARY, type BinaryOp, type UnaryOp } from './elementwise-ops.ts';
export { broadcastShape, broadcastStrides, collapseBroadcast } from './broadcast.ts';

export const ELEMENTWISE_WG = 256;

export function fill(engine: Engine, shape: readonly number[], value: number, dtype: DType = 'f32', out?: Tensor): Tensor {
  const t = out ?? empty(engine, shape, dtype, 'fill');
  const bits = new Uint32Array(1);
  if (t.dtype === 'f32') new Float32Array(bits.buffer)[0] = value;
  else if (t.dtype === 'i32') new Int32Array(bits.buffer)[0] = value;
  else bits[0] = value;
  runKernel(engine, 'fill', { label: `fill ${value} [${t.shape.join('x')}]`, shape: { count: t.size }, buffers: { out: t.buffer }, scalars: { bits: bits[0]! } });
  return t;
}

/** The unary declaration computing an expression no op names (no float64 reference: its meaning is the caller's). */
function customMapKernel(expr: string): KernelDeclaration<UnaryShape> {
  const base = builtinKernel('unary') as KernelDeclaration<UnaryShape>;
  return {
    ...base,
    name: `map ${expr}`,
    shader: (spec) => elementwiseShader('unary', spec, { defines: { EXPR: expr } }),
    reference: () => { throw new Error(`map ${expr} has no float64 reference`); },
  };
}

export function unary(op: UnaryOp, x: Tensor, alpha = 0, beta = 0, out?: Tensor): Tensor {
  return map(op, UNARY[op], x, alpha, beta, out);
}

/** The unary kernel with any expression of x, alpha and beta (e.g. `cosh(x) + 1.0`); `op` names it. */
export function map(op: string, expr: string, x: Tensor, alpha = 0, beta = 0, out?: Tensor): Tensor {
  x.assertAlive(op);
  const y = out ?? empty(x.engine, x.shape, 'f32', op);
  const label = `${op} [${x.shape.join('x')}]`;
  const call = { label, buffers: { x: x.buffer, out: y.buffer }, scalars: { alpha, beta } };
  if (op in UNARY && UNARY[op as UnaryOp] === expr) runKernel(x.engine, 'unary', { ...call, shape: { count: x.size, op } });
  else {
    // An expression of the caller's own: the unary declaration with that expression.
    const decl = customMapKernel(expr);
    const shape = { count: x.size, op: 'relu' as const };
    recordKernel(x.engine, decl, { ...call, shape, spec: decl.heuristic(x.engine, shape) });
  }
  return y;
}

/** The binary declaration computing an expression no op names (no float64 reference: its meaning is the caller's). */
function customZipKernel(expr: string): KernelDeclaration<BinaryShape> {
  const base = builtinKernel('binary') as KernelDeclaration<BinaryShape>;
  return { ...base, name: `zip ${expr}`, reference: () => { throw new Error(`zip ${expr} has no float64 reference`); } };
}

export function binary(op: BinaryOp, a: Tensor, b: Tensor, alpha = 1, out?: Tensor): Tensor {
  return zip(op, BINARY[op], a, b, alpha, out);
}

/**
 * The binary kernel with any expression of x (from a), y (from b) and alpha, e.g. a fused gradient
 * `x * y * (1.0 - y)`; broadcasting as `binary`. `op` names it in labels and errors.
 */
export function zip(op: string, expr: string, a: Tensor, b: Tensor, alpha = 1, out?: Tensor): Tensor {
  a.assertAlive(op);
  b.assertAlive(op);
  const shape = broadcastShape(op, a.shape, b.shape);
  const y = out ?? empty(a.engine, shape, 'f32', op);
  if (y.size !== shape.reduce((p, d) => p * d, 1)) throw new ShapeError(op, `out has shape [${y.shape.join(', ')}], expected [${shape.join(', ')}]`);
  const c = collapseBroadcast(shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape));
  if (c.shape.length > 4) throw new ShapeError(op, `broadcast of [${a.shape.join(', ')}] with [${b.shape.join(', ')}] needs rank ${c.shape.length}, over the supported 4`);
  const call = { label: `${op} [${a.shape.join('x')}] [${b.shape.join('x')}]`, shape: { a: a.shape, b: b.shape, expr }, buffers: { a: a.buffer, b: b.buffer, out: y.buffer }, scalars: { alpha } };
  if (op in BINARY && BINARY[op as BinaryOp] === expr) runKernel(a.engine, 'binary', call);
  else recordKernel(a.engine, customZipKernel(expr), { ...call, spec: { wg: ELEMENTWISE_WG } });
  return y;
}

/** y = beta·y + alpha·x in place (same shapes). */
export function axpy(y: Tensor, x: Tensor, alpha = 1, beta = 1): void {
  if (y.size !== x.size) throw new ShapeError('axpy', `shapes differ: [${y.shape.join(', ')}] and [${x.shape.join(', ')}]`);
  y.assertAlive('axpy');
  x.assertAlive('axpy');
  runKernel(y.engine, 'axpy', { label: `axpy [${y.shape.join('x')}]`, shape: { count: y.size }, buffers: { x: x.buffer, y: y.buffer }, scalars: { alpha, beta } });
}

/** target += source, in place. */
export function addInto(target: Tensor, source: Tensor): void {
  axpy(target, source, 1, 1);
}

/** A copy of a tensor (recorded as a buffer copy). */
export function copy(x: Tensor, label = 'copy'): Tensor {
  x.assertAlive(label);
  const y = empty(x.engine, x.shape, x.dtype, label);
  x.engine.copy(x.buffer, y.buffer, x.bytes, label);
  return y;
}

