// Bindings of the kernels the baseline approaches need (shaders/ewc_*, distill_*, imm_*):
// Fisher accumulation, the quadratic penalty of EWC / IMM's L2 transfer / LFL with its gradient, LwF's
// distillation loss, and IMM's mean and mode merges. src/approaches/ says which approach uses which.
import { ShapeError } from '../runtime/errors.ts';
import { empty, type Tensor } from '../tensor.ts';
import { axpy } from './elementwise.ts';
import { meanAll, REDUCE_SPECS, reduceView } from './reduce.ts';
import { runKernel } from './registry.ts';

const WG = 256;

function sameSize(op: string, a: Tensor, b: Tensor): void {
  a.assertAlive(op);
  b.assertAlive(op);
  if (a.size !== b.size) throw new ShapeError(op, `[${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ in size`);
}

// ---------------------------------------------------------------------------------------------- Fisher

/**
 * fisher = beta·fisher + alpha·grad², in place. For the empirical Fisher of a task, call it after each
 * batch's backward of the mean loss with alpha = batchSize / N (N = training samples of the task).
 */
export function fisherAccumulate(fisher: Tensor, grad: Tensor, alpha: number, beta = 1): void {
  sameSize('fisherAccumulate', fisher, grad);
  runKernel(fisher.engine, 'ewc-fisher', { label: `fisherAccumulate [${fisher.shape.join('x')}]`, shape: { count: fisher.size }, buffers: { grad: grad.buffer, fisher: fisher.buffer }, scalars: { alpha, beta } });
}

/**
 * EWC's merge of the Fisher over tasks, in place: fisherOld = (t·fisherOld + fisherNew) / (t + 1) after
 * task t (0-based; the reference's running mean, so every task weighs the same).
 */
export function fisherMerge(fisherOld: Tensor, fisherNew: Tensor, t: number): void {
  sameSize('fisherMerge', fisherOld, fisherNew);
  axpy(fisherOld, fisherNew, 1 / (t + 1), t / (t + 1));
}

// --------------------------------------------------------------------------------- quadratic penalty

/** One tensor's share of a quadratic penalty: w·(theta − anchor)², w = fisher (EWC) or 1 (fisher null). */
export interface PenaltyTerm {
  theta: Tensor;
  anchor: Tensor;
  /** Per-element weight (EWC's Fisher); null or omitted: 1 (IMM's L2 transfer, LFL). */
  fisher?: Tensor | null;
  /** With `addGrad`: receives += lambda·w·(theta − anchor), in place. */
  grad?: Tensor | null;
}

type GradMode = 'none' | 'add' | 'out';

function penaltyDispatch(term: PenaltyTerm, lambda: number, mode: GradMode, partials: Tensor | null, partialOffset: number, extra: { gradOut?: Tensor; dx?: Tensor }): void {
  const { theta, anchor } = term;
  sameSize('quadraticPenalty', theta, anchor);
  if (term.fisher) sameSize('quadraticPenalty', theta, term.fisher);
  const buffers: Record<string, GPUBuffer> = { theta: theta.buffer, anchor: anchor.buffer };
  if (term.fisher) buffers.fisher = term.fisher.buffer;
  if (mode === 'add') {
    if (!term.grad) throw new Error(`quadraticPenalty: no gradient tensor to add into for [${theta.shape.join(', ')}] (${theta.label})`);
    sameSize('quadraticPenalty', theta, term.grad);
    buffers.grad = term.grad.buffer;
  } else if (mode === 'out') {
    buffers.grad_out = extra.gradOut!.buffer;
    buffers.dx = extra.dx!.buffer;
  }
  if (partials) buffers.partials = partials.buffer;
  runKernel(theta.engine, 'quadratic-penalty', {
    label: `quadraticPenalty${term.fisher ? ' (fisher)' : ''}${mode === 'none' ? '' : ` grad ${mode}`} [${theta.shape.join('x')}]`,
    shape: { count: theta.size, fisher: Boolean(term.fisher), grad: mode, partials: partials !== null, offset: partialOffset },
    buffers, scalars: { lambda },
  });
}

/**
 * (lambda / 2) · Σ over terms Σ_i w_i (theta_i − anchor_i)², shape [1], from one kernel per term
 * (partial sums of 256 elements) and one deterministic reduction of every partial. With `addGrad`,
 * the same kernels add lambda·w·(theta − anchor) into each term's `grad` in place (call it after
 * backward(), before clipping: the penalty is part of the loss).
 */
