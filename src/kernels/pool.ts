// maxpool2d kernels (NCHW, no padding, floor mode like PyTorch): forward returns the output and the argmax
// (u32, index ih·W + iw within the input plane); backward gathers, so overlapping windows are exact.
import { ShapeError } from '../runtime/errors.ts';
import { empty, type Tensor } from '../tensor.ts';
import { runKernel } from './registry.ts';
import { maxpool2dGeometry, type MaxPool2dOptions } from './pool-geometry.ts';

export { maxpool2dGeometry, type MaxPool2dGeometry, type MaxPool2dOptions } from './pool-geometry.ts';


/** { out [N, C, OH, OW], argmax [N, C, OH, OW] u32 }. */
export function maxpool2dForward(x: Tensor, opts: MaxPool2dOptions = {}): { out: Tensor; argmax: Tensor } {
  x.assertAlive('maxpool2d');
  const g = maxpool2dGeometry(x.shape, opts);
  const engine = x.engine;
  const shape = [g.n, g.c, g.oh, g.ow];
  const out = empty(engine, shape, 'f32', 'maxpool2d');
  const argmax = empty(engine, shape, 'u32', 'maxpool2d argmax');
  runKernel(engine, 'maxpool2d', { label: `maxpool2d [${x.shape.join('x')}] k${g.kh},${g.kw} s${g.sh},${g.sw}`, shape: g, buffers: { x: x.buffer, y: out.buffer, argmax: argmax.buffer } });
  return { out, argmax };
}

/** dX [N, C, H, W] from dY and the forward's argmax. */
export function maxpool2dBackward(dy: Tensor, argmax: Tensor, xShape: readonly number[], opts: MaxPool2dOptions = {}): Tensor {
  dy.assertAlive('maxpool2d backward');
  argmax.assertAlive('maxpool2d backward');
  const g = maxpool2dGeometry(xShape, opts);
  const oshape = [g.n, g.c, g.oh, g.ow];
  for (const [t, name] of [[dy, 'dY'], [argmax, 'argmax']] as const) {
    if (t.shape.length !== 4 || t.shape.some((d, i) => d !== oshape[i])) throw new ShapeError('maxpool2d backward', `${name} must be [${oshape.join(', ')}], got [${t.shape.join(', ')}]`);
  }
  const engine = dy.engine;
  const dx = empty(engine, [g.n, g.c, g.h, g.w], 'f32', 'maxpool2d dX');
  runKernel(engine, 'maxpool2d-backward', { label: `maxpool2d dX [${xShape.join('x')}] k${g.kh},${g.kw} s${g.sh},${g.sw}`, shape: g, buffers: { dy: dy.buffer, argmax: argmax.buffer, dx: dx.buffer } });
  return dx;
}
