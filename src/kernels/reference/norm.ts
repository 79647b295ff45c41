// Float64 references of the normalisation kernels (src/kernels/norm.ts): BatchNorm per channel of a tensor
// viewed as [outer, channels, inner], LayerNorm over the last dimension of [rows, D]. Variances are biased
// (as the normalisation uses); the running variance is updated with the unbiased one, as PyTorch does.

export interface ChannelView { outer: number; channels: number; inner: number }

/** Index of the m-th value (of outer·inner) of channel c. */
function channelAt(v: ChannelView, c: number, m: number): number {
  const n = Math.floor(m / v.inner);
  return (n * v.channels + c) * v.inner + (m - n * v.inner);
}

/** Per channel: the batch mean, 1/sqrt(var + eps), and (with running) the running statistics updated with momentum. */
export function batchNormStatsRef(x: ArrayLike<number>, v: ChannelView, eps: number, running: { mean: ArrayLike<number>; var: ArrayLike<number>; momentum: number } | null): { mean: Float64Array; invstd: Float64Array; runningMean?: Float64Array; runningVar?: Float64Array } {
  const M = v.outer * v.inner;
  const mean = new Float64Array(v.channels), invstd = new Float64Array(v.channels);
  const runningMean = new Float64Array(v.channels), runningVar = new Float64Array(v.channels);
  for (let c = 0; c < v.channels; c++) {
    let mu = 0, variance = 0;
    for (let m = 0; m < M; m++) mu += x[channelAt(v, c, m)]!;
    mu /= M;
    for (let m = 0; m < M; m++) variance += (x[channelAt(v, c, m)]! - mu) ** 2;
    variance /= M;
    mean[c] = mu;
    invstd[c] = 1 / Math.sqrt(variance + eps);
    if (running) {
      const unbiased = M > 1 ? (variance * M) / (M - 1) : variance;
      runningMean[c] = (1 - running.momentum) * running.mean[c]! + running.momentum * mu;
      runningVar[c] = (1 - running.momentum) * running.var[c]! + running.momentum * unbiased;
    }
  }
  return running ? { mean, invstd, runningMean, runningVar } : { mean, invstd };
}

/** The per-channel invstd from the batch's (given) or from a running variance (1/sqrt(var + eps)). */
function invstdOf(scale: ArrayLike<number>, c: number, fromVariance: boolean, eps: number): number {
  return fromVariance ? 1 / Math.sqrt(scale[c]! + eps) : scale[c]!;
}

/** y = (x − mean[c])·invstd[c]·gamma[c] + beta[c]; `fromVariance`: scale holds the running variance. */
export function batchNormApplyRef(x: ArrayLike<number>, v: ChannelView, mean: ArrayLike<number>, scale: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, fromVariance: boolean, eps: number): Float64Array {
  return Float64Array.from(x, (value, i) => {
    const c = Math.floor(i / v.inner) % v.channels;
    return (value - mean[c]!) * invstdOf(scale, c, fromVariance, eps) * gamma[c]! + beta[c]!;
  });
}

/** dgamma[c] = Σ g·xhat, dbeta[c] = Σ g over the channel's values. */
export function batchNormBackwardReduceRef(g: ArrayLike<number>, x: ArrayLike<number>, v: ChannelView, mean: ArrayLike<number>, scale: ArrayLike<number>, fromVariance: boolean, eps: number): { dgamma: Float64Array; dbeta: Float64Array } {
  const dgamma = new Float64Array(v.channels), dbeta = new Float64Array(v.channels);
  for (let c = 0; c < v.channels; c++) {
    const invstd = invstdOf(scale, c, fromVariance, eps);
    for (let m = 0; m < v.outer * v.inner; m++) {
      const i = channelAt(v, c, m);
      dbeta[c] += g[i]!;
      dgamma[c] += g[i]! * (x[i]! - mean[c]!) * invstd;
    }
  }
  return { dgamma, dbeta };
}

/**
 * dx through the batch statistics, gamma·invstd·(g − (dbeta + xhat·dgamma)/M), or with running statistics
 * (constants of x), gamma·invstd·g.
 */
export function batchNormBackwardInputRef(g: ArrayLike<number>, x: ArrayLike<number>, v: ChannelView, mean: ArrayLike<number>, scale: ArrayLike<number>, gamma: ArrayLike<number>, dgamma: ArrayLike<number>, dbeta: ArrayLike<number>, fromVariance: boolean, eps: number): Float64Array {
  const M = v.outer * v.inner;
  return Float64Array.from(g, (gv, i) => {
    const c = Math.floor(i / v.inner) % v.channels;
    const invstd = invstdOf(scale, c, fromVariance, eps);
    if (fromVariance) return gamma[c]! * invstd * gv;
    const xhat = (x[i]! - mean[c]!) * invstd;
    return gamma[c]! * invstd * (gv - (dbeta[c]! + xhat * dgamma[c]!) / M);
  });
}

/** LayerNorm over rows of D: y, and each row's mean and 1/sqrt(var + eps). */
export function layerNormForwardRef(x: ArrayLike<number>, rows: number, d: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): { y: Float64Array; mean: Float64Array; invstd: Float64Array } {
  const y = new Float64Array(rows * d), mean = new Float64Array(rows), invstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mu = 0, variance = 0;
    for (let j = 0; j < d; j++) mu += x[r * d + j]!;
    mu /= d;
    for (let j = 0; j < d; j++) variance += (x[r * d + j]! - mu) ** 2;
    const is = 1 / Math.sqrt(variance / d + eps);
    for (let j = 0; j < d; j++) y[r * d + j] = (x[r * d + j]! - mu) * is * gamma[j]! + beta[j]!;
    mean[r] = mu;
    invstd[r] = is;
  }
  return { y, mean, invstd };
}

/** dx = invstd·(gg − mean_d(gg) − xhat·mean_d(gg·xhat)), gg = g·gamma, per row. */
export function layerNormBackwardInputRef(g: ArrayLike<number>, x: ArrayLike<number>, rows: number, d: number, gamma: ArrayLike<number>, mean: ArrayLike<number>, invstd: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const xhat = (j: number) => (x[r * d + j]! - mean[r]!) * invstd[r]!;
    let sumGg = 0, sumGgx = 0;
    for (let j = 0; j < d; j++) {
      const gg = g[r * d + j]! * gamma[j]!;
      sumGg += gg;
      sumGgx += gg * xhat(j);
    }
    for (let j = 0; j < d; j++) dx[r * d + j] = invstd[r]! * (g[r * d + j]! * gamma[j]! - sumGg / d - xhat(j) * sumGgx / d);
  }
  return dx;
}

/** dgamma[j] = Σ_r g·xhat, dbeta[j] = Σ_r g. */
export function layerNormBackwardParamsRef(g: ArrayLike<number>, x: ArrayLike<number>, rows: number, d: number, mean: ArrayLike<number>, invstd: ArrayLike<number>): { dgamma: Float64Array; dbeta: Float64Array } {
  const dgamma = new Float64Array(d), dbeta = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) {
    const i = r * d + j;
    dbeta[j] += g[i]!;
    dgamma[j] += g[i]! * (x[i]! - mean[r]!) * invstd[r]!;
  }
  return { dgamma, dbeta };
}
