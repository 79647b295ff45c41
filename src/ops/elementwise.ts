// Differentiable elementwise ops. Binary ops broadcast (numpy rules, rank ≤ 4); their backward reduces
// the gradient back to each operand's shape with sumToShape. Operands are checked first (alive, f32: the
// kernels read f32, so an i32 tensor would be reinterpreted bit for bit).
import { record } from '../autograd.ts';
import { assertSameShape, checkOperands, type Tensor } from '../tensor.ts';
import { binary, copy, unary, zip } from '../kernels/elementwise.ts';
import { sumToShape } from '../kernels/reduce.ts';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** g reduced to `shape`; `g` itself when nothing reduces and `reuse` (the caller's first use of g). */
function gradFor(g: Tensor, shape: readonly number[], reuse: boolean): Tensor {
  if (sameShape(g.shape, shape)) return reuse ? g : copy(g, 'grad copy');
  return sumToShape(g, shape);
}

/** out = f(a, b) for same-shaped a, b: fused backward expressions without new shader files. */
function zipSame(label: string, expr: string, a: Tensor, b: Tensor, alpha = 0): Tensor {
  assertSameShape(label, a, b);
  return zip(label, expr, a, b, alpha);
}

export function add(a: Tensor, b: Tensor): Tensor {
  checkOperands('add', { a, b });
  const y = binary('add', a, b);
  return record(y, 'add', [a, b], (g) => [a.requiresGrad ? gradFor(g, a.shape, true) : null, b.requiresGrad ? gradFor(g, b.shape, !a.requiresGrad) : null]);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  checkOperands('sub', { a, b });
  const y = binary('sub', a, b);
  return record(y, 'sub', [a, b], (g) => {
    let gb: Tensor | null = null;
    if (b.requiresGrad) {
      const neg = unary('neg', g);
      gb = sameShape(neg.shape, b.shape) ? neg : sumToShape(neg, b.shape);
      if (gb !== neg) neg.dispose();
    }
    return [a.requiresGrad ? gradFor(g, a.shape, true) : null, gb];
  });
}

export function mul(a: Tensor, b: Tensor): Tensor {
  checkOperands('mul', { a, b });
  const y = binary('mul', a, b);
  return record(y, 'mul', [a, b], (g) => [
    a.requiresGrad ? reduceTo(binary('mul', g, b), a.shape) : null,
    b.requiresGrad ? reduceTo(binary('mul', g, a), b.shape) : null,
  ]);
}

export function div(a: Tensor, b: Tensor): Tensor {
  checkOperands('div', { a, b });
  const y = binary('div', a, b);
  return record(y, 'div', [a, b], (g) => {
    const ga = a.requiresGrad ? reduceTo(binary('div', g, b), a.shape) : null;
    let gb: Tensor | null = null;
    if (b.requiresGrad) {
      // d(a/b)/db = -(a/b)/b = -y/b
      const gy = binary('mul', g, y);
      const q = binary('div', gy, b);
      gy.dispose();
      gb = reduceTo(unary('neg', q), b.shape);
      q.dispose();
    }
    return [ga, gb];
  });
}

/** t reduced to shape (t disposed when a new tensor replaces it). */
function reduceTo(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t.shape, shape)) return t;
  const r = sumToShape(t, shape);
  t.dispose();
  return r;
}

export function relu(x: Tensor): Tensor {
  checkOperands('relu', { x });
  const y = unary('relu', x);
  return record(y, 'relu', [x], (g) => [binary('reluGrad', g, x)]);
}

export function sigmoid(x: Tensor): Tensor {
  checkOperands('sigmoid', { x });
  const y = unary('sigmoid', x);
  return record(y, 'sigmoid', [x], (g) => [zipSame('sigmoidGrad', 'x * y * (1.0 - y)', g, y)]);
}

export function tanh(x: Tensor): Tensor {
  checkOperands('tanh', { x });
  const y = unary('tanh', x);
  return record(y, 'tanh', [x], (g) => [zipSame('tanhGrad', 'x * (1.0 - y * y)', g, y)]);
}

export function exp(x: Tensor): Tensor {
  checkOperands('exp', { x });
  const y = unary('exp', x);
  return record(y, 'exp', [x], (g) => [binary('mul', g, y)]);
}

export function log(x: Tensor): Tensor {
  checkOperands('log', { x });
  const y = unary('log', x);
  return record(y, 'log', [x], (g) => [binary('div', g, x)]);
}

export function neg(x: Tensor): Tensor {
  checkOperands('neg', { x });
  const y = unary('neg', x);
  return record(y, 'neg', [x], (g) => [unary('neg', g)]);
}

export function square(x: Tensor): Tensor {
  checkOperands('square', { x });
  const y = unary('square', x);
  return record(y, 'square', [x], (g) => [zipSame('squareGrad', '2.0 * x * y', g, x)]);
}

/** alpha · x + beta. */
export function affine(x: Tensor, alpha: number, beta = 0): Tensor {
  checkOperands('affine', { x });
  const y = unary('affine', x, alpha, beta);
  return record(y, 'affine', [x], (g) => [unary('affine', g, alpha, 0)]);
}

/** alpha · x. */
export function scale(x: Tensor, alpha: number): Tensor {
  return affine(x, alpha, 0);
}

/** clamp(x, lo, hi); the gradient passes where lo < x < hi... and at the bounds (as PyTorch: lo ≤ x ≤ hi). */
export function clamp(x: Tensor, lo: number, hi: number): Tensor {
  checkOperands('clamp', { x });
  const y = unary('clamp', x, lo, hi);
  return record(y, 'clamp', [x], (g) => [zipSame('clampGrad', `select(0.0, x, y >= ${f32(lo)} && y <= ${f32(hi)})`, g, x)]);
}

function f32(v: number): string {
  const s = String(Math.fround(v));
  return /[.e]/.test(s) ? s : `${s}.0`;
}
