// Device copies of a set of parameters, taken when validation improves and copied back at the end of a
// task (the best-validation parameters are the ones kept), or a tournament's winner (PathNet).
import type { Engine } from '../runtime/engine.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { copy } from '../kernels/elementwise.ts';

export class ParameterSnapshot {
  private copies: Tensor[] = [];

  /** `from`: the values to start with (a checkpoint's copies), in the order of `params`; default: now. */
  constructor(private readonly engine: Engine, private readonly params: readonly Tensor[], from?: readonly Float32Array[]) {
    if (from) this.copies = params.map((p, i) => tensor(engine, from[i]!, p.shape, 'f32', `best ${p.label}`).keep());
    else this.take();
  }

  /** The copies, in the order of the parameters (for a checkpoint of a task in progress). */
  get tensors(): readonly Tensor[] {
    return this.copies;
  }

  /** Replaces the copies with the parameters' current values. */
  take(): void {
    this.dispose();
    this.copies = this.params.map((p) => copy(p, `best ${p.label}`).keep());
  }

  /** Records the copy back into the parameters (submitted with the next submit). */
  restore(): void {
    this.params.forEach((p, i) => this.engine.copy(this.copies[i]!.buffer, p.buffer, p.bytes, `restore ${p.label}`));
  }

  dispose(): void {
    for (const c of this.copies) c.dispose();
    this.copies = [];
  }
}
