// Bindings of the elementwise kernels: fill, unary maps, broadcasting binary maps, in-place axpy.
import type { Engine } from '../runtime/engine.ts';
import { ShapeError } from '../runtime/errors.ts';
import { empty, Tensor, type DType } from '../tensor.ts';

export const ELEMENTWISE_WG = 256;

/** Expressions of x (and scalars alpha, beta) for shaders/unary.wgsl. */
export const UNARY = {
  relu: 'max(x, 0.0)',
  neg: '-x',
  exp: 'exp(x)',
  log: 'log(x)',
  sigmoid: '1.0 / (1.0 + exp(-x))',
  tanh: 'tanh(x)',
  square: 'x * x',
  sqrt: 'sqrt(x)',
  abs: 'abs(x)',
  /** alpha * x + beta */
  affine: 'alpha * x + beta',
  /** clamp to [alpha, beta] */
  clamp: 'clamp(x, alpha, beta)',
} as const;
export type UnaryOp = keyof typeof UNARY;

/** Expressions of x, y (and alpha) for shaders/binary.wgsl. */
export const BINARY = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  max: 'max(x, y)',
  min: 'min(x, y)',
  /** x + alpha * y */
  addScaled: 'x + alpha * y',
  /** gradient of relu: g (x) where the forward input y was positive */
  reluGrad: 'select(0.0, x, y > 0.0)',
} as const;
export type BinaryOp = keyof typeof BINARY;

function linearDispatch(engine: Engine, count: number): [number, number] {
  return engine.grid(Math.ceil(count / ELEMENTWISE_WG));
}

export function fill(engine: Engine, shape: readonly number[], value: number, dtype: DType = 'f32', out?: Tensor): Tensor {
  const t = out ?? empty(engine, shape, dtype, 'fill');
  const bits = new Uint32Array(1);
  if (t.dtype === 'f32') new Float32Array(bits.buffer)[0] = value;
  else if (t.dtype === 'i32') new Int32Array(bits.buffer)[0] = value;
  else bits[0] = value;
  engine.dispatch({ label: `fill ${value} [${t.shape.join('x')}]`, shader: { name: 'fill' }, params: new Uint32Array([t.size, bits[0]!]), buffers: [t.buffer], workgroups: linearDispatch(engine, t.size) });
  return t;
}

export function unary(op: UnaryOp, x: Tensor, alpha = 0, beta = 0, out?: Tensor): Tensor {
  x.assertAlive(op);
  const y = out ?? empty(x.engine, x.shape, 'f32', op);
  const params = new ArrayBuffer(16);
  new Uint32Array(params, 0, 1)[0] = x.size;
  new Float32Array(params, 4, 2).set([alpha, beta]);
  x.engine.dispatch({ label: `${op} [${x.shape.join('x')}]`, shader: { name: 'unary', defines: { EXPR: UNARY[op] } }, params, buffers: [x.buffer, y.buffer], workgroups: linearDispatch(x.engine, x.size) });
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

function broadcastStrides(shape: readonly number[], outShape4: number[]): number[] {
  const padded = [...Array(4 - shape.length).fill(1), ...shape];
  const strides = [0, 0, 0, 0];
  let stride = 1;
  for (let i = 3; i >= 0; i--) {
    strides[i] = padded[i] === 1 && outShape4[i] !== 1 ? 0 : stride;
    stride *= padded[i]!;
  }
  return strides;
}

export function binary(op: BinaryOp, a: Tensor, b: Tensor, alpha = 1, out?: Tensor): Tensor {
  a.assertAlive(op);
  b.assertAlive(op);
  const shape = broadcastShape(op, a.shape, b.shape);
  if (shape.length > 4) throw new ShapeError(op, `rank ${shape.length} is over the supported 4`);
  const y = out ?? empty(a.engine, shape, 'f32', op);
  const shape4 = [...Array(4 - shape.length).fill(1), ...shape];
  const params = new ArrayBuffer(64);
  const u = new Uint32Array(params);
  u[0] = y.size;
  new Float32Array(params, 4, 1)[0] = alpha;
  u.set(shape4, 4);
  u.set(broadcastStrides(a.shape, shape4), 8);
  u.set(broadcastStrides(b.shape, shape4), 12);
  a.engine.dispatch({ label: `${op} [${a.shape.join('x')}] [${b.shape.join('x')}]`, shader: { name: 'binary', defines: { EXPR: BINARY[op] } }, params, buffers: [a.buffer, b.buffer, y.buffer], workgroups: linearDispatch(a.engine, y.size) });
  return y;
}

/** y = beta·y + alpha·x in place (same shapes). */
export function axpy(y: Tensor, x: Tensor, alpha = 1, beta = 1): void {
  if (y.size !== x.size) throw new ShapeError('axpy', `shapes differ: [${y.shape.join(', ')}] and [${x.shape.join(', ')}]`);
  y.assertAlive('axpy');
  x.assertAlive('axpy');
  const params = new ArrayBuffer(16);
  new Uint32Array(params, 0, 1)[0] = y.size;
  new Float32Array(params, 4, 2).set([alpha, beta]);
  y.engine.dispatch({ label: `axpy [${y.shape.join('x')}]`, shader: { name: 'axpy' }, params, buffers: [x.buffer, y.buffer], workgroups: linearDispatch(y.engine, y.size) });
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

export { Tensor };
