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
  results: TrainerResults;
}

/**
 * The results so far. accuracy[t][u]: test accuracy on task u after training through task t, told the task
 * (task-aware); accuracyTaskAgnostic[t][u]: the same without being told (see task-inference.ts);
 * taskInferenceAccuracy[t][u]: the fraction of task u's test samples whose task was inferred right.
 * Checkpoints written before the task-agnostic fields existed lack them: read them as empty
 * (withTaskAgnosticResults), and their rows stay empty for the tasks finished before the resume.
 */
export interface TrainerResults {
  accuracy: number[][];
  accuracyTaskAgnostic?: number[][];
  taskInferenceAccuracy?: number[][];
  maskUsage: number[][];
  epochs: EpochReport[];
  trainMs: number;
  trainedSamples: number;
}

/** A checkpoint's results with the task-agnostic matrices present (empty rows for tasks an older checkpoint finished without them). */
export function withTaskAgnosticResults(r: TrainerResults): Required<TrainerResults> {
  const pad = (m: number[][] | undefined) => Array.from({ length: r.accuracy.length }, (_, t) => m?.[t] ?? []);
  return { ...r, accuracyTaskAgnostic: pad(r.accuracyTaskAgnostic), taskInferenceAccuracy: pad(r.taskInferenceAccuracy) };
}

export interface TrainerSnapshot {
  state: TrainerState;
  tensors: NamedTensors;
}

export interface TrainResult {
  /** Task-aware: accuracy[t][u] on task u after training through task t, the task given. */
  accuracy: number[][];
  /** The same layout without the task given (task inference, or the argmax over every head learned). */
  accuracyTaskAgnostic: number[][];
  /** taskInferenceAccuracy[t][u]: the fraction of task u's test samples whose task was inferred right after task t. */
  taskInferenceAccuracy: number[][];
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
  /** After task t: the task-aware accuracies on tasks 0..t, the capacity in use, and the task-agnostic ones. */
  taskEnd?(task: number, accuracies: number[], maskUsage: number[], agnostic?: { accuracy: number[]; taskInference: number[] }): void;
}

/** Where a snapshot stands, in words. */
export function positionLabel(state: TrainerState): string {
  if (!state.inTask) return state.task === 0 ? 'start' : `after task ${state.task}`;
  return `task ${state.task + 1} epoch ${state.inTask.epoch}`;
}
