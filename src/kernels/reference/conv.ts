// Float64 CPU references for conv2d (NCHW, OIHW) and maxpool2d, used by the kernel and op tests.
export interface RefConvShape { n: number; c: number; h: number; w: number; o: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number }

export function outSize(s: RefConvShape): [number, number] {
  return [Math.floor((s.h + 2 * s.ph - s.kh) / s.sh) + 1, Math.floor((s.w + 2 * s.pw - s.kw) / s.sw) + 1];
}

/**
 * Calls `tap(xIndex, wIndex)` for every weight tap of output pixel (n, o, oh, ow) that lands inside the
 * input (taps on the zero padding are skipped): x[n,c,oh·sh−ph+kh, ow·sw−pw+kw] meets w[o,c,kh,kw].
 */
export function forEachTap(s: RefConvShape, n: number, o: number, oh: number, ow: number, tap: (xi: number, wi: number) => void): void {
  for (let c = 0; c < s.c; c++) for (let kh = 0; kh < s.kh; kh++) {
    const ih = oh * s.sh - s.ph + kh;
    if (ih < 0 || ih >= s.h) continue;
    for (let kw = 0; kw < s.kw; kw++) {
      const iw = ow * s.sw - s.pw + kw;
      if (iw < 0 || iw >= s.w) continue;
      tap(((n * s.c + c) * s.h + ih) * s.w + iw, ((o * s.c + c) * s.kh + kh) * s.kw + kw);
    }
  }
}

/** y[n,o,oh,ow] = b[o] + Σ x[n,c,oh·sh−ph+kh, ow·sw−pw+kw]·w[o,c,kh,kw]. */
export function conv2dRef(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null, s: RefConvShape): Float64Array {
  const [OH, OW] = outSize(s);
  const y = new Float64Array(s.n * s.o * OH * OW);
  for (let n = 0; n < s.n; n++) for (let o = 0; o < s.o; o++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let acc = b ? b[o]! : 0;
    forEachTap(s, n, o, oh, ow, (xi, wi) => { acc += x[xi]! * w[wi]!; });
    y[((n * s.o + o) * OH + oh) * OW + ow] = acc;
  }
  return y;
}

/** Gradients of Σ y·dy with respect to x, w and b. */
export function conv2dGradRef(x: ArrayLike<number>, w: ArrayLike<number>, dy: ArrayLike<number>, s: RefConvShape): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const [OH, OW] = outSize(s);
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  const dw = new Float64Array(s.o * s.c * s.kh * s.kw);
  const db = new Float64Array(s.o);
  for (let n = 0; n < s.n; n++) for (let o = 0; o < s.o; o++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const g = dy[((n * s.o + o) * OH + oh) * OW + ow]!;
    db[o] += g;
    forEachTap(s, n, o, oh, ow, (xi, wi) => {
      dx[xi] += g * w[wi]!;
      dw[wi] += g * x[xi]!;
    });
  }
  return { dx, dw, db };
}

export interface RefPoolShape { n: number; c: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number }

/** Max pooling (floor mode) with the first maximum's plane index, and its gradient for a given dy. */
export function maxpool2dRef(x: ArrayLike<number>, s: RefPoolShape, dy?: ArrayLike<number>): { y: Float64Array; arg: Uint32Array; dx: Float64Array; oh: number; ow: number } {
  const OH = Math.floor((s.h - s.kh) / s.sh) + 1, OW = Math.floor((s.w - s.kw) / s.sw) + 1;
  const y = new Float64Array(s.n * s.c * OH * OW);
  const arg = new Uint32Array(y.length);
  const dx = new Float64Array(x.length);
  for (let p = 0; p < s.n * s.c; p++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let best = -Infinity, at = -1;
    for (let kh = 0; kh < s.kh; kh++) for (let kw = 0; kw < s.kw; kw++) {
      const idx = (oh * s.sh + kh) * s.w + ow * s.sw + kw;
      const v = x[p * s.h * s.w + idx]!;
      if (at < 0 || v > best) { best = v; at = idx; }
    }
    const i = (p * OH + oh) * OW + ow;
    y[i] = best;
    arg[i] = at;
    if (dy) dx[p * s.h * s.w + at] += dy[i]!;
  }
  return { y, arg, dx, oh: OH, ow: OW };
}
