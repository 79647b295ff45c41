// Binding of the task-inference kernel (shaders/task_inference.wgsl): from the logits of every task's
// forward of one batch, stacked task-major, the task each row most likely belongs to under a chosen score
// and that task's predicted class, or the counts of rows whose task and class were right.
import { ShapeError } from '../runtime/errors.ts';
import { empty, tensor, type Tensor } from '../tensor.ts';
import type { Engine } from '../runtime/engine.ts';
import type { TaskInferenceShape } from './declarations/task-inference.ts';
import { addInto } from './elementwise.ts';
import { sumOverCols } from './reduce.ts';
import { runKernel } from './registry.ts';

/**
 * How a task is chosen for a sample from each task's logits: `max-logit` is the argmax over the
 * concatenated heads (networks whose forward is the same for every task), the others score each task's
 * own forward (HAT's masks, PathNet's paths, progressive columns).
 */
export const TASK_SCORES = ['max-logit', 'max-softmax', 'min-entropy', 'max-energy'] as const;
export type TaskScore = (typeof TASK_SCORES)[number];

/** Stacked logits of T task forwards of one batch: task t's [B, N_t] block at element B · offset_t. */
export interface StackedLogits {
  logits: Tensor;
  /** u32 [2T]: N_t, then offset_t. */
  classes: Tensor;
  /** N_t of each task (what `classes` holds first), for the dispatch's shape. */
  counts: readonly number[];
  rows: number;
  tasks: number;
}

/**
 * Copies each task's logits [B, N_t] into one task-major buffer (recorded copies; nothing is submitted).
 * The caller disposes the inputs; dispose the result's two tensors.
 */
export function stackTaskLogits(engine: Engine, perTask: readonly Tensor[]): StackedLogits {
  const op = 'stackTaskLogits';
  if (perTask.length === 0) throw new ShapeError(op, 'no task logits');
  let B = -1, total = 0;
  const counts: number[] = [], offsets: number[] = [];
  for (const l of perTask) {
    l.assertAlive(op);
    const [rows, n] = l.dims2(op);
    if (B >= 0 && rows !== B) throw new ShapeError(op, `task logits have ${rows} rows, the first task's ${B}`);
    if (n < 1) throw new ShapeError(op, 'a task with no classes');
    B = rows;
    counts.push(n);
    offsets.push(total);
    total += n;
  }
  const logits = empty(engine, [B * total], 'f32', 'stacked task logits');
  perTask.forEach((l, t) => engine.copy(l.buffer, logits.buffer, l.bytes, op, 0, 4 * B * offsets[t]!));
  const classes = tensor(engine, Uint32Array.from([...counts, ...offsets]), [2 * perTask.length], 'u32', 'task classes');
  return { logits, classes, counts, rows: B, tasks: perTask.length };
}

const SCORE_CODE: Record<TaskScore, TaskInferenceShape['score']> = { 'max-logit': 0, 'max-softmax': 1, 'min-entropy': 2, 'max-energy': 3 };

function scoreCode(score: TaskScore): TaskInferenceShape['score'] {
  const code = SCORE_CODE[score];
  if (code === undefined) throw new RangeError(`task score must be one of ${TASK_SCORES.join(', ')}, got ${String(score)}`);
  return code;
}

function shapeOf(stacked: StackedLogits, score: TaskScore): TaskInferenceShape {
  return { b: stacked.rows, classes: stacked.counts, score: scoreCode(score) };
}

/** Per row, the inferred task and its predicted class: int32 [2, B] (row 0 tasks, row 1 classes). */
export function inferTasks(stacked: StackedLogits, score: TaskScore): Tensor {
  const { logits, classes, rows: B, tasks: T } = stacked;
  logits.assertAlive('inferTasks');
  const engine = logits.engine;
  const out = empty(engine, [2, B], 'i32', 'inferred tasks');
  runKernel<TaskInferenceShape>(engine, 'task-inference-scores', {
    shape: shapeOf(stacked, score),
    buffers: { logits: logits.buffer, classes: classes.buffer, out: out.buffer },
    label: `inferTasks [${T}x${B}]`,
  });
  return out;
}

/**
 * Adds to `accumulator` (f32 [2]) the number of rows whose inferred task is `trueTask` and the number whose
 * predicted class is also the (within-task) label: a whole test set is summed on the GPU, read back once.
 */
export function countTaskInference(stacked: StackedLogits, score: TaskScore, trueTask: number, labels: Tensor, accumulator: Tensor): void {
  const op = 'countTaskInference';
  const { logits, classes, rows: B, tasks: T } = stacked;
  logits.assertAlive(op);
  labels.assertAlive(op);
  accumulator.assertAlive(op);
  if (labels.dtype !== 'i32' || labels.size !== B) throw new ShapeError(op, `labels must be int32 [${B}], got ${labels.dtype} [${labels.shape.join(', ')}]`);
  if (accumulator.size !== 2) throw new ShapeError(op, `accumulator has ${accumulator.size} elements, not 2`);
  if (!Number.isInteger(trueTask) || trueTask < 0 || trueTask >= T) throw new RangeError(`${op}: true task ${trueTask} is not one of the ${T} tasks`);
  const engine = logits.engine;
  const flags = empty(engine, [2, B], 'f32', 'task inference flags');
  runKernel<TaskInferenceShape>(engine, 'task-inference-flags', {
    shape: shapeOf(stacked, score),
    buffers: { logits: logits.buffer, classes: classes.buffer, labels: labels.buffer, out: flags.buffer },
    scalars: { trueTask },
    label: `countTaskInference [${T}x${B}]`,
  });
  const sums = sumOverCols(flags);
  flags.dispose();
  addInto(accumulator, sums);
  sums.dispose();
}
