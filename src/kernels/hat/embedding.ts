// The embedding's gradient (regulariser + compensation, shaders/hat_embedding_grad.wgsl) and its SGD step
// with the clamp (shaders/hat_embedding_step.wgsl), each fused kernel beside its unfused twin.
import { ShapeError } from '../../runtime/errors.ts';
import { empty, Tensor } from '../../tensor.ts';
import { binary, map, unary } from '../elementwise.ts';
import { sgdStep } from '../optim.ts';
import { runKernel } from '../registry.ts';
import { assertUnits, oneMinus } from './common.ts';

export interface EmbeddingGradOptions { s: number; smax: number; c: number; regDenominator: number }

function checkEmbeddingGrad(op: string, e: Tensor, dERaw: Tensor, prev: Tensor | null, o: EmbeddingGradOptions): void {
  e.assertAlive(op);
  assertUnits(op, dERaw, e.size, 'dERaw');
  assertUnits(op, prev, e.size, 'prev');
  if (!(o.s > 0) || !(o.smax > 0)) throw new RangeError(`${op}: s and smax must be positive, got ${o.s}, ${o.smax}`);
  if (!(o.regDenominator > 0)) throw new RangeError(`${op}: regDenominator must be positive, got ${o.regDenominator}`);
}

/**
 * e's gradient: g = dERaw + c·s·a·σ(−s·e)·(1 − prev)/regDenominator (σ(−s·e) is 1 − a, exact where the
 * gate saturates), then
 * g *= smax/s · (cosh(clamp(s·e, −50, 50)) + 1)/(cosh(e) + 1); one elementwise kernel.
 */
export function hatEmbeddingGrad(e: Tensor, dERaw: Tensor, prev: Tensor | null, o: EmbeddingGradOptions): Tensor {
  checkEmbeddingGrad('hatEmbeddingGrad', e, dERaw, prev, o);
  const out = empty(e.engine, e.shape, 'f32', 'hat embedding grad');
  runKernel(e.engine, 'embedding-grad', {
    label: `hat embedding grad [${e.size}]`,
    shape: { count: e.size, hasPrev: prev !== null },
    buffers: { embedding: e.buffer, deRaw: dERaw.buffer, prev: (prev ?? e).buffer, out: out.buffer },
    scalars: { s: o.s, smax: o.smax, c: o.c, regDenominator: o.regDenominator },
  });
  return out;
}

/** The same from primitives (affine, sigmoid, mul, addScaled, div, unary maps for cosh). */
export function hatEmbeddingGradUnfused(e: Tensor, dERaw: Tensor, prev: Tensor | null, o: EmbeddingGradOptions): Tensor {
  checkEmbeddingGrad('hatEmbeddingGradUnfused', e, dERaw, prev, o);
  const se = unary('affine', e, o.s, 0);
  const a = unary('sigmoid', se);
  // 1 − a as σ(−s·e): 1.0 − a rounds to 0 once the gate saturates (s·e past ≈ 16.6).
  const minusSe = unary('affine', e, -o.s, 0);
  const oneMinusA = unary('sigmoid', minusSe);
  minusSe.dispose();
  let slope = binary('mul', a, oneMinusA);
  a.dispose();
  oneMinusA.dispose();
  if (prev) {
    const free = oneMinus(prev);
    const t = binary('mul', slope, free);
    free.dispose();
    slope.dispose();
    slope = t;
  }
  const g = binary('addScaled', dERaw, slope, o.c * o.s / o.regDenominator);
  slope.dispose();
  const num = map('cosh clamp', 'cosh(clamp(x, -50.0, 50.0)) + 1.0', se);
  se.dispose();
  const den = map('cosh', 'cosh(x) + 1.0', e);
  const ratio = binary('div', num, den);
  num.dispose();
  den.dispose();
  const comp = binary('mul', g, ratio);
  g.dispose();
  ratio.dispose();
  const out = unary('affine', comp, o.smax / o.s, 0);
  comp.dispose();
  return out;
}

/**
 * The global-norm clip factor c of a step: a [1] tensor holding c itself, or the global gradient norm
 * (e.g. gradNorm() of src/kernels/optim.ts) with c = min(1, maxNorm / (norm + 1e-6)) as sgdStep does; null: 1.
 */
export type ClipScale = Tensor | { norm: Tensor; maxNorm: number } | null;

function clipTensor(clip: ClipScale): Tensor | null {
  return clip === null ? null : clip instanceof Tensor ? clip : clip.norm;
}

function checkStep(op: string, e: Tensor, grad: Tensor, clip: ClipScale): void {
  e.assertAlive(op);
  assertUnits(op, grad, e.size, 'grad');
  const t = clipTensor(clip);
  if (t && t.size !== 1) throw new ShapeError(op, `the clip tensor must have 1 element, got [${t.shape.join(', ')}]`);
  t?.assertAlive(op);
}

/** In place: e = clamp(e − lr · c · grad, −clampTo, clampTo), c the clip factor read on the GPU (see ClipScale). */
export function hatEmbeddingStep(e: Tensor, grad: Tensor, lr: number, clipScale: ClipScale, clampTo = 6): void {
  checkStep('hatEmbeddingStep', e, grad, clipScale);
  const t = clipTensor(clipScale);
  const mode = clipScale === null ? 0 : clipScale instanceof Tensor ? 1 : 2;
  runKernel(e.engine, 'embedding-step', {
    label: `hat embedding step [${e.size}]`,
    shape: { count: e.size, clipMode: mode },
    buffers: { embedding: e.buffer, grad: grad.buffer, clip: (t ?? grad).buffer },
    scalars: { lr, bound: clampTo, maxNorm: mode === 2 ? (clipScale as { maxNorm: number }).maxNorm : 0 },
  });
}

/** The same from primitives: (× clip factor), the SGD step kernel, clamp, copy back. */
export function hatEmbeddingStepUnfused(e: Tensor, grad: Tensor, lr: number, clipScale: ClipScale, clampTo = 6): void {
  checkStep('hatEmbeddingStepUnfused', e, grad, clipScale);
  if (clipScale instanceof Tensor) {
    const scaled = binary('mul', grad, clipScale);
    sgdStep(e, scaled, lr);
    scaled.dispose();
  } else {
    sgdStep(e, grad, lr, clipScale ?? undefined);
  }
  const clamped = unary('clamp', e, -clampTo, clampTo);
  e.engine.copy(clamped.buffer, e.buffer, e.bytes, 'hat embedding clamp');
  clamped.dispose();
}
