// The backward of broadcasting binary ops: a broadcast result summed back to an operand's shape.
import { ShapeError } from '../../runtime/errors.ts';
import { empty, type Tensor } from '../../tensor.ts';
import { reduce } from './over-axes.ts';

/**
 * Reduces a broadcast result back to an operand's shape (numpy broadcasting rules, trailing-aligned):
 * the backward of broadcasting binary ops. Returns a new tensor of `shape` (a copy when nothing reduces).
 */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  x.assertAlive('sumToShape');
  const rank = x.shape.length;
  if (shape.length > rank) throw new ShapeError('sumToShape', `cannot reduce [${x.shape.join(', ')}] to the larger rank [${shape.join(', ')}]`);
  const padded = [...Array(rank - shape.length).fill(1), ...shape];
  const axes: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (padded[i] === x.shape[i]) continue;
    if (padded[i] !== 1) throw new ShapeError('sumToShape', `[${x.shape.join(', ')}] does not broadcast from [${shape.join(', ')}]`);
    axes.push(i);
  }
  const y = empty(x.engine, shape, 'f32', 'sumToShape');
  if (axes.length === 0) {
    x.engine.copy(x.buffer, y.buffer, x.bytes, 'sumToShape copy');
    return y;
  }
  return reduce('sum', x, axes, true, y);
}
