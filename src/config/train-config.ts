// A training run's settings: what the CLI parses, the API accepts and the results JSON records. The
// schema (schema.ts) describes each one; defaults.ts makes DEFAULT_CONFIG from its defaults.
import type { Approach } from './approaches.ts';

export { APPROACHES, type Approach } from './approaches.ts';

export interface TrainConfig {
  approach: Approach;
  net: 'mlp' | 'alexnet' | 'resnet18';
  hidden: number[];
  /** ResNet-18's base width (stages width, 2·width, 4·width, 8·width). */
  width: number;
  epochs: number;
  batch: number;
  lr: number;
  lrMin: number;
  lrFactor: number;
  patience: number;
  smax: number;
  c: number;
  clipNorm: number;
  /** Embeddings are clamped to ±this after every step. */
  embeddingClamp: number;
  /** How s grows from 1/smax to smax over an epoch (HAT, AdaHAT): the paper's linear ramp, geometric, or a half cosine. */
  sSchedule: 'linear' | 'exp' | 'cosine';
  /** The task embeddings' initial values: N(0, 1) (the reference), U(0, 2), or all 0. */
  embeddingInit: 'normal' | 'uniform' | 'constant';
  /** A unit counts as used by a task when its gate σ(smax·e) is above this (capacity reports, prune). */
  maskThreshold: number;
  seed: number;
  fused: boolean;
  /** Dropout as the reference has it (false: none anywhere, e.g. to compare a step with another implementation). */
  dropout: boolean;
  /** Read the training loss back every this many steps (for progress; each readback costs ≥ 0.13 ms). */
  logEvery: number;
}
