// Float64 references of HAT's formulas (docs/hat.md), written straight from the text, for the
// kernels of src/kernels/hat.ts. Layouts: x [B, in], W [out, in], conv NCHW / OIHW, all row-major.
import { dropoutKeep } from '../dropout-hash.ts';

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** a = σ(s·e) per unit. */
export function gateRef(e: ArrayLike<number>, s: number): Float64Array {
  return Float64Array.from(e, (v) => sigmoid(s * v));
}

/** s = 1/smax + (smax − 1/smax)·i/N. */
export function annealSRef(i: number, n: number, smax: number): number {
  return 1 / smax + (smax - 1 / smax) * (i / n);
}

/** Inverted dropout of one value at linear index `index` (the dropout kernel's mask, its CPU mirror). */
function drop(v: number, index: number, p: number, seed: number): number {
  if (p === 0) return v;
  return dropoutKeep(seed, index, p) ? v / (1 - p) : 0;
}

/** h [B, out] = dropout(relu(x Wᵀ + b)) · σ(s·e), dropout index = row·out + col. */
export function linearForwardRef(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, e: ArrayLike<number>, s: number, p: number, seed: number, B: number, IN: number, OUT: number): Float64Array {
  const a = gateRef(e, s);
  const h = new Float64Array(B * OUT);
  for (let r = 0; r < B; r++) for (let c = 0; c < OUT; c++) {
    let z = b[c]!;
    for (let k = 0; k < IN; k++) z += x[r * IN + k]! * w[c * IN + k]!;
    h[r * OUT + c] = drop(Math.max(z, 0), r * OUT + c, p, seed) * a[c]!;
  }
  return h;
}

export interface ConvGeom { n: number; c: number; h: number; w: number; o: number; kh: number; kw: number; stride: number; pad: number; oh: number; ow: number }

export function convGeom(n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, stride = 1, pad = 0): ConvGeom {
  return { n, c, h, w, o, kh, kw, stride, pad, oh: Math.floor((h + 2 * pad - kh) / stride) + 1, ow: Math.floor((w + 2 * pad - kw) / stride) + 1 };
}

/** Plain conv2d (no bias), NCHW × OIHW → [N, O, OH, OW]. */
export function conv2dRef(x: ArrayLike<number>, w: ArrayLike<number>, g: ConvGeom): Float64Array {
  const y = new Float64Array(g.n * g.o * g.oh * g.ow);
  for (let n = 0; n < g.n; n++) for (let o = 0; o < g.o; o++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) {
    let acc = 0;
    for (let c = 0; c < g.c; c++) for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
      const iy = oy * g.stride - g.pad + ky, ix = ox * g.stride - g.pad + kx;
      if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
      acc += x[((n * g.c + c) * g.h + iy) * g.w + ix]! * w[((o * g.c + c) * g.kh + ky) * g.kw + kx]!;
    }
    y[((n * g.o + o) * g.oh + oy) * g.ow + ox] = acc;
  }
  return y;
}

/** [N, O, OH, OW] = dropout(relu(conv + b[o])) · σ(s·e[o]), dropout index = linear NCHW index. */
export function convForwardRef(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, e: ArrayLike<number>, s: number, p: number, seed: number, g: ConvGeom): Float64Array {
  const a = gateRef(e, s);
  const y = conv2dRef(x, w, g);
  const P = g.oh * g.ow;
  for (let i = 0; i < y.length; i++) {
    const o = Math.floor(i / P) % g.o;
    y[i] = drop(Math.max(y[i]! + b[o]!, 0), i, p, seed) * a[o]!;
  }
  return y;
}

/**
 * Gate backward over h viewed as [outer, units, inner]:
 * dz = g·a/(1−p)·[h ≠ 0]; dE[u] = s(1 − a)Σ g·h; db[u] = (1 − post[u])Σ dz.
 * Also returns the magnitudes Σ|·| of each sum (for tolerances that allow for cancellation).
 */
export function gateBackwardRef(g: ArrayLike<number>, h: ArrayLike<number>, e: ArrayLike<number>, s: number, p: number, post: ArrayLike<number> | null, outer: number, units: number, inner: number) {
  const a = gateRef(e, s);
  const dz = new Float64Array(g.length);
  const dE = new Float64Array(units), db = new Float64Array(units), dEMag = new Float64Array(units), dbMag = new Float64Array(units);
  for (let u = 0; u < units; u++) {
    let gh = 0, ghAbs = 0, sdz = 0, sdzAbs = 0;
    for (let n = 0; n < outer; n++) for (let q = 0; q < inner; q++) {
      const i = (n * units + u) * inner + q;
      gh += g[i]! * h[i]!;
      ghAbs += Math.abs(g[i]! * h[i]!);
      const d = h[i] !== 0 ? g[i]! * a[u]! / (1 - p) : 0;
      dz[i] = d;
      sdz += d;
      sdzAbs += Math.abs(d);
    }
    // 1 − σ(s·e) as σ(−s·e): exact even where the gate saturates (1 − a is 0 in float64 past s·e ≈ 37).
    const slope = s * sigmoid(-s * e[u]!);
    dE[u] = slope * gh;
    dEMag[u] = slope * ghAbs;
    const keep = post ? 1 - post[u]! : 1;
    db[u] = keep * sdz;
    dbMag[u] = keep * sdzAbs;
  }
  return { dz, dE, db, dEMag, dbMag };
}

