// Differentiable views: a reshape's gradient is the output gradient in the input's shape.
import { record } from '../autograd.ts';
import { empty, type Tensor } from '../tensor.ts';

/**
 * x with another shape (same elements, same buffer). The backward copies the gradient rather than
 * viewing it: the gradient it comes from is disposed after the step while a parameter keeps its own.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.assertAlive('reshape');
  const view = x.reshape(shape);
  return record(view, 'reshape', [x], (g) => {
    const out = empty(g.engine, x.shape, 'f32', 'reshape grad');
    g.engine.copy(g.buffer, out.buffer, g.bytes, 'reshape grad');
    return [out];
  });
}

/** [B, ...] → [B, features]: the flatten between conv and fully connected layers (channel-major). */
export function flatten(x: Tensor): Tensor {
  const batch = x.shape[0]!;
  return x.shape.length === 2 ? x : reshape(x, [batch, x.size / batch]);
}
