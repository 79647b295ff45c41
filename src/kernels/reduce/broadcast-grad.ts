// The backward of a reduction (shaders/reduce_broadcast.wgsl): the gradient broadcast back to the input.
import { ShapeError } from '../../runtime/errors.ts';
import { empty, type Tensor } from '../../tensor.ts';
import { broadcastStrides } from '../elementwise.ts';
import { linearGrid } from '../dispatch.ts';
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
  const shape4 = [...Array(4 - shape.length).fill(1), ...shape];
  const params = new ArrayBuffer(48);
  const u = new Uint32Array(params);
  u[0] = out.size;
  new Float32Array(params, 4, 1)[0] = scale;
  u.set(shape4, 4);
  u.set(broadcastStrides(kept, shape4), 8);
  const buffers = [g.buffer, out.buffer];
  const defines = max
    ? { BINDINGS: '@group(0) @binding(3) var<storage, read> x: array<f32>;\n@group(0) @binding(4) var<storage, read> y: array<f32>;', VALUE: 'select(0.0, params.scale * g[ig], x[i] == y[ig])' }
    : { BINDINGS: '', VALUE: 'params.scale * g[ig]' };
  if (max) buffers.push(max.x.buffer, max.y.buffer);
  g.engine.dispatch({ label: `reduce grad [${shape.join('x')}]`, shader: { name: 'reduce_broadcast', defines }, params, buffers, workgroups: linearGrid(g.engine, out.size, 256) });
  return out;
}
