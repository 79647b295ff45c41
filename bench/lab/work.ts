// What the kernel lab times: a unit of work an engine can record, and how much arithmetic and memory
// traffic one unit is. Any kernel (ours, a researcher's own WGSL through engine.dispatch) fits it.
import type { Engine } from '../../src/runtime/engine.ts';

export interface KernelWork {
  name: string;
  /**
   * Records one unit of work (dispatches, copies) without submitting. Called many times before one
   * submit, so it must reuse its outputs (or dispose what it makes) rather than allocate per call.
   */
  record(engine: Engine): void;
  /** Floating-point operations in one unit (for GFLOP/s). */
  flops?: number;
  /** Bytes one unit reads and writes in device memory (for GB/s). */
  bytes?: number;
  /** Frees what the work holds; called by whoever made it, not by the lab. */
  dispose?(): void;
}

/** The clock a measurement used; every report names it. */
export type ClockKind = 'gpu-timestamp' | 'wall';

/** Which clock to ask for: 'auto' takes GPU timestamps when the device has them. */
export type ClockChoice = ClockKind | 'auto';
