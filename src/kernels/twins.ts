// The unfused twins as runnable work: for each fused kernel that has one, how to run its twin (the same
// computation from the GEMM/conv kernels without the HAT epilogue plus elementwise passes) on a problem
// the fused kernel's declaration generated. With it, checkKernel compares a fused kernel with its twin on
// the same inputs ({ against: 'unfused' }), and the kernel lab times a kernel against its twin
// (`kernel bench --against builtin,unfused`). The declaration names its twin (`unfusedTwin`); this table
// cannot live in the declaration because the twins dispatch through the declarations.
import type { Engine } from '../runtime/engine.ts';
import { tensor, type Tensor } from '../tensor.ts';
import type { KernelDeclaration, Problem } from './declaration.ts';
import { NoUnfusedTwinError } from './errors.ts';
import * as hat from './hat.ts';
import { adahatAdjustUnfused, adahatSummativeUpdateUnfused } from './adahat.ts';
import type { GatedMatmulShape } from './declarations/gated-matmul.ts';
import type { MaskedWeightGradShape } from './declarations/masked-weight-grad.ts';
import type { GatedConvShape } from './declarations/conv2d.ts';
import type { ConvWeightGradShape } from './declarations/conv2d-weight-grad.ts';
import type { GateBackwardShape, MaskUpdateShape } from './declarations/gate-backward.ts';
import type { EmbeddingGradShape, EmbeddingStepShape } from './declarations/embedding.ts';
import type { RegularizerLayerShape } from './declarations/regularizer.ts';
import type { AdahatAdjustShape, AdahatSummativeShape } from './declarations/adahat.ts';

export interface UnfusedTwin<Shape = any> {
  /**
   * Whether the twin computes this shape's problem: the plain (ungated) variants have no twin, and the
   * regulariser's twin sums whole networks, so only one-layer problems (first and last) are its.
   */
  serves(shape: Shape): boolean;
  /** The problem's inputs as tensors of the shapes the twin takes (made once: a benchmark reuses them). */
  inputs(engine: Engine, problem: Problem<Shape>): Record<string, Tensor>;
  /**
   * Records the twin on those inputs (nothing is submitted) and returns its results under the fused
   * kernel's output binding names; an in-place twin returns the input it updated.
   */
  run(inputs: Record<string, Tensor>, problem: Problem<Shape>): Record<string, Tensor>;
}

/** Each named input of the problem as a tensor of the given shape. */
function tensorsOf(engine: Engine, problem: Problem<unknown>, shapes: Record<string, readonly number[]>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const data = problem.inputs[name];
    if (!data) throw new RangeError(`unfused twin: the problem has no input ${name}`);
    const size = shape.reduce((a, b) => a * b, 1);
    out[name] = tensor(engine, data.subarray(0, size), shape, undefined, `twin ${name}`);
  }
  return out;
}

const dropoutOf = (scalars: Record<string, number>): hat.Dropout => ({ p: scalars.p ?? 0, seed: scalars.seed ?? 0 });

const gatedMatmul: UnfusedTwin<GatedMatmulShape> = {
  serves: (s) => s.gated,
  inputs: (engine, problem) => {
    const s = problem.shape;
    return tensorsOf(engine, problem, { x: [s.m, s.k], w: [s.n, s.k], bias: [s.n], embedding: [s.n] });
  },
  run: (t, { scalars }) => ({ h: hat.hatLinearForwardUnfused(t.x!, t.w!, t.bias!, { embedding: t.embedding!, s: scalars.s! }, dropoutOf(scalars)) }),
};

// 'tn': dz [batch = k, out = m], x [batch = k, in = n] → dw [m, n].
const maskedWeightGrad: UnfusedTwin<MaskedWeightGradShape> = {
  serves: () => true,
  inputs: (engine, problem) => {
    const s = problem.shape;
    return tensorsOf(engine, problem, { dz: [s.k, s.m], x: [s.k, s.n], post: [s.m], ...(s.pre ? { pre: [s.n / s.preRepeat] } : {}) });
  },
  run: (t, { shape: s }) => ({ dw: hat.hatLinearWeightGradUnfused(t.dz!, t.x!, t.post!, s.pre ? t.pre! : null, s.preRepeat) }),
};

const gatedConv: UnfusedTwin<GatedConvShape> = {
  serves: (s) => s.gated,
  inputs: (engine, problem) => {
    const s = problem.shape;
    return tensorsOf(engine, problem, { x: [s.n, s.c, s.h, s.w], w: [s.o, s.c, s.kh, s.kw], bias: [s.o], embedding: [s.o] });
  },
  run: (t, { shape: s, scalars }) => ({
    y: hat.hatConvForwardUnfused(t.x!, t.w!, t.bias!, { embedding: t.embedding!, s: scalars.s! }, dropoutOf(scalars), { stride: [s.sh, s.sw], padding: [s.ph, s.pw] }),
  }),
};

const maskedConvWeightGrad: UnfusedTwin<ConvWeightGradShape> = {
  serves: () => true,
  inputs: (engine, problem) => {
    const s = problem.shape;
    return tensorsOf(engine, problem, { dy: [s.n, s.o, s.oh, s.ow], x: [s.n, s.c, s.h, s.w], post: [s.o], ...(s.mask === 'pre' ? { pre: [s.c] } : {}) });
  },
  run: (t, { shape: s }) => ({
    dw: hat.hatConvWeightGradUnfused(t.dy!, t.x!, s.mask === 'none' ? null : t.post!, s.mask === 'pre' ? t.pre! : null, { stride: [s.sh, s.sw], padding: [s.ph, s.pw], kernel: [s.kh, s.kw] }),
  }),
};

