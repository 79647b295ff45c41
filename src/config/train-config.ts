// A training run's settings: what the CLI parses, the API accepts and the results JSON records. The
// schema (schema.ts) describes each one; defaults.ts makes DEFAULT_CONFIG from its defaults.
import type { Approach } from './approaches.ts';

export { APPROACHES, type Approach } from './approaches.ts';

export interface TrainConfig {
  approach: Approach;
  net: 'mlp' | 'alexnet';
  hidden: number[];
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
  seed: number;
  fused: boolean;
  /** Dropout as the reference has it (false: none anywhere, e.g. to compare a step with another implementation). */
  dropout: boolean;
  /** Read the training loss back every this many steps (for progress; each readback costs ≥ 0.13 ms). */
  logEvery: number;
}
