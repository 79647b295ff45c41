// Types shared by the HAT kernel bindings: a layer's gate and the dropout of its output.
import type { Tensor } from '../../tensor.ts';

/** A layer's gate for the current task: a = σ(s · embedding). */
export interface Gate { embedding: Tensor; s: number }
/** Inverted dropout (kept values scaled by 1/(1−p)); p = 0: none. */
export interface Dropout { p: number; seed: number }
