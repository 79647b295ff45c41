// The plain GEMM, C = op(A)·op(B) in the three forms (nn, nt, tn), and the GEMM with bias (+ ReLU).
import { matmulRef } from '../reference/matmul.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { gemmSweep, matmulDeclaration, type MatmulShape } from './matmul-family.ts';
import type { MatmulForm } from '../matmul-variants.ts';

const FORMS: readonly MatmulForm[] = ['nn', 'nt', 'tn'];

export const matmulKernel = matmulDeclaration<MatmulShape>({
  name: 'matmul',
  summary: 'C = op(A)·op(B): nn (backward dX), nt (forward), tn (weight gradient)',
  kind: 'forward',
  operands: ['a', 'b', 'c'],
  epilogue: 'epilogue_none',
  reference: ({ shape: s, inputs }) => ({ c: matmulRef(s.form, inputs.a!, inputs.b!, s.m, s.n, s.k) }),
  shapes: FORMS.flatMap((form) => gemmSweep((m, n, k) => ({ form, m, n, k }))),
  variants: FORMS,
});

export interface BiasReluShape extends MatmulShape { relu: boolean }

export const matmulBiasReluKernel = matmulDeclaration<BiasReluShape>({
  name: 'matmul-bias-relu',
  summary: 'C = op(A)·op(B) + bias[col], then ReLU when relu',
  kind: 'forward',
  operands: ['a', 'b', 'c'],
  epilogue: 'epilogue_bias_relu',
  extraBindings: [{ name: 'bias', binding: 4, access: 'read', type: 'f32' }],
  extraSizes: (s) => ({ bias: s.n }),
  constants: (s) => ({ RELU: s.relu }),
  generateExtra: (s, seed) => ({ inputs: { bias: seededFloats(s.n, streamSeed(seed, 3)) }, scalars: {} }),
  reference: ({ shape: s, inputs }) => {
    const bias = inputs.bias!;
    return { c: matmulRef(s.form, inputs.a!, inputs.b!, s.m, s.n, s.k).map((v, i) => (s.relu ? Math.max(v + bias[i % s.n]!, 0) : v + bias[i % s.n]!)) };
  },
  shapes: FORMS.flatMap((form) => gemmSweep((m, n, k) => ({ form, m, n, k, relu: (m + n) % 2 === 0 }))),
  variants: ['relu', 'bias only'],
  describe: (s) => `${s.form} ${s.m}x${s.n}x${s.k}${s.relu ? ' relu' : ''}`,
});
