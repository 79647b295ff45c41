// A training run's settings: what the CLI parses, the API accepts and the results JSON records. The
// schema (schema.ts) describes each one; DEFAULT_CONFIG is made from its defaults.
import type { Approach } from './approaches.ts';
import { CONFIG_SETTINGS } from './schema.ts';

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

/** Every setting's default (HAT's; resolveTrainConfig also picks the gradient clip of other approaches). */
export const DEFAULT_CONFIG: TrainConfig = Object.fromEntries(
  Object.entries(CONFIG_SETTINGS).map(([key, s]) => [key, structuredClone(s.default)]),
) as unknown as TrainConfig;
