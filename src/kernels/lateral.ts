// Bindings of the lateral-adapter kernels of progressive networks (shaders/lateral_scale*.wgsl): scaling
// a source column's activations by its learnable scale alpha[j], read on the device, and that scale's
// gradient as a deterministic reduction.
import { ShapeError } from '../runtime/errors.ts';
import { empty, type Tensor } from '../tensor.ts';
import { fill } from './elementwise.ts';
import { sumAll } from './reduce.ts';
import { runKernel } from './registry.ts';

const WG = 256;

function checkEntry(op: string, alpha: Tensor, j: number): void {
  alpha.assertAlive(op);
  if (alpha.shape.length !== 1) throw new ShapeError(op, `alpha must be a vector, got [${alpha.shape.join(', ')}]`);
  if (!Number.isInteger(j) || j < 0 || j >= alpha.size) throw new ShapeError(op, `entry ${j} is outside alpha [${alpha.size}]`);
}

/** y = alpha[j] · x (any shape); `out` (same size as x) receives it when given. */
export function lateralScale(x: Tensor, alpha: Tensor, j: number, out?: Tensor): Tensor {
  x.assertAlive('lateralScale');
  checkEntry('lateralScale', alpha, j);
  if (out && out.size !== x.size) throw new ShapeError('lateralScale', `out [${out.shape.join(', ')}] and x [${x.shape.join(', ')}] differ in size`);
  const y = out ?? empty(x.engine, x.shape, 'f32', 'lateral scale');
  runKernel(x.engine, 'lateral-scale', { label: `lateralScale [${x.shape.join('x')}] alpha[${j}]`, shape: { count: x.size, alphaSize: alpha.size }, buffers: { x: x.buffer, alpha: alpha.buffer, y: y.buffer }, scalars: { j } });
  return y;
}

/** The gradient of lateralScale's alpha: a vector of alpha's size, Σ dy·x at entry j, zero elsewhere. */
export function lateralScaleAlphaGrad(dy: Tensor, x: Tensor, alpha: Tensor, j: number): Tensor {
  checkEntry('lateralScaleAlphaGrad', alpha, j);
  dy.assertAlive('lateralScaleAlphaGrad');
  x.assertAlive('lateralScaleAlphaGrad');
  if (dy.size !== x.size) throw new ShapeError('lateralScaleAlphaGrad', `dy [${dy.shape.join(', ')}] and x [${x.shape.join(', ')}] differ in size`);
  const engine = x.engine;
  const groups = Math.ceil(x.size / WG);
  const partials = empty(engine, [groups], 'f32', 'lateral scale grad partials');
  runKernel(engine, 'lateral-scale-grad-partials', { label: `lateralScaleAlphaGrad [${x.shape.join('x')}]`, shape: { count: x.size }, buffers: { dy: dy.buffer, x: x.buffer, partials: partials.buffer } });
  const total = sumAll(partials);
  partials.dispose();
  const grad = fill(engine, alpha.shape, 0, 'f32');
  engine.copy(total.buffer, grad.buffer, 4, 'lateral scale grad', 0, 4 * j);
  total.dispose();
  return grad;
}
