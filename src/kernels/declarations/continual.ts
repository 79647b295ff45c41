// The continual-learning baselines' elementwise kernels, each in place over one parameter tensor: EWC's
// Fisher accumulation (shaders/ewc_fisher.wgsl), IMM's mean and mode merges (imm_merge_mean.wgsl,
// imm_merge_mode.wgsl); and LwF's distillation backward (distill_backward.wgsl, framed by the
// softmax_rows_backward snippet it shares with the softmax cross-entropy backward).
import type { KernelDeclaration } from '../declaration.ts';
import { distillationGradRef } from '../reference/continual.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { elementwiseParts, elementwiseShader, elementwiseSweep } from './elementwise-family.ts';

export interface CountShape { count: number }

const PARAMS = { name: 'params', binding: 0, access: 'uniform', type: 'u32' } as const;
const describeCount = (s: CountShape) => `[${s.count}]`;

export const ewcFisherKernel: KernelDeclaration<CountShape> = {
  name: 'ewc-fisher',
  summary: 'in place: fisher = beta·fisher + alpha·grad² (the empirical Fisher of EWC and IMM-mode)',
  kind: 'gradient',
  bindings: [PARAMS, { name: 'grad', binding: 1, access: 'read', type: 'f32' }, { name: 'fisher', binding: 2, access: 'read_write', type: 'f32', inout: true }],
  params: [{ name: 'count', type: 'u32' }, { name: 'alpha', type: 'f32' }, { name: 'beta', type: 'f32' }],
  paramValues: (s, { alpha, beta }) => ({ count: s.count, alpha: alpha!, beta: beta! }),
  ...elementwiseParts<CountShape>((s) => s.count),
  shader: (spec) => elementwiseShader('ewc_fisher', spec),
  sizes: (s) => ({ grad: s.count, fisher: s.count }),
  reference: ({ inputs, scalars }) => ({ fisher: Float64Array.from(inputs.fisher!, (f, i) => scalars.beta! * f + scalars.alpha! * inputs.grad![i]! ** 2) }),
  generate: (s, seed) => ({ shape: s, inputs: { grad: seededFloats(s.count, streamSeed(seed, 1)), fisher: seededFloats(s.count, streamSeed(seed, 2), 0, 1) }, scalars: { alpha: 0.25 * seed, beta: seed % 2 } }),
  flops: (s) => 4 * s.count,
  bytes: (s) => 12 * s.count,
  shapes: elementwiseSweep((count) => ({ count })),
  tolerance: () => ({ rtol: 1e-6, atol: 1e-7 }),
  describeShape: describeCount,
};

export const immMergeMeanKernel: KernelDeclaration<CountShape> = {
  name: 'imm-merge-mean',
  summary: 'in place: theta = a·old + b·theta (one step of IMM-mean\'s running weighted mean)',
  kind: 'forward',
  bindings: [PARAMS, { name: 'old', binding: 1, access: 'read', type: 'f32' }, { name: 'theta', binding: 2, access: 'read_write', type: 'f32', inout: true }],
  params: [{ name: 'count', type: 'u32' }, { name: 'a', type: 'f32' }, { name: 'b', type: 'f32' }],
  paramValues: (s, { a, b }) => ({ count: s.count, a: a!, b: b! }),
  ...elementwiseParts<CountShape>((s) => s.count),
  shader: (spec) => elementwiseShader('imm_merge_mean', spec),
  sizes: (s) => ({ old: s.count, theta: s.count }),
  reference: ({ inputs, scalars }) => ({ theta: Float64Array.from(inputs.theta!, (t, i) => scalars.a! * inputs.old![i]! + scalars.b! * t) }),
  generate: (s, seed) => ({ shape: s, inputs: { old: seededFloats(s.count, streamSeed(seed, 1)), theta: seededFloats(s.count, streamSeed(seed, 2)) }, scalars: { a: seed / (seed + 1), b: 1 / (seed + 1) } }),
  flops: (s) => 3 * s.count,
  bytes: (s) => 12 * s.count,
  shapes: elementwiseSweep((count) => ({ count })),
  tolerance: () => ({ rtol: 1e-6, atol: 1e-7 }),
  describeShape: describeCount,
};

