// The backward of a reduction (shaders/reduce_broadcast.wgsl): the gradient broadcast back to the input.
import { ShapeError } from '../../runtime/errors.ts';
import { empty, type Tensor } from '../../tensor.ts';
import { runKernel } from '../registry.ts';
import { normaliseAxes, reducedShape } from './axes.ts';

/**
 * The backward of a reduction over `axes` of a tensor of `shape` (rank ≤ 4): out = scale · g broadcast
 * back to `shape`; with `max: { x, y }` only where x equals its maximum y (every tie gets the gradient).
 */
export function broadcastGrad(g: Tensor, shape: readonly number[], axes: readonly number[], scale = 1, max?: { x: Tensor; y: Tensor }): Tensor {
  if (shape.length > 4) throw new ShapeError('broadcastGrad', `rank ${shape.length} is over the supported 4`);
  const kept = reducedShape(shape, normaliseAxes('broadcastGrad', shape.length, axes), true);
  if (g.size !== kept.reduce((a, b) => a * b, 1)) throw new ShapeError('broadcastGrad', `gradient [${g.shape.join(', ')}] does not match the reduced shape [${kept.join(', ')}]`);
  const out = empty(g.engine, shape, 'f32', 'reduce grad');
  const buffers: Record<string, GPUBuffer> = { g: g.buffer, out: out.buffer, ...(max ? { x: max.x.buffer, y: max.y.buffer } : {}) };
  runKernel(g.engine, 'reduce-broadcast', { label: `reduce grad [${shape.join('x')}]`, shape: { shape, kept, max: max !== undefined }, buffers, scalars: { scale } });
  return out;
}
