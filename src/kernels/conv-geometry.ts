// conv2d geometry and tiling: the shapes of a convolution, its FLOPs, and the register block and
// workgroup size the kernels use by default. Apart from conv.ts so that declarations import no binding.
import { ShapeError } from '../runtime/errors.ts';

export interface Conv2dOptions {
  /** [sh, sw] or one number for both; default 1. */
  stride?: number | readonly [number, number];
  /** Symmetric zero padding [ph, pw] or one number; default 0. */
  padding?: number | readonly [number, number];
}

/** Everything a conv2d kernel needs to know about its shapes. */
export interface Conv2dGeometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number;
  oh: number; ow: number;
}

/** Register block and workgroup size of a conv kernel (rows: channels, cols: pixels or c·kh·kw). */
export interface ConvTile {
  /** output (forward, dW) or input (dX) channels per invocation */
  rows: number;
  /** pixels (forward, dX) or flattened (c, kh, kw) (dW) per invocation */
  cols: number;
  /** invocations per workgroup */
  wg: number;
}

function pair(v: number | readonly [number, number] | undefined, dflt: number, what: string): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 0)) throw new RangeError(`conv2d: ${what} must be non-negative integers, got ${String(v)}`);
  return p;
}

/** Shapes of a convolution of x [N, C, H, W] by w [O, C, KH, KW]; throws a ShapeError when they do not fit. */
export function conv2dGeometry(xShape: readonly number[], wShape: readonly number[], opts: Conv2dOptions = {}): Conv2dGeometry {
  if (xShape.length !== 4) throw new ShapeError('conv2d', `input must be [N, C, H, W], got [${xShape.join(', ')}]`);
  if (wShape.length !== 4) throw new ShapeError('conv2d', `weight must be [O, C, KH, KW], got [${wShape.join(', ')}]`);
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, c2, kh, kw] = wShape as [number, number, number, number];
  if (c !== c2) throw new ShapeError('conv2d', `input has ${c} channels, weight [${wShape.join(', ')}] expects ${c2}`);
  const [sh, sw] = pair(opts.stride, 1, 'stride');
  const [ph, pw] = pair(opts.padding, 0, 'padding');
  if (sh < 1 || sw < 1) throw new RangeError(`conv2d: stride must be >= 1, got [${sh}, ${sw}]`);
  const oh = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - kw) / sw) + 1;
  if (oh < 1 || ow < 1 || kh < 1 || kw < 1) throw new ShapeError('conv2d', `kernel ${kh}×${kw} does not fit input ${h}×${w} with padding [${ph}, ${pw}]`);
  return { n, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow };
}

/** Multiply-adds ×2 of one pass (forward, dX and dW all do the same count). */
export function conv2dFlops(g: Conv2dGeometry): number {
  return 2 * g.n * g.o * g.oh * g.ow * g.c * g.kh * g.kw;
}

export function overrides(g: Conv2dGeometry): Record<string, number> {
  return { KH: g.kh, KW: g.kw, SH: g.sh, SW: g.sw, PH: g.ph, PW: g.pw };
}

/** Invocations per workgroup: big workgroups when there is plenty of work, else small ones so both cores get some. */
export function pickWg(invocations: number): number {
  return invocations >= 64 * 16 ? 64 : invocations >= 32 * 8 ? 32 : 8;
}

export const FORWARD_TILE = { rows: 16, cols: 8 };
export const BWD_INPUT_TILE = { rows: 16, cols: 8 };
export const BWD_WEIGHT_TILE = { rows: 16, cols: 8 };

/** Default block, narrowed in rows when there are few channels (e.g. dX of a 3-channel input), widened in columns to compensate. */
export function tileFor(def: { rows: number; cols: number }, tile: Partial<ConvTile> | undefined, invocations: (rows: number, cols: number) => number, channels: number): ConvTile {
  let rows = def.rows, cols = def.cols;
  while (rows > 4 && channels <= rows / 2) { rows /= 2; cols *= 2; }
  cols = Math.min(cols, 16);
  rows = tile?.rows ?? rows;
  cols = tile?.cols ?? cols;
  return { rows, cols, wg: tile?.wg ?? pickWg(invocations(rows, cols)) };
}