export const immMergeModeKernel: KernelDeclaration<CountShape> = {
  name: 'imm-merge-mode',
  summary: 'in place: theta = (f_old·old + f_new·theta)/(f_old + f_new), fisherAcc += alpha·fisher (IMM-mode, Fisher floored by eps)',
  kind: 'forward',
  bindings: [
    PARAMS,
    { name: 'old', binding: 1, access: 'read', type: 'f32' },
    { name: 'fisher', binding: 2, access: 'read', type: 'f32' },
    { name: 'theta', binding: 3, access: 'read_write', type: 'f32', inout: true },
    { name: 'fisherAcc', binding: 4, access: 'read_write', type: 'f32', inout: true },
  ],
  params: [{ name: 'count', type: 'u32' }, { name: 'w_old', type: 'f32' }, { name: 'alpha', type: 'f32' }, { name: 'eps', type: 'f32' }],
  paramValues: (s, { wOld, alpha, eps }) => ({ count: s.count, w_old: wOld!, alpha: alpha!, eps: eps! }),
  ...elementwiseParts<CountShape>((s) => s.count),
  shader: (spec) => elementwiseShader('imm_merge_mode', spec),
  sizes: (s) => ({ old: s.count, fisher: s.count, theta: s.count, fisherAcc: s.count }),
  reference: ({ inputs, scalars }) => {
    const { wOld, alpha, eps } = scalars as { wOld: number; alpha: number; eps: number };
    const acc = inputs.fisherAcc!, f = inputs.fisher!;
    return {
      theta: Float64Array.from(inputs.theta!, (t, i) => {
        const fOld = acc[i]! + eps * wOld, fNew = alpha * (f[i]! + eps);
        return (fOld * inputs.old![i]! + fNew * t) / (fOld + fNew);
      }),
      fisherAcc: Float64Array.from(acc, (a, i) => a + alpha * f[i]!),
    };
  },
  generate: (s, seed) => ({
    shape: s,
    inputs: { old: seededFloats(s.count, streamSeed(seed, 1)), fisher: seededFloats(s.count, streamSeed(seed, 2), 0, 1), theta: seededFloats(s.count, streamSeed(seed, 3)), fisherAcc: seededFloats(s.count, streamSeed(seed, 4), 0, 2) },
    scalars: { wOld: seed, alpha: 1, eps: 1e-10 },
  }),
  flops: (s) => 10 * s.count,
  bytes: (s) => 24 * s.count,
  shapes: elementwiseSweep((count) => ({ count })),
  tolerance: () => ({ rtol: 1e-5, atol: 1e-6 }),
  describeShape: describeCount,
};

export interface DistillShape { b: number; n: number }

/** Per row, in float64: logsumexp of z/T and of z_old/T, S = Σ_j q_j p_j/(p_j + eps/N), and −Σ_j q_j log((p_j + eps/N)/(1 + eps)). */
function distillRows(z: ArrayLike<number>, zOld: ArrayLike<number>, b: number, n: number, T: number, eps: number): { stats: Float64Array; rowLoss: Float64Array } {
  const stats = new Float64Array(3 * b), rowLoss = new Float64Array(b);
  const lse = (v: number[]) => { const m = Math.max(...v); return m + Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0)); };
  for (let r = 0; r < b; r++) {
    const zl = Array.from({ length: n }, (_, j) => z[r * n + j]! / T), zo = Array.from({ length: n }, (_, j) => zOld[r * n + j]! / T);
    const lp = lse(zl), lq = lse(zo);
    let S = 0, loss = 0;
    for (let j = 0; j < n; j++) {
      const p = Math.exp(zl[j]! - lp), q = Math.exp(zo[j]! - lq);
      S += eps > 0 ? q * p / (p + eps / n) : q;
      loss -= q * Math.log((p + eps / n) / (1 + eps));
    }
    stats.set([lp, lq, S], 3 * r);
    rowLoss[r] = loss;
  }
  return { stats, rowLoss };
}

