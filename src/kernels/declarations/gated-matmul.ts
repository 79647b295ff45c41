// HAT's gated linear forward as one GEMM ('nt'): h = dropout(relu(x Wᵀ + b)) · σ(s·e), the bias, ReLU,
// dropout and gate in the epilogue (shaders/epilogue_hat_linear.wgsl). gated = false is the same layer
// without HAT (the plain network's layer and the control HAT's overhead is measured against).
import { linearForwardRef } from '../reference/hat.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { gemmSweep, gemmTolerance, matmulDeclaration, type MatmulShape } from './matmul-family.ts';

/** m = batch, n = units (out), k = features (in); form is always 'nt'. */
export interface GatedMatmulShape extends MatmulShape { form: 'nt'; gated: boolean }

export const gatedMatmulKernel = matmulDeclaration<GatedMatmulShape>({
  name: 'gated-matmul',
  summary: 'h [B, out] = dropout(relu(x Wᵀ + b)) · σ(s·e), one GEMM with the HAT epilogue',
  kind: 'forward',
  operands: ['x', 'w', 'h'],
  epilogue: 'epilogue_hat_linear',
  epilogueAppend: ['hat_common', 'dropout_hash'],
  extraBindings: [
    { name: 'bias', binding: 4, access: 'read', type: 'f32' },
    { name: 'embedding', binding: 5, access: 'read', type: 'f32' },
  ],
  extraSizes: (s) => ({ bias: s.n, embedding: s.n }),
  constants: (s): Record<string, boolean> => (s.gated ? {} : { GATED: false }),
  // epi_f = (s, p, 1/(1−p), 0), epi_u = (seed, dropout on, 0, 0).
  epi: (_s, { s, p = 0, seed = 0 }) => ({ f: [s ?? 1, p, p > 0 ? 1 / (1 - p) : 1, 0], u: [seed >>> 0, p > 0 ? 1 : 0, 0, 0] }),
  generateExtra: (s, seed) => ({
    inputs: { bias: seededFloats(s.n, streamSeed(seed, 3)), embedding: seededFloats(s.n, streamSeed(seed, 4), -3, 3) },
    // Every other seed drops, so both epilogue paths are checked.
    scalars: { s: 1 + (seed % 7), p: seed % 2 === 1 ? 0.25 : 0, seed: streamSeed(seed, 5) },
  }),
  reference: ({ shape: sh, inputs, scalars }) => {
    const e = sh.gated ? inputs.embedding! : new Float32Array(sh.n).fill(Infinity);
    return { h: linearForwardRef(inputs.x!, inputs.w!, inputs.bias!, e, sh.gated ? scalars.s! : 1, scalars.p ?? 0, scalars.seed ?? 0, sh.m, sh.k, sh.n) };
  },
  shapes: [
    ...gemmSweep((m, n, k) => ({ form: 'nt' as const, m, n, k, gated: true })),
    { shape: { form: 'nt', m: 65, n: 63, k: 20, gated: false } },
  ],
  // The gate and dropout scale add a rounding or two on top of the GEMM's.
  tolerance: (s) => { const t = gemmTolerance(s); return { rtol: t.rtol + 1e-6, atol: t.atol }; },
  unfusedTwin: 'hat.hatLinearForwardUnfused',
  variants: ['gated', 'plain (gated = false)'],
  describe: (s) => `${s.m}x${s.n}x${s.k}${s.gated ? '' : ' plain'}`,
});
