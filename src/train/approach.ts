// The Approach interface: everything that makes one continual-learning method differ from another. The
// training loop (trainer.ts) calls these hooks at fixed points and knows no approach by name; HAT is an
// approach like EWC or LwF (src/approaches/). Every hook but createNetwork is optional.
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../tensor.ts';
import type { Rng } from '../data/rng.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Task } from '../data/task.ts';
import type { NetworkConfig } from '../nn/network.ts';
import type { ContinualNetwork } from '../nn/model.ts';
import type { TrainConfig } from '../config/train-config.ts';
import type { NamedTensors } from '../io/checkpoint.ts';
import type { GradientEntry } from './optimizer.ts';
import type { Progress, TaskTraining } from './state.ts';

/** What an approach may see and use of the run that trains it (the Trainer implements it). */
export interface TrainingRun {
  readonly engine: Engine;
  readonly net: ContinualNetwork;
  readonly tasks: readonly Task[];
  readonly config: TrainConfig;
  /** Steps taken so far over the whole run (seeds dropout). */
  readonly steps: number;
  /** Mean cross-entropy and accuracy of head t on `data`, no dropout (validation penalties are the loop's to add). */
  evaluate(t: number, data: Dataset): Promise<{ loss: number; accuracy: number }>;
  /** One epoch of task t at learning rate lr through the run's step (for approaches with their own task loop). */
  trainEpoch(t: number, lr: number, epoch: number, progress?: Progress): Promise<{ trainLoss: number; ms: number }>;
}

/** One training batch and the head it is scored on. */
export interface HeadBatch {
  images: Float32Array;
  labels: Int32Array;
  size: number;
  head: number;
  data: Dataset;
}

/** Where a training batch sits in its epoch: it starts at sample `start` of `total`. */
export interface BatchPosition {
  start: number;
  total: number;
}

/** What an approach sees of one training step, after the forward pass. */
export interface StepContext {
  run: TrainingRun;
  /** The task being learned. */
  task: number;
  /** The head this batch is scored on (the task itself, except for joint training). */
  head: number;
  /** The gate scale of this step's forward pass. */
  s: number;
  x: Tensor;
  labels: Tensor;
  logits: Tensor;
  /** The penultimate activations (the heads' input). */
  features: Tensor;
  /** The batch's mean cross-entropy on its head. */
  crossEntropy: Tensor;
}

/** An approach's checkpointed state: JSON, and tensors (read back and stored as `approach.<name>`). */
export interface ApproachState {
  json: unknown;
  tensors: Map<string, Tensor>;
}

/** ApproachState as a checkpoint gives it back: the tensors' values on the CPU. */
export interface SavedApproachState {
  json: unknown;
  tensors: NamedTensors;
}

export interface Approach {
  /** The name results and messages use (`hat`, `ewc`, …). */
  readonly name: string;
  /** The network this approach trains (HAT: gated layers; PathNet: modules; progressive: columns). */
  createNetwork(engine: Engine, config: NetworkConfig): ContinualNetwork;
  /** Before task t starts from its beginning (not on a resume inside it): old-model copies, re-initialisation. */
  beforeTask?(run: TrainingRun, t: number): Promise<void>;
  /** Before task t trains, from its beginning or resumed: what its steps need (HAT: R's denominator). */
  prepareTask?(run: TrainingRun, t: number): Promise<void>;
  /**
   * Trains task t in place of the trainer's epoch loop (PathNet's path search) with run.trainEpoch and
   * run.evaluate, leaving the parameters to keep in place.
   */
  trainTask?(run: TrainingRun, t: number, progress: Progress): Promise<TaskTraining>;
  /** The batches of one epoch of task t (joint: every task ≤ t); default: task t's training set. */
  epochBatches?(run: TrainingRun, t: number, rng: Rng): Iterable<HeadBatch>;
  /**
   * The gate scale s of the forward pass: for a training batch at `at`, or for evaluation (null). HAT
   * anneals it; networks without gates ignore it (default 1).
   */
  gateScale?(at: BatchPosition | null): number;
  /** A term added to the cross-entropy on the tape (EWC/IMM penalties, LwF, LFL); a [1] tensor or null. */
  lossTerms?(step: StepContext): Tensor | null;
  /**
   * After backward, the parameters' gradients as the optimiser will clip and apply them, in order; an
   * approach replaces, drops or appends entries (HAT: compensated embedding gradients with their own
   * update; SGD-F: no shared layers after the first task). The global norm is taken over what it returns.
   */
  transformGradients?(step: StepContext, entries: GradientEntry[]): GradientEntry[];
  /**
   * The loss to log for this step, recorded before the update: the loss of the parameters the step
   * started from (default: the taped loss). HAT logs the cross-entropy plus c·R, whose gradient it
   * applies to the embeddings directly.
   */
  loggedLoss?(step: StepContext, loss: Tensor): Tensor;
  /** Task t's validation loss and accuracy (joint: over every task ≤ t); default: run.evaluate on t's. */
  validate?(run: TrainingRun, t: number): Promise<{ loss: number; accuracy: number }>;
  /** Added to task t's validation loss (HAT: c·R at smax; EWC: its penalty), as the reference's eval does. */
  validationPenalty?(run: TrainingRun, t: number): Promise<number>;
  /** After task t's best parameters are restored, before evaluation (HAT's masks, Fisher, merges). */
  afterTask?(run: TrainingRun, t: number): Promise<void>;
  /** The approach's own state for a checkpoint (Fisher, anchors, the old model, best paths). */
  saveState?(run: TrainingRun): ApproachState;
  /**
   * Loads what saveState wrote, when a run resumes at `at.task` (in progress when `inTask`, else about to
   * start: beforeTask runs after this).
   */
  loadState?(run: TrainingRun, state: SavedApproachState, at: { task: number; inTask: boolean }): void;
  dispose?(): void;
}
