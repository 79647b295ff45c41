// Plain SGD (no momentum, no weight decay), with optional global gradient-norm clipping done on the GPU.
import type { Engine } from '../runtime/engine.ts';
import { empty, type Tensor } from '../tensor.ts';
import { fill } from '../kernels/elementwise.ts';
import { gradNorm, sgdStep } from '../kernels/optim.ts';

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

  constructor(readonly params: readonly Tensor[], { lr, clipNorm }: SGDOptions) {
    if (params.length === 0) throw new Error('SGD: no parameters');
    this.lr = lr;
    this.clipNorm = clipNorm;
  }

  private get engine(): Engine {
    return this.params[0]!.engine;
  }

  /**
   * The global gradient norm of the last step() with clipping, a [1] tensor owned by the optimiser
   * (read it with `.item()`); null before the first clipped step.
   */
  get lastNorm(): Tensor | null {
    return this.normTensor;
  }

  /** Records w −= lr · min(1, clipNorm / (‖g‖ + 1e-6)) · g for every parameter that has a gradient. Nothing is read back. */
  step(): void {
    const withGrad = this.params.filter((p) => p.grad);
    if (withGrad.length === 0) return;
    let clip: { norm: Tensor; maxNorm: number } | undefined;
    if (this.clipNorm !== undefined) {
      this.normTensor ??= empty(this.engine, [1], 'f32', 'sgd grad norm').keep();
      gradNorm(this.engine, withGrad.map((p) => p.grad!), this.normTensor);
      clip = { norm: this.normTensor, maxNorm: this.clipNorm };
    }
    for (const p of withGrad) sgdStep(p, p.grad!, this.lr, clip);
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
