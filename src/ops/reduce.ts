// Differentiable reductions: sum, mean, max over all elements or over axes.
import { record } from '../autograd.ts';
import { checkOperands, empty, type Tensor } from '../tensor.ts';
import { broadcastGrad, normaliseAxes, reduce } from '../kernels/reduce.ts';

/** Sum over `axes` (every axis when omitted, giving shape [1]); keepDims keeps reduced axes as size 1. */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  checkOperands('sum', { x });
  const ax = normaliseAxes('sum', x.shape.length, axes);
  const y = reduceShaped('sum', x, ax, keepDims, axes === undefined);
  return record(y, 'sum', [x], (g) => [broadcastGrad(g, x.shape, ax, 1)]);
}

export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  checkOperands('mean', { x });
  const ax = normaliseAxes('mean', x.shape.length, axes);
  const count = ax.reduce((a, i) => a * x.shape[i]!, 1);
  const y = reduceShaped('mean', x, ax, keepDims, axes === undefined);
  return record(y, 'mean', [x], (g) => [broadcastGrad(g, x.shape, ax, 1 / count)]);
}

/** Maximum over `axes`; the gradient goes to every element equal to its maximum (all ties). */
export function max(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  checkOperands('max', { x });
  const ax = normaliseAxes('max', x.shape.length, axes);
  const y = reduceShaped('max', x, ax, keepDims, axes === undefined);
  return record(y, 'max', [x], (g) => [broadcastGrad(g, x.shape, ax, 1, { x, y })]);
}

/** Global reductions without keepDims give shape [1] (a scalar loss for backward()); axis reductions their reduced shape. */
function reduceShaped(op: 'sum' | 'mean' | 'max', x: Tensor, ax: number[], keepDims: boolean, all: boolean): Tensor {
  if (all && !keepDims) return reduce(op, x, ax, false, empty(x.engine, [1], 'f32', op));
  return reduce(op, x, ax, keepDims);
}
