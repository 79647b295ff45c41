// What a training run reports and what it checkpoints: epoch reports, the position of a run, the
// snapshot that continues it exactly, and the result of a whole run.
import type { NamedTensors } from '../io/checkpoint.ts';

export interface EpochReport {
  task: number;
  epoch: number;
  epochs: number;
  trainLoss: number;
  validLoss: number;
  validAccuracy: number;
  lr: number;
  samplesPerSecond: number;
  improved: boolean;
  /** The gate scale the task is evaluated at (1 for networks without gates). */
  s: number;
}

/** What a task's training returns, whoever ran its loop (the trainer, or an approach's own). */
export interface TaskTraining {
  epochs: EpochReport[];
  ms: number;
  samples: number;
}

/** Where a task stands between epochs: enough to continue it exactly. */
export interface TaskState {
  /** The next epoch to run. */
  epoch: number;
  lr: number;
  patience: number;
  /** Best validation loss so far (null: none yet, i.e. Infinity). */
  bestLoss: number | null;
  /** The lr fell below lrMin: no more epochs for this task. */
  stopped: boolean;
  reports: EpochReport[];
  ms: number;
  samples: number;
}

/**
 * Everything a run needs to continue exactly (the procedure is deterministic for a seed and adapter):
 * the position, the step counter that seeds dropout, the draws taken from the shuffling RNG, the task in
 * progress, the results so far; and (in `tensors`) every parameter, every cumulative mask
 * (`mask.<layer>`), the approach's tensors (`approach.<name>`) and the best-validation copies of the task
 * in progress (`best.<name>`).
 */
export interface TrainerState {
  /** The task in progress, or the next one to start when `inTask` is null (= tasks.length: all done). */
  task: number;
  step: number;
  rngDraws: number;
  inTask: TaskState | null;
  /** The approach's JSON state (Approach.saveState); its tensors are `approach.<name>`. */
  approach?: unknown;
  results: { accuracy: number[][]; maskUsage: number[][]; epochs: EpochReport[]; trainMs: number; trainedSamples: number };
}

export interface TrainerSnapshot {
  state: TrainerState;
  tensors: NamedTensors;
}

export interface TrainResult {
  accuracy: number[][];
  maskUsage: number[][];
  epochs: EpochReport[];
  trainSeconds: number;
  samplesPerSecond: number;
  trainedSamples: number;
}

export interface Progress {
  taskStart?(task: number, t: { name: string; train: { n: number }; valid: { n: number }; test: { n: number } }): void;
  batch?(task: number, epoch: number, done: number, total: number, s: number, loss: number | null): void;
  epoch?(r: EpochReport): void;
  taskEnd?(task: number, accuracies: number[], maskUsage: number[]): void;
}

/** Where a snapshot stands, in words. */
export function positionLabel(state: TrainerState): string {
  if (!state.inTask) return state.task === 0 ? 'start' : `after task ${state.task}`;
  return `task ${state.task + 1} epoch ${state.inTask.epoch}`;
}
