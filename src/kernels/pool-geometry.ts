// maxpool2d geometry (no padding, floor mode like PyTorch): window, stride and output size. Apart from
// pool.ts so that declarations import no binding.
import { ShapeError } from '../runtime/errors.ts';

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
