// Task-agnostic evaluation: the test samples of one task, classified without being told their task.
// A network whose forward depends on the task beyond its head (HAT's gated network, PathNet's paths,
// progressive columns; ContinualNetwork.taskConditioned) runs each sample through every learned task's
// forward and keeps the task its score prefers (task inference), then that task's argmax. A network shared
// by every task predicts the argmax over the concatenation of every head learned so far (FACIL's
// task-agnostic accuracy). Each batch's T forwards and the kernel that chooses are recorded together; one
// readback per test set.
import { tensor, tidy } from '../tensor.ts';
import { noGrad } from '../autograd.ts';
import { batches, type Dataset } from '../data/dataset.ts';
import { fill } from '../kernels/elementwise.ts';
import { countTaskInference, inferTasks, stackTaskLogits, type TaskScore } from '../kernels/task-inference.ts';
import type { ContinualNetwork } from '../nn/model.ts';

export { TASK_SCORES, type TaskScore } from '../kernels/task-inference.ts';

/** The default score for task-conditioned networks: the largest softmax probability. */
export const DEFAULT_TASK_SCORE: TaskScore = 'max-softmax';

export interface TaskAgnosticOptions {
  /** Tasks learned so far: the candidates are tasks 0..tasks−1. */
  tasks: number;
  /** The gate scale of evaluation (HAT: smax; 1 for networks without gates). */
  s: number;
  fused: boolean;
  /** How task-conditioned networks choose a task (default max-softmax); shared networks always take the argmax over the heads. */
  score?: TaskScore;
}

export interface TaskAgnosticAccuracy {
  /** Fraction of samples whose inferred task and class are both right. */
  accuracy: number;
  /** Fraction of samples whose inferred task is right (shared networks: the argmax falls in the right head). */
  taskInference: number;
}

/** The score a network is evaluated with: its own forward per task, or the concatenated heads. */
export function scoreFor(net: Pick<ContinualNetwork, 'taskConditioned'>, score: TaskScore = DEFAULT_TASK_SCORE): TaskScore {
  return net.taskConditioned ? score : 'max-logit';
}

/** Task-agnostic accuracy and task-inference accuracy on `data`, whose samples all belong to task `trueTask`. */
export async function evaluateTaskAgnostic(net: ContinualNetwork, trueTask: number, data: Dataset, opts: TaskAgnosticOptions): Promise<TaskAgnosticAccuracy> {
  const T = opts.tasks;
  if (!Number.isInteger(T) || T < 1 || trueTask < 0 || trueTask >= T) throw new RangeError(`task-agnostic evaluation: task ${trueTask} is not among the ${T} tasks learned`);
  const engine = net.engine;
  const score = scoreFor(net, opts.score);
  const counts = fill(engine, [2], 0, 'f32');
  try {
    noGrad(() => {
      for (const batch of batches(data, 256)) {
        tidy(() => {
          const x = tensor(engine, batch.images, [batch.size, data.channels, data.height, data.width], 'f32', 'eval images');
          const y = tensor(engine, batch.labels, [batch.size], 'i32', 'eval labels');
          const perTask = Array.from({ length: T }, (_, task) => net.forward(x, { task, s: opts.s, training: false, step: 0, fused: opts.fused }));
          const stacked = stackTaskLogits(engine, perTask);
          countTaskInference(stacked, score, trueTask, y, counts);
          stacked.logits.dispose();
          stacked.classes.dispose();
        });
      }
    });
    const [taskRight, right] = await counts.float32('task-agnostic eval');
    return { accuracy: right! / data.n, taskInference: taskRight! / data.n };
  } finally {
    counts.dispose();
  }
}

/**
 * The inferred task and predicted class of each sample of `images` ([n, C, H, W], n = images.length / (C·H·W)),
 * for callers that classify data without labels.
 */
export async function predictTaskAgnostic(net: ContinualNetwork, images: Float32Array, inputShape: readonly [number, number, number], opts: TaskAgnosticOptions): Promise<{ task: Int32Array; label: Int32Array }> {
  const engine = net.engine;
  const [C, H, W] = inputShape;
  const per = C * H * W;
  const n = images.length / per;
  if (!Number.isInteger(n)) throw new RangeError(`predictTaskAgnostic: ${images.length} values are not whole images of ${C}×${H}×${W}`);
  const score = scoreFor(net, opts.score);
  const task = new Int32Array(n), label = new Int32Array(n);
  for (let start = 0; start < n; start += 256) {
    const size = Math.min(256, n - start);
    const chosen = noGrad(() => tidy(() => {
      const x = tensor(engine, images.subarray(start * per, (start + size) * per), [size, C, H, W], 'f32', 'predict images');
      const perTask = Array.from({ length: opts.tasks }, (_, t) => net.forward(x, { task: t, s: opts.s, training: false, step: 0, fused: opts.fused }));
      const stacked = stackTaskLogits(engine, perTask);
      const out = inferTasks(stacked, score);
      stacked.logits.dispose();
      stacked.classes.dispose();
      return out;
    }));
    const values = (await chosen.data('task-agnostic predict')) as Int32Array;
    chosen.dispose();
    task.set(values.subarray(0, size), start);
    label.set(values.subarray(size, 2 * size), start);
  }
  return { task, label };
}