export function quadraticPenalty(terms: readonly PenaltyTerm[], lambda: number, { addGrad = false } = {}): Tensor {
  if (terms.length === 0) throw new Error('quadraticPenalty: no terms');
  const engine = terms[0]!.theta.engine;
  const counts = terms.map((t) => Math.ceil(t.theta.size / WG));
  const total = counts.reduce((a, b) => a + b, 0);
  const partials = empty(engine, [total], 'f32', 'penalty partials');
  let offset = 0;
  terms.forEach((term, k) => {
    penaltyDispatch(term, lambda, addGrad ? 'add' : 'none', partials, offset, {});
    offset += counts[k]!;
  });
  const out = empty(engine, [1], 'f32', 'penalty');
  reduceView(engine, REDUCE_SPECS.mean, { O: 1, A: 1, K: 1, C: total }, partials.buffer, out.buffer, 0, lambda / 2, 'penalty sum');
  partials.dispose();
  return out;
}

/** Only the gradient: each term's grad += lambda·w·(theta − anchor), in place (no penalty value). */
export function quadraticPenaltyAddGrad(terms: readonly PenaltyTerm[], lambda: number): void {
  for (const term of terms) penaltyDispatch(term, lambda, 'add', null, 0, {});
}

/** The backward of the penalty for one term: a new tensor gradOut[0]·lambda·w·(theta − anchor). */
export function quadraticPenaltyGrad(term: PenaltyTerm, lambda: number, gradOut: Tensor): Tensor {
  if (gradOut.size !== 1) throw new ShapeError('quadraticPenalty backward', `gradOut has ${gradOut.size} elements, not 1`);
  const dx = empty(term.theta.engine, term.theta.shape, 'f32', 'penalty grad');
  penaltyDispatch(term, lambda, 'out', null, 0, { gradOut, dx });
  return dx;
}

// ------------------------------------------------------------------------------------- distillation

export interface DistillationOptions {
  /** Temperature T (the reference: 1). */
  T?: number;
  /** The reference's smoothing of the new model's probabilities, (p + eps/N) / (1 + eps) (default 1e-5). */
  eps?: number;
}

function checkDistill(op: string, logits: Tensor, oldLogits: Tensor, T: number, eps: number): [number, number] {
  logits.assertAlive(op);
  oldLogits.assertAlive(op);
  const [B, N] = logits.dims2(op);
  const [B2, N2] = oldLogits.dims2(op);
  if (B !== B2 || N !== N2) throw new ShapeError(op, `logits [${B}, ${N}] and old logits [${B2}, ${N2}] differ`);
  if (!(T > 0)) throw new RangeError(`${op}: temperature must be > 0, got ${T}`);
  if (!(eps >= 0)) throw new RangeError(`${op}: eps must be ≥ 0, got ${eps}`);
  return [B, N];
}

export interface DistillationForward {
  /** Mean over the batch of the cross-entropy of the old model's soft targets, shape [1]. */
  loss: Tensor;
  /** [B, 3] per row: logsumexp of logits/T and of oldLogits/T, and Σ_j q_j p_j / (p_j + eps/N). */
  stats: Tensor;
}

/** LwF's distillation loss of one old head (forward): one kernel per row, then the batch mean. */
export function distillationForward(logits: Tensor, oldLogits: Tensor, { T = 1, eps = 1e-5 }: DistillationOptions = {}): DistillationForward {
  const [B, N] = checkDistill('distillation', logits, oldLogits, T, eps);
  const engine = logits.engine;
  const stats = empty(engine, [B, 3], 'f32', 'distill stats');
  const rowLoss = empty(engine, [B], 'f32', 'distill row loss');
  runKernel(engine, 'distill-forward', {
    label: `distillation [${B}x${N}] T${T}`, shape: { b: B, n: N }, scalars: { T, eps },
    buffers: { logits: logits.buffer, oldLogits: oldLogits.buffer, stats: stats.buffer, rowLoss: rowLoss.buffer },
  });
  const loss = meanAll(rowLoss);
  rowLoss.dispose();
  return { loss, stats };
}

