// Differentiable ops of the baseline approaches: EWC's and IMM's quadratic penalties, LFL's
// L2 on penultimate activations, LwF's distillation, progressive networks' scaled lateral inputs. Each
// pairs a kernel of src/kernels/continual.ts (lateral.ts) with its backward. (For EWC / IMM the trainer may instead add the penalty's gradient in place after
// backward() with kernels/continual.ts quadraticPenalty({ addGrad: true }): same numbers, no tape.)
import { record } from '../autograd.ts';
import { checkOperands, type Tensor } from '../tensor.ts';
import { lateralScale, lateralScaleAlphaGrad } from '../kernels/lateral.ts';
import { distillationBackward, distillationForward, quadraticPenalty as penaltyKernel, quadraticPenaltyGrad, type DistillationOptions } from '../kernels/continual.ts';

export interface PenaltyInput {
  /** The tensor the penalty is differentiated in (a parameter, or LFL's activations). */
  theta: Tensor;
  /** Where it is pulled to (no gradient): the old task's weights or the old model's activations. */
  anchor: Tensor;
  /** Per-element weight (EWC's Fisher); null: 1. */
  fisher?: Tensor | null;
}

/**
 * (lambda / 2) · Σ_terms Σ_i w_i (theta_i − anchor_i)², shape [1]; gradient lambda·w·(theta − anchor)
 * into each theta (anchors and Fisher get none). EWC: w = Fisher; IMM's L2 transfer: w = 1.
 */
export function quadraticPenalty(terms: readonly PenaltyInput[], lambda: number): Tensor {
  for (const t of terms) checkOperands('quadraticPenalty', { theta: t.theta, anchor: t.anchor, fisher: t.fisher });
  const y = penaltyKernel(terms.map((t) => ({ theta: t.theta, anchor: t.anchor, fisher: t.fisher ?? null })), lambda);
  return record(y, 'quadraticPenalty', terms.map((t) => t.theta), (g) => terms.map((t) => (t.theta.requiresGrad ? quadraticPenaltyGrad(t, lambda, g) : null)));
}

/** EWC: (lambda / 2) Σ F (theta − theta*)² over the given tensors (the reference: lambda 5000). */
export function ewcPenalty(terms: readonly { theta: Tensor; anchor: Tensor; fisher: Tensor }[], lambda: number): Tensor {
  return quadraticPenalty(terms, lambda);
}

/** IMM's L2 transfer (weight decay toward the previous task's weights): (lambda / 2) Σ (theta − theta_old)². */
export function l2Transfer(terms: readonly { theta: Tensor; anchor: Tensor }[], lambda: number): Tensor {
  return quadraticPenalty(terms.map((t) => ({ ...t, fisher: null })), lambda);
}

/**
 * LFL: lambda · Σ (h − hOld)² / 2 over the batch and the units of the penultimate activations h [B, F]
 * (a sum, not a mean, as the reference's lfl.py; lambda 0.05). hOld comes from the frozen old model.
 */
export function lflLoss(h: Tensor, hOld: Tensor, lambda: number): Tensor {
  return quadraticPenalty([{ theta: h, anchor: hOld }], lambda);
}

/**
 * LwF: the batch mean of the cross-entropy between the old model's soft targets softmax(oldLogits / T)
 * and the new model's softmax(logits / T) (smoothed as the reference, eps 1e-5), shape [1]. The trainer
 * sums it over the old heads and scales by lambda (the reference: lambda 2, T 1).
 */
export function distillation(logits: Tensor, oldLogits: Tensor, options: DistillationOptions = {}): Tensor {
  checkOperands('distillation', { logits, oldLogits });
  const { loss, stats } = distillationForward(logits, oldLogits, options);
  if (!logits.requiresGrad) {
    stats.dispose();
    return loss;
  }
  return record(loss, 'distillation', [logits, oldLogits], (g) => [distillationBackward(logits, oldLogits, stats, g, options), null]);
}

/**
 * A progressive network's lateral input: alpha[j] · x, alpha the adapter's vector of per-source-column
 * scales (one kernel; the scale is read on the device). Gradients: alpha[j] · dy into x, Σ dy·x into
 * entry j of alpha.
 */
export function scaleByEntry(x: Tensor, alpha: Tensor, j: number): Tensor {
  checkOperands('scaleByEntry', { x, alpha });
  const y = lateralScale(x, alpha, j);
  return record(y, 'scaleByEntry', [x, alpha], (dy) => [
    x.requiresGrad ? lateralScale(dy, alpha, j) : null,
    alpha.requiresGrad ? lateralScaleAlphaGrad(dy, x, alpha, j) : null,
  ]);
}