const gateBackward: UnfusedTwin<GateBackwardShape> = {
  serves: (s) => s.gated,
  inputs: (engine, problem) => {
    const s = problem.shape;
    const out = s.inner > 1 ? [s.outer, s.units, s.inner] : [s.outer, s.units];
    return tensorsOf(engine, problem, { g: out, h: out, embedding: [s.units], post: [s.units] });
  },
  run: (t, { shape: s, scalars }) => {
    const r = hat.hatGateBackwardUnfused(t.g!, t.h!, { embedding: t.embedding!, s: scalars.s! }, scalars.p ?? 0, s.hasPost ? t.post! : null, s.inner);
    return { dz: r.dz, dEmbedding: r.dEmbedding, dBias: r.dBias };
  },
};

const maskUpdate: UnfusedTwin<MaskUpdateShape> = {
  serves: () => true,
  inputs: (engine, problem) => tensorsOf(engine, problem, { prev: [problem.shape.count], embedding: [problem.shape.count] }),
  run: (t, { scalars }) => { hat.hatMaskUpdateUnfused(t.prev!, t.embedding!, scalars.smax!); return { prev: t.prev! }; },
};

const embeddingGrad: UnfusedTwin<EmbeddingGradShape> = {
  serves: () => true,
  inputs: (engine, problem) => tensorsOf(engine, problem, { embedding: [problem.shape.count], deRaw: [problem.shape.count], prev: [problem.shape.count] }),
  run: (t, { shape: s, scalars }) => ({
    out: hat.hatEmbeddingGradUnfused(t.embedding!, t.deRaw!, s.hasPrev ? t.prev! : null, { s: scalars.s!, smax: scalars.smax!, c: scalars.c!, regDenominator: scalars.regDenominator! }),
  }),
};

const embeddingStep: UnfusedTwin<EmbeddingStepShape> = {
  serves: () => true,
  inputs: (engine, problem) => tensorsOf(engine, problem, { embedding: [problem.shape.count], grad: [problem.shape.count], clip: [1] }),
  run: (t, { shape: s, scalars }) => {
    // The clip modes of the kernel: none, a scale factor, or a norm clipped to maxNorm.
    const clip: hat.ClipScale = s.clipMode === 0 ? null : s.clipMode === 1 ? t.clip! : { norm: t.clip!, maxNorm: scalars.maxNorm! };
    hat.hatEmbeddingStepUnfused(t.embedding!, t.grad!, scalars.lr!, clip, scalars.bound ?? 6);
    return { embedding: t.embedding! };
  },
};

const regularizerLayer: UnfusedTwin<RegularizerLayerShape> = {
  serves: (s) => s.first && s.last,
  inputs: (engine, problem) => tensorsOf(engine, problem, { embedding: [problem.shape.count], prev: [problem.shape.count] }),
  run: (t, { shape: s, scalars }) => ({ out: hat.hatRegularizerUnfused([{ embedding: t.embedding!, prev: s.hasPrev ? t.prev! : null }], scalars.s!) }),
};

const adahatAdjust: UnfusedTwin<AdahatAdjustShape> = {
  serves: () => true,
  inputs: (engine, problem) => {
    const s = problem.shape;
    return tensorsOf(engine, problem, { grad: [s.units, s.pre * s.repeat], sumPost: [s.units], ...(s.hasPre ? { sumPre: [s.pre] } : {}), ...(s.hasSparsity ? { sparsity: [1] } : {}) });
  },
  run: (t, { shape: s, scalars }) => ({
    grad: adahatAdjustUnfused(t.grad!, { post: t.sumPost!, pre: s.hasPre ? t.sumPre! : null }, { alpha: scalars.alpha!, epsilon: scalars.epsilon!, sparsity: s.hasSparsity ? t.sparsity! : null }),
  }),
};

const adahatSummativeUpdate: UnfusedTwin<AdahatSummativeShape> = {
  serves: () => true,
  inputs: (engine, problem) => tensorsOf(engine, problem, { sum: [problem.shape.count], embedding: [problem.shape.count] }),
  run: (t) => { adahatSummativeUpdateUnfused(t.sum!, t.embedding!); return { sum: t.sum! }; },
};

/** By kernel name: every built-in kernel whose declaration names an unfused twin has its runner here (a test keeps it so). */
export const UNFUSED_TWINS: Readonly<Record<string, UnfusedTwin>> = {
  'gated-matmul': gatedMatmul,
  'masked-weight-grad': maskedWeightGrad,
  'gated-conv2d': gatedConv,
  'masked-conv-weight-grad': maskedConvWeightGrad,
  'gate-backward': gateBackward,
  'mask-update': maskUpdate,
  'embedding-grad': embeddingGrad,
  'embedding-step': embeddingStep,
  'regularizer-layer': regularizerLayer,
  'adahat-adjust': adahatAdjust,
  'adahat-summative-update': adahatSummativeUpdate,
};

/** The runnable twin of a declaration (its name is the declaration's `unfusedTwin`); NoUnfusedTwinError if it has none. */
export function unfusedTwinOf<Shape>(decl: KernelDeclaration<Shape>): UnfusedTwin<Shape> & { name: string } {
  const twin = UNFUSED_TWINS[decl.name];
  if (!twin || !decl.unfusedTwin) throw new NoUnfusedTwinError(decl.name, Object.keys(UNFUSED_TWINS));
  return { ...twin, name: decl.unfusedTwin };
}