/** Backward: dLogits = gradOut[0] / (B·T) · (p·S − r), one kernel (see distill_backward.wgsl). */
export function distillationBackward(logits: Tensor, oldLogits: Tensor, stats: Tensor, gradOut: Tensor, { T = 1, eps = 1e-5 }: DistillationOptions = {}): Tensor {
  const [B, N] = checkDistill('distillation backward', logits, oldLogits, T, eps);
  if (stats.size !== 3 * B || gradOut.size !== 1) throw new ShapeError('distillation backward', `stats [${stats.shape.join(', ')}] / gradOut [${gradOut.shape.join(', ')}] do not fit ${B} rows`);
  const engine = logits.engine;
  const dx = empty(engine, [B, N], 'f32', 'distill grad');
  runKernel(engine, 'distill-backward', {
    label: `distillation backward [${B}x${N}] T${T}`, shape: { b: B, n: N }, scalars: { T, eps },
    buffers: { logits: logits.buffer, oldLogits: oldLogits.buffer, stats: stats.buffer, gradOut: gradOut.buffer, dx: dx.buffer },
  });
  return dx;
}

// ------------------------------------------------------------------------------------------ IMM merges

/**
 * IMM-mean, one step of the running merge, in place: theta = (wOld·old + alpha·theta) / (wOld + alpha),
 * wOld the sum of the earlier tasks' weights. After each task t with the merged model of t − 1 as `old`,
 * theta = Σ_t alpha_t theta_t / Σ_t alpha_t. The reference: alpha_t = 1, wOld = t (equal weights).
 */
export function immMeanMerge(theta: Tensor, old: Tensor, wOld: number, alpha = 1): void {
  sameSize('immMeanMerge', theta, old);
  if (!(alpha > 0) || !(wOld >= 0)) throw new RangeError(`immMeanMerge: weights must be alpha > 0, wOld ≥ 0 (got ${alpha}, ${wOld})`);
  runKernel(theta.engine, 'imm-merge-mean', {
    label: `immMeanMerge [${theta.shape.join('x')}]`, shape: { count: theta.size }, buffers: { old: old.buffer, theta: theta.buffer },
    scalars: { a: wOld / (wOld + alpha), b: alpha / (wOld + alpha) },
  });
}

/** Floor added to every task's Fisher in the mode merge: where every Fisher is 0 the merge is the mean. */
export const IMM_MODE_EPS = 1e-10;

/**
 * IMM-mode, one step of the running Fisher-weighted merge, in place on theta (the model just trained)
 * and fisherAcc (Σ of the earlier tasks' alpha·F; zeros before the first task):
 *   theta = ((fisherAcc + eps·wOld)·old + alpha·(fisher + eps)·theta) / (fisherAcc + eps·wOld + alpha·(fisher + eps))
 *   fisherAcc += alpha·fisher
 * After each task, theta = Σ_t alpha_t (F_t + eps) theta_t / Σ_t alpha_t (F_t + eps): the paper's mode
 * merge with each Fisher floored by eps (never 0/0; all-zero Fisher gives the mean merge). The
 * reference's imm_mode.py computes this into a rebound local variable and so never changes the model.
 * `old` null (the first task, wOld = 0): fisherAcc += alpha·fisher only.
 */
export function immModeMerge(theta: Tensor, old: Tensor | null, fisher: Tensor, fisherAcc: Tensor, wOld: number, alpha = 1, eps = IMM_MODE_EPS): void {
  sameSize('immModeMerge', theta, fisher);
  sameSize('immModeMerge', theta, fisherAcc);
  if (!(alpha > 0) || !(wOld >= 0) || !(eps > 0)) throw new RangeError(`immModeMerge: needs alpha > 0, wOld ≥ 0, eps > 0 (got ${alpha}, ${wOld}, ${eps})`);
  if (!old) {
    // The first task: nothing to merge with; only the Fisher accumulates.
    if (wOld !== 0) throw new RangeError(`immModeMerge: no old model but wOld = ${wOld}`);
    axpy(fisherAcc, fisher, alpha, 1);
    return;
  }
  sameSize('immModeMerge', theta, old);
  runKernel(theta.engine, 'imm-merge-mode', {
    label: `immModeMerge [${theta.shape.join('x')}]`, shape: { count: theta.size }, scalars: { wOld, alpha, eps },
    buffers: { old: old.buffer, fisher: fisher.buffer, theta: theta.buffer, fisherAcc: fisherAcc.buffer },
  });
}
