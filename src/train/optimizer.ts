// Plain SGD (no momentum, no weight decay) with global gradient-norm clipping, on the GPU: the optimiser
// owns the clip and the step. An approach may give a parameter its own update (HAT's embeddings: the
// step and the clamp in one kernel); the clip factor is the same for every entry.
import type { Engine } from '../runtime/engine.ts';
import { empty, type Tensor } from '../tensor.ts';
import { fill } from '../kernels/elementwise.ts';
import { gradNorm, sgdStep } from '../kernels/optim.ts';

/** The clip of one step: the global norm (a [1] tensor on the device) and the largest norm allowed. */
export interface Clip {
  norm: Tensor;
  maxNorm: number;
}

/** One parameter's gradient as the optimiser applies it. */
export interface GradientEntry {
  param: Tensor;
  grad: Tensor;
  /** Replaces w −= lr·clip·g for this parameter (records its own kernel). */
  update?: (lr: number, clip: Clip | undefined) => void;
}

export interface SGDOptions {
  lr: number;
  /** Clip the global L2 norm of all gradients to this (torch clip_grad_norm_ semantics). */
  clipNorm?: number;
}

export class SGD {
  /** Learning rate; may be changed between steps (schedules). */
  lr: number;
  clipNorm: number | undefined;
  private normTensor: Tensor | null = null;

  /** `params`: what step() updates from their `.grad` (apply() takes explicit gradients instead). */
  constructor(readonly engine: Engine, readonly params: readonly Tensor[], { lr, clipNorm }: SGDOptions) {
    this.lr = lr;
    this.clipNorm = clipNorm;
  }

  /**
   * The global gradient norm of the last clipped step, a [1] tensor owned by the optimiser (read it with
   * `.item()`); null before the first clipped step.
   */
  get lastNorm(): Tensor | null {
    return this.normTensor;
  }

  /** Records w −= lr · min(1, clipNorm / (‖g‖ + 1e-6)) · g for every parameter that has a gradient. Nothing is read back. */
  step(): void {
    this.apply(this.params.filter((p) => p.grad).map((p) => ({ param: p, grad: p.grad! })));
  }

  /** Records one step over these gradients: the norm over all of them (in this order), then each update. */
  apply(entries: readonly GradientEntry[]): void {
    if (entries.length === 0) return;
    let clip: Clip | undefined;
    if (this.clipNorm !== undefined) {
      this.normTensor ??= empty(this.engine, [1], 'f32', 'sgd grad norm').keep();
      gradNorm(this.engine, entries.map((e) => e.grad), this.normTensor);
      clip = { norm: this.normTensor, maxNorm: this.clipNorm };
    }
    for (const e of entries) {
      if (e.update) e.update(this.lr, clip);
      else sgdStep(e.param, e.grad, this.lr, clip);
    }
  }

  /** Zero-fills the existing gradients in place (no allocation; backward accumulates into them). */
  zeroGrad(): void {
    for (const p of this.params) if (p.grad) fill(p.engine, p.grad.shape, 0, 'f32', p.grad);
  }

  /** Frees the optimiser's own buffer (the norm). */
  dispose(): void {
    this.normTensor?.dispose();
    this.normTensor = null;
  }
}