/** dW[i, j] = Σ_b dz[b, i]·x[b, j] · (1 − min(post[i], pre[⌊j/rep⌋])) (pre null: 1 − post[i]; post null: 1). */
export function linearWeightGradRef(dz: ArrayLike<number>, x: ArrayLike<number>, post: ArrayLike<number> | null, pre: ArrayLike<number> | null, rep: number, B: number, OUT: number, IN: number): Float64Array {
  const dw = new Float64Array(OUT * IN);
  for (let i = 0; i < OUT; i++) for (let j = 0; j < IN; j++) {
    let acc = 0;
    for (let b = 0; b < B; b++) acc += dz[b * OUT + i]! * x[b * IN + j]!;
    const m = post ? (pre ? Math.min(post[i]!, pre[Math.floor(j / rep)]!) : post[i]!) : 0;
    dw[i * IN + j] = acc * (1 - m);
  }
  return dw;
}

/** dW[o, c, kh, kw] = Σ dz[n, o, oy, ox]·x[n, c, iy, ix] · (1 − min(post[o], pre[c])). */
export function convWeightGradRef(dz: ArrayLike<number>, x: ArrayLike<number>, post: ArrayLike<number> | null, pre: ArrayLike<number> | null, g: ConvGeom): Float64Array {
  const dw = new Float64Array(g.o * g.c * g.kh * g.kw);
  for (let o = 0; o < g.o; o++) for (let c = 0; c < g.c; c++) for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
    let acc = 0;
    for (let n = 0; n < g.n; n++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) {
      const iy = oy * g.stride - g.pad + ky, ix = ox * g.stride - g.pad + kx;
      if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
      acc += dz[((n * g.o + o) * g.oh + oy) * g.ow + ox]! * x[((n * g.c + c) * g.h + iy) * g.w + ix]!;
    }
    const m = post ? (pre ? Math.min(post[o]!, pre[c]!) : post[o]!) : 0;
    dw[((o * g.c + c) * g.kh + ky) * g.kw + kx] = acc * (1 - m);
  }
  return dw;
}

/** The compensation factor smax/s · (cosh(clamp(s·e, −50, 50)) + 1)/(cosh(e) + 1). */
export function compensationRef(e: number, s: number, smax: number): number {
  return (smax / s) * (Math.cosh(Math.min(50, Math.max(-50, s * e))) + 1) / (Math.cosh(e) + 1);
}

/** The regulariser's gradient c·s·a(1−a)(1−prev)/den, before compensation; 1 − a as σ(−s·e). */
export function regGradRef(e: ArrayLike<number>, prev: ArrayLike<number> | null, s: number, c: number, den: number): Float64Array {
  return Float64Array.from(e, (v, i) => c * s * sigmoid(s * v) * sigmoid(-s * v) * (prev ? 1 - prev[i]! : 1) / den);
}

/** (dERaw + c·s·a(1−a)(1−prev)/den) · compensation. */
export function embeddingGradRef(e: ArrayLike<number>, dERaw: ArrayLike<number>, prev: ArrayLike<number> | null, o: { s: number; smax: number; c: number; regDenominator: number }): Float64Array {
  const reg = regGradRef(e, prev, o.s, o.c, o.regDenominator);
  return Float64Array.from(e, (v, i) => (dERaw[i]! + reg[i]!) * compensationRef(v, o.s, o.smax));
}

/** clamp(e − lr·clip·g, −bound, bound). */
export function embeddingStepRef(e: ArrayLike<number>, g: ArrayLike<number>, lr: number, clip: number, bound = 6): Float64Array {
  return Float64Array.from(e, (v, i) => Math.min(bound, Math.max(-bound, v - lr * clip * g[i]!)));
}

/** R = Σ_l Σ_i a_i(1 − prev_i) / Σ_l Σ_i (1 − prev_i); prev null: factor 1. */
export function regularizerRef(layers: { e: ArrayLike<number>; prev: ArrayLike<number> | null }[], s: number): number {
  let num = 0, den = 0;
  for (const l of layers) for (let i = 0; i < l.e.length; i++) {
    const free = l.prev ? 1 - l.prev[i]! : 1;
    num += sigmoid(s * l.e[i]!) * free;
    den += free;
  }
  return num / den;
}

/** prev = max(prev, σ(smax·e)). */
export function maskUpdateRef(prev: ArrayLike<number>, e: ArrayLike<number>, smax: number): Float64Array {
  return Float64Array.from(prev, (v, i) => Math.max(v, sigmoid(smax * e[i]!)));
}
