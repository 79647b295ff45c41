// The common reductions by name: of every element, over the rows or columns of a matrix, per channel.
import { ShapeError } from '../../runtime/errors.ts';
import { empty, type Tensor } from '../../tensor.ts';
import { reduce } from './over-axes.ts';
import type { ReduceOp } from './specs.ts';

/** Sum of every element → shape [1]. */
export function sumAll(x: Tensor, out?: Tensor): Tensor {
  return reduce('sum', x, undefined, false, out ?? empty(x.engine, [1], 'f32', 'sum'));
}
export function meanAll(x: Tensor, out?: Tensor): Tensor {
  return reduce('mean', x, undefined, false, out ?? empty(x.engine, [1], 'f32', 'mean'));
}
export function maxAll(x: Tensor, out?: Tensor): Tensor {
  return reduce('max', x, undefined, false, out ?? empty(x.engine, [1], 'f32', 'max'));
}

/** [M, N] → [N]: sums over the rows, one value per column (a bias gradient). */
export function sumOverRows(x: Tensor, op: ReduceOp = 'sum'): Tensor {
  x.dims2('sumOverRows');
  return reduce(op, x, 0);
}

/** [M, N] → [M]: sums over the columns, one value per row. */
export function sumOverCols(x: Tensor, op: ReduceOp = 'sum'): Tensor {
  x.dims2('sumOverCols');
  return reduce(op, x, 1);
}

/** [N, C, H, W] → [C]: sums over N, H and W, one value per channel (conv bias and per-channel gate gradients). */
export function sumPerChannel(x: Tensor, op: ReduceOp = 'sum'): Tensor {
  if (x.shape.length !== 4) throw new ShapeError('sumPerChannel', `expected NCHW, got [${x.shape.join(', ')}]`);
  return reduce(op, x, [0, 2, 3]);
}
