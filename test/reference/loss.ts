// Float64 CPU references for softmax cross-entropy and argmax.

/** Mean cross-entropy of softmax(x [B, N]) against labels, and dLoss/dx (times g). */
export function softmaxCrossEntropyRef(x: ArrayLike<number>, labels: ArrayLike<number>, B: number, N: number, g = 1): { loss: number; grad: Float64Array; lse: Float64Array } {
  let loss = 0;
  const grad = new Float64Array(B * N);
  const lse = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let m = -Infinity;
    for (let j = 0; j < N; j++) m = Math.max(m, x[b * N + j]!);
    let s = 0;
    for (let j = 0; j < N; j++) s += Math.exp(x[b * N + j]! - m);
    lse[b] = m + Math.log(s);
    loss += lse[b]! - x[b * N + labels[b]!]!;
    for (let j = 0; j < N; j++) grad[b * N + j] = ((Math.exp(x[b * N + j]! - lse[b]!) - (j === labels[b] ? 1 : 0)) / B) * g;
  }
  return { loss: loss / B, grad, lse };
}

/** First index of each row's maximum. */
export function argmaxRef(x: ArrayLike<number>, B: number, N: number): Int32Array {
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let best = x[b * N]!, arg = 0;
    for (let j = 1; j < N; j++) if (x[b * N + j]! > best) { best = x[b * N + j]!; arg = j; }
    out[b] = arg;
  }
  return out;
}
