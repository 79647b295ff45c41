// The backward of the fused softmax cross-entropy (shaders/softmax_cross_entropy_backward.wgsl, framed by
// the softmax_rows_backward snippet it shares with the distillation backward):
// dx[b, j] = (exp(x[b, j] − lse[b]) − [j = y[b]]) · g[0] / B.
import type { KernelDeclaration } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

export interface SoftmaxRowsShape { b: number; n: number }

const WG_DEFAULT = 256;

/** log Σ exp of each row, in float64. */
function logSumExp(x: ArrayLike<number>, b: number, n: number): Float64Array {
  return Float64Array.from({ length: b }, (_, r) => {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, x[r * n + j]!);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(x[r * n + j]! - max);
    return max + Math.log(sum);
  });
}

export const softmaxCrossEntropyBackwardKernel: KernelDeclaration<SoftmaxRowsShape> = {
  name: 'softmax-cross-entropy-backward',
  summary: 'dLogits = (softmax(x) − onehot(y)) / B · g[0], from the forward\'s saved log-sum-exp',
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'logits', binding: 1, access: 'read', type: 'f32' },
    { name: 'labels', binding: 2, access: 'read', type: 'i32' },
    { name: 'lse', binding: 3, access: 'read', type: 'f32' },
    { name: 'gradOut', binding: 4, access: 'read', type: 'f32' },
    { name: 'dx', binding: 5, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'B', type: 'u32' }, { name: 'N', type: 'u32' }],
  paramValues: (sh) => ({ B: sh.b, N: sh.n }),
  space: { wg: { values: [1, 64, 128, 256], default: WG_DEFAULT, doc: 'invocations per workgroup' } },
  // The default workgroup size is the shader's own, so the built-in pipeline is compiled without constants.
  shader: (spec) => ({ name: 'softmax_cross_entropy_backward', constants: Number(spec.wg) === WG_DEFAULT ? {} : { WG: Number(spec.wg) } as Record<string, number> }),
  heuristic: () => ({ wg: WG_DEFAULT }),
  shapeClass: () => 'any',
  workgroups: (sh, spec) => foldGrid(Math.ceil((sh.b * sh.n) / Number(spec.wg))),
  sizes: (sh) => ({ logits: sh.b * sh.n, labels: sh.b, lse: sh.b, gradOut: 1, dx: sh.b * sh.n }),
  reference: ({ shape: sh, inputs }) => {
    const x = inputs.logits!, y = inputs.labels!, g = inputs.gradOut![0]!;
    const lse = logSumExp(x, sh.b, sh.n);
    return { dx: Float64Array.from(x, (v, i) => { const r = Math.floor(i / sh.n); return (Math.exp(v - lse[r]!) - (i % sh.n === y[r] ? 1 : 0)) * g / sh.b; }) };
  },
  generate: (sh, seed) => {
    const logits = seededFloats(sh.b * sh.n, streamSeed(seed, 1), -4, 4);
    const labels = Int32Array.from(seededFloats(sh.b, streamSeed(seed, 2), 0, sh.n), Math.floor);
    return { shape: sh, inputs: { logits, labels, lse: Float32Array.from(logSumExp(logits, sh.b, sh.n)), gradOut: Float32Array.of(0.5 + seed) }, scalars: {} };
  },
  flops: (sh) => 5 * sh.b * sh.n,
  bytes: (sh) => 8 * sh.b * sh.n,
  shapes: [
    ...([[1, 1], [7, 7], [63, 10], [65, 2], [257, 3], [64, 100]] as const).map(([b, n]) => ({ shape: { b, n } })),
    // One invocation a workgroup: 70,000 elements give 70,000 workgroups.
    { shape: { b: 7000, n: 10 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 2e-5, atol: 1e-7 }),
  describeShape: (sh) => `[${sh.b}x${sh.n}]`,
};

const ROW_WG_DEFAULT = 64;

export const softmaxCrossEntropyKernel: KernelDeclaration<SoftmaxRowsShape> = {
  name: 'softmax-cross-entropy',
  summary: 'per row of logits [B, N]: lse = logsumexp (max-subtracted), rowLoss = lse − x[label]; one invocation per row',
  kind: 'forward',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'logits', binding: 1, access: 'read', type: 'f32' },
    { name: 'labels', binding: 2, access: 'read', type: 'i32' },
    { name: 'lse', binding: 3, access: 'read_write', type: 'f32' },
    { name: 'rowLoss', binding: 4, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'B', type: 'u32' }, { name: 'N', type: 'u32' }],
  paramValues: (sh) => ({ B: sh.b, N: sh.n }),
  space: { wg: { values: [1, 32, 64, 128], default: ROW_WG_DEFAULT, doc: 'rows per workgroup' } },
  // The default workgroup size is the shader's own, so the built-in pipeline is compiled without constants.
  shader: (spec) => ({ name: 'softmax_cross_entropy', constants: Number(spec.wg) === ROW_WG_DEFAULT ? {} : { WG: Number(spec.wg) } as Record<string, number> }),
  heuristic: () => ({ wg: ROW_WG_DEFAULT }),
  shapeClass: () => 'any',
  workgroups: (sh, spec) => foldGrid(Math.ceil(sh.b / Number(spec.wg))),
  sizes: (sh) => ({ logits: sh.b * sh.n, labels: sh.b, lse: sh.b, rowLoss: sh.b }),
  reference: ({ shape: sh, inputs }) => {
    const lse = logSumExp(inputs.logits!, sh.b, sh.n);
    return { lse, rowLoss: lse.map((v, r) => v - inputs.logits![r * sh.n + inputs.labels![r]!]!) };
  },
  generate: (sh, seed) => ({
    shape: sh,
    inputs: { logits: seededFloats(sh.b * sh.n, streamSeed(seed, 1), -4, 4), labels: Int32Array.from(seededFloats(sh.b, streamSeed(seed, 2), 0, sh.n), Math.floor) },
    scalars: {},
  }),
  flops: (sh) => 4 * sh.b * sh.n,
  bytes: (sh) => 4 * (sh.b * sh.n + 3 * sh.b),
  shapes: [
    ...([[1, 1], [7, 7], [63, 10], [65, 2], [257, 3], [64, 100]] as const).map(([b, n]) => ({ shape: { b, n } })),
    // One row a workgroup: 70,000 rows give 70,000 workgroups.
    { shape: { b: 70000, n: 3 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 1e-5, atol: 1e-6 }),
  describeShape: (sh) => `[${sh.b}x${sh.n}]`,
};
