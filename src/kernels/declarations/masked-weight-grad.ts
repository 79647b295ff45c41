// HAT's conditioned weight gradient of a linear layer as one GEMM ('tn'):
// dW [out, in] = (dzᵀ x) · (1 − min(post[i], pre[⌊j / preRepeat⌋])), the mask in the epilogue
// (shaders/epilogue_hat_wgrad.wgsl); without pre (the first gated layer) the factor is 1 − post[i].
import { linearWeightGradRef } from '../reference/hat.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { gemmSweep, matmulDeclaration, type MatmulShape } from './matmul-family.ts';

/** m = out units, n = in features, k = batch; form is always 'tn'. */
export interface MaskedWeightGradShape extends MatmulShape { form: 'tn'; pre: boolean; preRepeat: number }

export const maskedWeightGradKernel = matmulDeclaration<MaskedWeightGradShape>({
  name: 'masked-weight-grad',
  summary: 'dW = (dzᵀ x) · (1 − min(post[i], pre[j / preRepeat])), one GEMM with the HAT conditioning epilogue',
  kind: 'gradient',
  operands: ['dz', 'x', 'dw'],
  epilogue: 'epilogue_hat_wgrad',
  extraBindings: [
    { name: 'post', binding: 4, access: 'read', type: 'f32' },
    { name: 'pre', binding: 5, access: 'read', type: 'f32' },
  ],
  extraSizes: (s) => ({ post: s.m, pre: s.pre ? s.n / s.preRepeat : s.m }),
  constants: (s) => ({ HAT_PRE: s.pre, HAT_REPEAT: s.pre && s.preRepeat > 1 }),
  epi: (s) => ({ u: [s.preRepeat, 0, 0, 0] }),
  generateExtra: (s, seed) => ({
    inputs: { post: seededFloats(s.m, streamSeed(seed, 3), 0, 1), pre: s.pre ? seededFloats(s.n / s.preRepeat, streamSeed(seed, 4), 0, 1) : seededFloats(s.m, streamSeed(seed, 4), 0, 1) },
    scalars: {},
  }),
  reference: ({ shape: s, inputs }) => ({ dw: linearWeightGradRef(inputs.dz!, inputs.x!, inputs.post!, s.pre ? inputs.pre! : null, s.preRepeat, s.k, s.m, s.n) }),
  shapes: [
    ...gemmSweep((m, n, k) => ({ form: 'tn' as const, m, n, k, pre: true, preRepeat: 1 })),
    { shape: { form: 'tn', m: 63, n: 65, k: 7, pre: false, preRepeat: 1 } },
    { shape: { form: 'tn', m: 20, n: 100, k: 9, pre: true, preRepeat: 25 }, why: 'a layer fed by a flattened conv output' },
  ],
  unfusedTwin: 'hat.hatLinearWeightGradUnfused',
  variants: ['pre and post masks', 'post mask only', 'pre mask repeated (flattened conv input)'],
  describe: (s) => `${s.m}x${s.n}x${s.k}${s.pre ? (s.preRepeat > 1 ? ` pre×${s.preRepeat}` : '') : ' post only'}`,
});
