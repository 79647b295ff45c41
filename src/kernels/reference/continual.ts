// Float64 references of the baseline approaches' kernels (src/kernels/continual.ts), written from the
// definitions in src/approaches/ (docs/approaches.md) and the reference code they follow (joansj/hat approaches/*.py, utils.py).

/** fisher·beta + alpha·grad². */
export function fisherRef(fisher: ArrayLike<number>, grad: ArrayLike<number>, alpha: number, beta: number): Float64Array {
  return Float64Array.from(fisher, (f, i) => beta * f + alpha * grad[i]! * grad[i]!);
}

export interface PenaltyTermRef { theta: ArrayLike<number>; anchor: ArrayLike<number>; fisher?: ArrayLike<number> | null }

/** (lambda/2) Σ w (θ − θ*)² and, per term, its gradient lambda·w·(θ − θ*). */
export function penaltyRef(terms: PenaltyTermRef[], lambda: number): { value: number; grads: Float64Array[] } {
  let value = 0;
  const grads = terms.map(({ theta, anchor, fisher }) => Float64Array.from(theta, (v, i) => {
    const d = v - anchor[i]!;
    const w = fisher ? fisher[i]! : 1;
    value += w * d * d;
    return lambda * w * d;
  }));
  return { value: (lambda / 2) * value, grads };
}

function softmax(row: ArrayLike<number>, T: number): Float64Array {
  let m = -Infinity;
  for (let j = 0; j < row.length; j++) m = Math.max(m, row[j]! / T);
  const e = Float64Array.from(row, (v) => Math.exp(v / T - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * The reference's utils.cross_entropy(outputs, targets, exp = 1/T, eps) straight from its steps:
 * p = softmax(z)^(1/T) renormalised, q likewise from the old logits, o = p + eps/N renormalised,
 * mean over rows of −Σ q log o.
 */
export function distillationRef(z: ArrayLike<number>, zOld: ArrayLike<number>, B: number, N: number, T: number, eps: number): number {
  let total = 0;
  for (let b = 0; b < B; b++) {
    const pow = (r: Float64Array) => { const x = r.map((v) => v ** (1 / T)); const s = x.reduce((a, c) => a + c, 0); return x.map((v) => v / s); };
    const p = pow(softmax(Array.from({ length: N }, (_, j) => z[b * N + j]!), 1));
    const q = pow(softmax(Array.from({ length: N }, (_, j) => zOld[b * N + j]!), 1));
    const o = p.map((v) => v + eps / N);
    const so = o.reduce((a, c) => a + c, 0);
    let ce = 0;
    for (let j = 0; j < N; j++) ce -= q[j]! * Math.log(o[j]! / so);
    total += ce;
  }
  return total / B;
}

/** Analytic gradient of distillationRef in z: (p_k Σr − r_k) / (B T), r_j = q_j p_j / (p_j + eps/N). */
export function distillationGradRef(z: ArrayLike<number>, zOld: ArrayLike<number>, B: number, N: number, T: number, eps: number): Float64Array {
  const g = new Float64Array(B * N);
  for (let b = 0; b < B; b++) {
    const p = softmax(Array.from({ length: N }, (_, j) => z[b * N + j]!), T);
    const q = softmax(Array.from({ length: N }, (_, j) => zOld[b * N + j]!), T);
    const r = p.map((pj, j) => (q[j]! * pj) / (pj + eps / N));
    const S = r.reduce((a, c) => a + c, 0);
    for (let k = 0; k < N; k++) g[b * N + k] = (p[k]! * S - r[k]!) / (B * T);
  }
  return g;
}

/** Σ_t alpha_t θ_t / Σ_t alpha_t. */
export function immMeanRef(thetas: ArrayLike<number>[], alphas: number[]): Float64Array {
  const W = alphas.reduce((a, b) => a + b, 0);
  return Float64Array.from(thetas[0]!, (_, i) => thetas.reduce((acc, th, t) => acc + alphas[t]! * th[i]!, 0) / W);
}

/** Σ_t alpha_t (F_t + eps) θ_t / Σ_t alpha_t (F_t + eps): the paper's mode merge, Fisher floored by eps. */
export function immModeRef(thetas: ArrayLike<number>[], fishers: ArrayLike<number>[], alphas: number[], eps: number): Float64Array {
  return Float64Array.from(thetas[0]!, (_, i) => {
    let num = 0, den = 0;
    thetas.forEach((th, t) => {
      const w = alphas[t]! * (fishers[t]![i]! + eps);
      num += w * th[i]!;
      den += w;
    });
    return num / den;
  });
}
