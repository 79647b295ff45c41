// maxpool2d kernels (NCHW, no padding, floor mode like PyTorch): forward returns the output and the argmax
// (u32, index ih·W + iw within the input plane); backward gathers, so overlapping windows are exact.
import { ShapeError } from '../runtime/errors.ts';
import { empty, type Tensor } from '../tensor.ts';
import { linearGrid } from './dispatch.ts';

export interface MaxPool2dOptions {
  /** Window [kh, kw] or one number; default 2. */
  kernel?: number | readonly [number, number];
  /** [sh, sw] or one number; default = kernel. */
  stride?: number | readonly [number, number];
}

export interface MaxPool2dGeometry { n: number; c: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number; oh: number; ow: number }

function pair(v: number | readonly [number, number] | undefined, dflt: readonly [number, number], what: string): [number, number] {
  const p: [number, number] = v === undefined ? [dflt[0], dflt[1]] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 1)) throw new RangeError(`maxpool2d: ${what} must be integers >= 1, got ${String(v)}`);
  return p;
}

export function maxpool2dGeometry(xShape: readonly number[], opts: MaxPool2dOptions = {}): MaxPool2dGeometry {
  if (xShape.length !== 4) throw new ShapeError('maxpool2d', `input must be [N, C, H, W], got [${xShape.join(', ')}]`);
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [kh, kw] = pair(opts.kernel, [2, 2], 'kernel');
  const [sh, sw] = pair(opts.stride, [kh, kw], 'stride');
  if (kh > h || kw > w) throw new ShapeError('maxpool2d', `window ${kh}×${kw} is larger than the input ${h}×${w}`);
  return { n, c, h, w, kh, kw, sh, sw, oh: Math.floor((h - kh) / sh) + 1, ow: Math.floor((w - kw) / sw) + 1 };
}

function params(g: MaxPool2dGeometry): Uint32Array {
  return new Uint32Array([g.n * g.c, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, 0, 0, 0]);
}

/** { out [N, C, OH, OW], argmax [N, C, OH, OW] u32 }. */
export function maxpool2dForward(x: Tensor, opts: MaxPool2dOptions = {}): { out: Tensor; argmax: Tensor } {
  x.assertAlive('maxpool2d');
  const g = maxpool2dGeometry(x.shape, opts);
  const engine = x.engine;
  const shape = [g.n, g.c, g.oh, g.ow];
  const out = empty(engine, shape, 'f32', 'maxpool2d');
  const argmax = empty(engine, shape, 'u32', 'maxpool2d argmax');
  engine.dispatch({
    label: `maxpool2d [${x.shape.join('x')}] k${g.kh},${g.kw} s${g.sh},${g.sw}`,
    shader: { name: 'maxpool2d' }, params: params(g),
    buffers: [x.buffer, out.buffer, argmax.buffer],
    workgroups: linearGrid(engine, out.size, 64),
  });
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
  engine.dispatch({
    label: `maxpool2d dX [${xShape.join('x')}] k${g.kh},${g.kw} s${g.sh},${g.sw}`,
    shader: { name: 'maxpool2d_bwd' }, params: params(g),
    buffers: [dy.buffer, argmax.buffer, dx.buffer],
    workgroups: linearGrid(engine, dx.size, 64),
  });
  return dx;
}
