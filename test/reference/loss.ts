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

// ---- Gradient check shared by the op tests (test/ops/*.test.ts) ----
import type { Engine } from '../../src/runtime/engine.ts';
import { tensor, tidy, type Tensor } from '../../src/tensor.ts';
import { backward, noGrad, parameter } from '../../src/autograd.ts';
import { finiteDifference, randomArray, assertClose } from '../helpers.ts';
import { mul } from '../../src/ops/elementwise.ts';
import { sum } from '../../src/ops/reduce.ts';

export interface GradInput { data: Float64Array; shape: number[]; dtype?: 'f32' | 'i32'; grad?: boolean }

/**
 * Checks d/dx of L = Σ f(inputs) ⊙ w (w fixed random weights) from backward() against central finite
 * differences of the same GPU forward (float32), at up to `maxIndices` indices of each input.
 */
export async function gradCheck(engine: Engine, what: string, inputs: GradInput[], f: (ts: Tensor[]) => Tensor, { eps = 1e-2, rtol = 2e-2, atol = 2e-3, maxIndices = 24 } = {}): Promise<void> {
  const outShape = tidy(() => noGrad(() => f(inputs.map((x) => tensor(engine, x.data, x.shape, x.dtype ?? 'f32'))).shape));
  const wn = outShape.reduce((a, b) => a * b, 1);
  const w = randomArray(wn, 1234 + wn, 0.5, 1.5);
  const lossOf = (ts: Tensor[]) => sum(mul(f(ts), tensor(engine, w, outShape)));

  const params = inputs.map((x) => {
    const t = tensor(engine, x.data, x.shape, x.dtype ?? 'f32');
    return x.grad === false || x.dtype === 'i32' ? t : parameter(t);
  });
  tidy(() => backward(lossOf(params)));
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i]!;
    if (x.grad === false || x.dtype === 'i32') continue;
    const analytic = await params[i]!.grad!.float32();
    const n = x.data.length;
    const step = Math.max(1, Math.floor(n / maxIndices));
    const indices = [...Array(Math.min(n, maxIndices)).keys()].map((k) => (k * step + (k % 3)) % n);
    const numeric = await finiteDifference(async (xi) => {
      const v = await tidy(() => noGrad(() => lossOf(inputs.map((y, j) => tensor(engine, j === i ? xi : y.data, y.shape, y.dtype ?? 'f32'))))).item();
      return v;
    }, Float64Array.from(x.data), eps, indices);
    assertClose(indices.map((k) => analytic[k]!), indices.map((k) => numeric[k]!), `${what}: d/d input ${i}`, { rtol, atol });
  }
  for (const p of params) p.dispose();
}

/** n distinct values in [lo, hi), spaced (hi - lo)/n apart in a scrambled order: safe for max/relu kinks. */
export function spacedArray(n: number, lo = -2, hi = 2, seed = 1): Float64Array {
  const perm = Array.from({ length: n }, (_, i) => i);
  const r = randomArray(n, seed);
  perm.sort((a, b) => r[a]! - r[b]!);
  return Float64Array.from(perm, (k) => lo + ((k + 0.5) * (hi - lo)) / n);
}
