// Bindings of the elementwise kernels: fill, unary maps, broadcasting binary maps, in-place axpy.
import type { Engine } from '../runtime/engine.ts';
import { ShapeError } from '../runtime/errors.ts';
import { empty, Tensor, type DType } from '../tensor.ts';
import { linearGrid, packParams } from './dispatch.ts';
import { BINARY, UNARY, type BinaryOp, type UnaryOp } from './elementwise-ops.ts';
import { builtinKernel, runKernel } from './registry.ts';
import { recordKernel, type KernelDeclaration } from './declaration.ts';
import { elementwiseShader } from './declarations/elementwise-family.ts';
import type { UnaryShape } from './declarations/elementwise.ts';

export { BINARY, UNARY, type BinaryOp, type UnaryOp } from './elementwise-ops.ts';

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

/** Broadcast shape of two shapes (numpy rules), or a ShapeError naming the op. */
export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new ShapeError(op, `cannot broadcast [${a.join(', ')}] with [${b.join(', ')}]`);
    out.push(Math.max(da, db));
  }
  return out;
}

/** Strides of `shape` (right-aligned) over an output of shape `outShape`, 0 along broadcast dims. */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const padded = [...Array(outShape.length - shape.length).fill(1), ...shape];
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = outShape.length - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 && outShape[i] !== 1 ? 0 : stride;
    stride *= padded[i]!;
  }
  return strides;
}

/**
 * Merges adjacent output dims where both operands' strides continue each other (and drops size-1 dims),
 * so [64, 2000] + [2000] stays 2-D, equal shapes become 1-D, and [M, C, R] · [M, C, 1] stays 3-D.
 */
export function collapseBroadcast(outShape: readonly number[], aStrides: readonly number[], bStrides: readonly number[]): { shape: number[]; a: number[]; b: number[] } {
  const shape: number[] = [], a: number[] = [], b: number[] = [];
  outShape.forEach((d, i) => {
    if (d === 1) return;
    const k = shape.length - 1;
    if (k >= 0 && a[k] === aStrides[i]! * d && b[k] === bStrides[i]! * d) {
      shape[k]! *= d;
      a[k] = aStrides[i]!;
      b[k] = bStrides[i]!;
    } else {
      shape.push(d); a.push(aStrides[i]!); b.push(bStrides[i]!);
    }
  });
  if (shape.length === 0) return { shape: [1], a: [1], b: [1] };
  return { shape, a, b };
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
  const pad = (v: number[], fill: number) => [...Array(4 - v.length).fill(fill), ...v];
  const params = new ArrayBuffer(64);
  const u = new Uint32Array(params);
  u[0] = y.size;
  new Float32Array(params, 4, 1)[0] = alpha;
  u.set(pad(c.shape, 1), 4);
  u.set(pad(c.a, 0), 8);
  u.set(pad(c.b, 0), 12);
  const engine = a.engine;
  const contiguous = c.shape.length === 1 && c.a[0] === 1 && c.b[0] === 1;
  let entryPoint: 'same' | 'rows' | 'general';
  let workgroups: readonly [number, number, number?];
  if (contiguous) {
    entryPoint = 'same';
    workgroups = linearGrid(engine, y.size, ELEMENTWISE_WG);
  } else if (c.shape.length <= 2) {
    entryPoint = 'rows';
    const rows = c.shape.length === 2 ? c.shape[0]! : 1;
    const yz = rows > 65535 ? [65535, Math.ceil(rows / 65535)] : [rows, 1];
    workgroups = [Math.ceil(c.shape[c.shape.length - 1]! / ELEMENTWISE_WG), yz[0]!, yz[1]!];
  } else {
    entryPoint = 'general';
    workgroups = linearGrid(engine, y.size, ELEMENTWISE_WG);
  }
  engine.dispatch({ label: `${op} [${a.shape.join('x')}] [${b.shape.join('x')}]`, shader: { name: 'binary', defines: { EXPR: expr }, entryPoint }, params, buffers: [a.buffer, b.buffer, y.buffer], workgroups });
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