export const distillBackwardKernel: KernelDeclaration<DistillShape> = {
  name: 'distill-backward',
  summary: "dLogits of LwF's distillation loss (batch mean, temperature T, eps-smoothed), from the forward's saved row stats",
  kind: 'gradient',
  bindings: [
    PARAMS,
    { name: 'logits', binding: 1, access: 'read', type: 'f32' },
    { name: 'oldLogits', binding: 2, access: 'read', type: 'f32' },
    { name: 'stats', binding: 3, access: 'read', type: 'f32' },
    { name: 'gradOut', binding: 4, access: 'read', type: 'f32' },
    { name: 'dx', binding: 5, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'B', type: 'u32' }, { name: 'N', type: 'u32' }, { name: 'inv_t', type: 'f32' }, { name: 'eps', type: 'f32' }],
  paramValues: (s, { T, eps }) => ({ B: s.b, N: s.n, inv_t: 1 / T!, eps: eps! }),
  ...elementwiseParts<DistillShape>((s) => s.b * s.n),
  shader: (spec) => elementwiseShader('distill_backward', spec),
  sizes: (s) => ({ logits: s.b * s.n, oldLogits: s.b * s.n, stats: 3 * s.b, gradOut: 1, dx: s.b * s.n }),
  reference: ({ shape: s, inputs, scalars }) => ({ dx: distillationGradRef(inputs.logits!, inputs.oldLogits!, s.b, s.n, scalars.T!, scalars.eps!).map((v) => v * inputs.gradOut![0]!) }),
  // stats per row as the forward saves them.
  generate: (s, seed) => {
    const T = 2, eps = seed % 2 ? 0 : 1e-3;
    const logits = seededFloats(s.b * s.n, streamSeed(seed, 1), -3, 3), oldLogits = seededFloats(s.b * s.n, streamSeed(seed, 2), -3, 3);
    const stats = Float32Array.from(distillRows(logits, oldLogits, s.b, s.n, T, eps).stats);
    return { shape: s, inputs: { logits, oldLogits, stats, gradOut: Float32Array.of(1 + seed / 4) }, scalars: { T, eps } };
  },
  flops: (s) => 12 * s.b * s.n,
  bytes: (s) => 12 * s.b * s.n,
  shapes: [
    ...([[1, 1], [7, 7], [63, 10], [65, 2], [257, 3], [64, 100]] as const).map(([b, n]) => ({ shape: { b, n } })),
    { shape: { b: 7000, n: 10 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 1e-4, atol: 1e-6 }),
  describeShape: (s) => `[${s.b}x${s.n}]`,
};

const ROW_WG = 64;

export const distillForwardKernel: KernelDeclaration<DistillShape> = {
  name: 'distill-forward',
  summary: "LwF's distillation loss per row (−Σ q log o, o the eps-smoothed p) and the row stats its backward needs",
  kind: 'forward',
  bindings: [
    PARAMS,
    { name: 'logits', binding: 1, access: 'read', type: 'f32' },
    { name: 'oldLogits', binding: 2, access: 'read', type: 'f32' },
    { name: 'stats', binding: 3, access: 'read_write', type: 'f32' },
    { name: 'rowLoss', binding: 4, access: 'read_write', type: 'f32' },
  ],
  params: distillBackwardKernel.params,
  paramValues: (s, { T, eps }) => ({ B: s.b, N: s.n, inv_t: 1 / T!, eps: eps! }),
  ...elementwiseParts<DistillShape>((s) => s.b),
  space: { wg: { values: [1, 32, 64, 128], default: ROW_WG, doc: 'rows per workgroup' } },
  heuristic: () => ({ wg: ROW_WG }),
  // The default workgroup size is the shader's own, so the built-in pipeline is compiled without constants.
  shader: (spec) => ({ name: 'distill_forward', constants: Number(spec.wg) === ROW_WG ? {} : { WG: Number(spec.wg) } as Record<string, number> }),
  sizes: (s) => ({ logits: s.b * s.n, oldLogits: s.b * s.n, stats: 3 * s.b, rowLoss: s.b }),
  reference: ({ shape: s, inputs, scalars }) => distillRows(inputs.logits!, inputs.oldLogits!, s.b, s.n, scalars.T!, scalars.eps!),
  generate: (s, seed) => ({
    shape: s,
    inputs: { logits: seededFloats(s.b * s.n, streamSeed(seed, 1), -3, 3), oldLogits: seededFloats(s.b * s.n, streamSeed(seed, 2), -3, 3) },
    scalars: { T: 2, eps: seed % 2 ? 0 : 1e-3 },
  }),
  flops: (s) => 20 * s.b * s.n,
  bytes: (s) => 8 * s.b * s.n,
  shapes: [
    ...([[1, 1], [7, 7], [63, 10], [65, 2], [257, 3], [64, 100]] as const).map(([b, n]) => ({ shape: { b, n } })),
    { shape: { b: 70000, n: 3 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 2e-5, atol: 2e-6 }),
  describeShape: (s) => `[${s.b}x${s.n}]`,
};
