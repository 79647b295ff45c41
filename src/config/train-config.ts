// A training run's settings: what the CLI parses, the API accepts and the results JSON records.
/** The approaches a run can train with (src/approaches/ implements each). */
export const APPROACHES = ['hat', 'sgd', 'sgd-frozen', 'joint', 'ewc', 'imm-mean', 'imm-mode', 'lwf', 'lfl', 'pathnet', 'progressive'] as const;
export type Approach = (typeof APPROACHES)[number];

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
  /** Read the training loss back every this many steps (for progress; each readback costs ≥ 0.13 ms). */
  logEvery: number;
}

export const DEFAULT_CONFIG: TrainConfig = {
  approach: 'hat', net: 'mlp', hidden: [2000, 2000], epochs: 200, batch: 64, lr: 0.05, lrMin: 1e-4, lrFactor: 3,
  patience: 5, smax: 400, c: 0.75, clipNorm: 10000, embeddingClamp: 6, seed: 0, fused: true, logEvery: 10,
};
