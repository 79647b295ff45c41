// Task-agnostic evaluation: the kernel's choice of task under each score on hand-made logits, a trained
// network that tells trivially separable tasks apart, and tasks that no network can tell apart (the same
// inputs, different labels), where task inference must stay at chance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine } from '../helpers.ts';
import { tensor } from '../../src/tensor.ts';
import { makeDataset, type Dataset } from '../../src/data/dataset.ts';
import { Rng } from '../../src/data/rng.ts';
import type { Task } from '../../src/data/task.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import { countTaskInference, inferTasks, stackTaskLogits, TASK_SCORES, type TaskScore } from '../../src/kernels/task-inference.ts';
import { withTaskAgnosticResults } from '../../src/train/state.ts';
import { smallConfig } from '../train/fixtures.ts';
import { buildReport } from '../../src/report/report.ts';
import type { RunResult } from '../../src/eval/metrics.ts';

/** The kernel's choice, in float64: per row, the best task under `score` (first on ties) and its argmax. */
function reference(perTask: number[][][], score: TaskScore): { task: number[]; label: number[] } {
  const B = perTask[0]!.length;
  const task: number[] = [], label: number[] = [];
  for (let b = 0; b < B; b++) {
    let best = -Infinity, bestTask = 0, bestLabel = 0;
    perTask.forEach((rows, t) => {
      const x = rows[b]!;
      const m = Math.max(...x);
      const lse = m + Math.log(x.reduce((a, v) => a + Math.exp(v - m), 0));
      const p = x.map((v) => Math.exp(v - lse));
      const s = score === 'max-logit' ? m : score === 'max-softmax' ? m - lse : score === 'min-entropy' ? p.reduce((a, pj, j) => a + pj * x[j]!, 0) - lse : lse;
      if (t === 0 || s > best) { best = s; bestTask = t; bestLabel = x.indexOf(m); }
    });
    task.push(bestTask);
    label.push(bestLabel);
  }
  return { task, label };
}

test('the kernel picks the task each score prefers, and that task\'s argmax', async () => {
  const engine = await getEngine();
  // Three tasks with 2, 3 and 2 classes; rows built so that the four scores choose differently:
  //   row 0: task 0 sure of a lower logit, task 1 unsure of higher ones (logit, energy → 1; softmax, entropy → 0)
  //   row 1: probabilities 0.55/0.45 vs 0.58/0.21/0.21 (shifted up by 1): softmax → 1, entropy → 0
  //   row 2: 3/3 vs 3.5/−10/−10: logit, softmax, entropy → 1; energy (log 2 + 3 > 3.5) → 0
  const L = Math.log;
  const perTask = [
    [[4, 0], [L(0.55), L(0.45)], [3, 3], [0, 2]],
    [[5, 5, 4.9], [1 + L(0.58), 1 + L(0.21), 1 + L(0.21)], [3.5, -10, -10], [0, 1, 0]],
    [[-9, -9], [-5, -5], [-9, -9], [9, 0]],
  ];
  const B = 4, trueLabels = [0, 0, 0, 0];
  const expected: Record<TaskScore, number[]> = {
    'max-logit': [1, 1, 1, 2], 'max-softmax': [0, 1, 1, 2], 'min-entropy': [0, 0, 1, 2], 'max-energy': [1, 1, 0, 2],
  };
  for (const score of TASK_SCORES) {
    const inputs = perTask.map((rows) => tensor(engine, rows.flat(), [rows.length, rows[0]!.length]));
    const stacked = stackTaskLogits(engine, inputs);
    const out = inferTasks(stacked, score);
    const got = (await out.data()) as Int32Array;
    const want = reference(perTask, score);
    assert.equal(want.task, expected[score], `${score}: the float64 reference agrees with the rows' design`);
    assert.equal(Array.from(got.subarray(0, B)), want.task, `${score}: tasks`);
    assert.equal(Array.from(got.subarray(B, 2 * B)), want.label, `${score}: labels`);
    // The counting form: with labels, against true task 1.
    const labels = tensor(engine, Int32Array.from(trueLabels), [B], 'i32');
    const acc = tensor(engine, [0, 0], [2]);
    countTaskInference(stacked, score, 1, labels, acc);
    const [taskRight, right] = await acc.float32();
    assert.is(taskRight, want.task.filter((t) => t === 1).length, `${score}: rows inferred as task 1`);
    assert.is(right, want.task.filter((t, b) => t === 1 && want.label[b] === trueLabels[b]).length, `${score}: rows right`);
    for (const t of [...inputs, stacked.logits, stacked.classes, out, labels, acc]) t.dispose();
  }
});

function dataset(images: Float32Array, labels: Int32Array): Dataset {
  return makeDataset({ images, labels, n: labels.length, channels: 1, height: 4, width: 4, classes: 2 });
}

/**
 * Two-class tasks in 16 features: the class is the sign of one feature of the task's `dims`, which carry
 * values ±(2..3); the other features are zero. `labelsOf` maps the class to the label (flipped: 1 − class).
 */
function signTask(name: string, dims: number[], rng: Rng, labelsOf: (k: number) => number = (k) => k, samples = 512): Task {
  const make = (n: number, r: Rng) => {
    const images = new Float32Array(n * 16), labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % 2;
      labels[i] = labelsOf(k);
      for (const d of dims) images[i * 16 + d] = (k ? 1 : -1) * (2 + r.uniform()) * (d === dims[0] ? 1 : 0.5 + 0.5 * r.uniform());
    }
    return dataset(images, labels);
  };
  return { name, classes: [0, 1], nClasses: 2, inputShape: [1, 4, 4], train: make(samples, rng), valid: make(64, rng), test: make(200, rng) };
}

test('tasks with trivially separable inputs are inferred near-perfectly (HAT, max-softmax)', async () => {
  const engine = await getEngine();
  const rng = new Rng(7);
  const tasks = [signTask('low', [0, 1, 2, 3, 4, 5, 6, 7], rng), signTask('high', [8, 9, 10, 11, 12, 13, 14, 15], rng)];
  const trainer = createTrainer(engine, tasks, smallConfig({ approach: 'hat', epochs: 4 }));
  try {
    assert.is(trainer.net.taskConditioned, true);
    const r = await trainer.run();
    assert.equal(r.accuracyTaskAgnostic.map((row) => row.length), [1, 2]);
    assert.equal(r.taskInferenceAccuracy[0], [1], 'one task learned: always inferred');
    for (let u = 0; u < 2; u++) {
      assert.ok(r.accuracy[1]![u]! > 0.97, `task-aware accuracy on task ${u}: ${r.accuracy[1]![u]}`);
      assert.ok(r.taskInferenceAccuracy[1]![u]! > 0.95, `task inference on task ${u}: ${r.taskInferenceAccuracy[1]![u]}`);
      assert.ok(r.accuracyTaskAgnostic[1]![u]! > 0.93, `task-agnostic accuracy on task ${u}: ${r.accuracyTaskAgnostic[1]![u]}`);
      assert.ok(r.accuracyTaskAgnostic[1]![u]! <= r.taskInferenceAccuracy[1]![u]! + 1e-9, 'a right answer needs the right task');
    }
  } finally {
    trainer.dispose();
  }
});

for (const approach of ['hat', 'sgd'] as const) {
  test(`tasks with the same inputs and opposite labels cannot be told apart (${approach}): task inference at chance`, async () => {
    const engine = await getEngine();
    const base = signTask('a', [0, 1, 2, 3], new Rng(3));
    // Task b: the same images in every split, every label flipped.
    const flip = (d: Dataset) => dataset(d.images, Int32Array.from(d.labels, (l) => 1 - l));
    const tasks: Task[] = [base, { ...base, name: 'b', train: flip(base.train), valid: flip(base.valid), test: flip(base.test) }];
    const trainer = createTrainer(engine, tasks, smallConfig({ approach, epochs: 3 }));
    try {
      assert.is(trainer.net.taskConditioned, approach === 'hat');
      const r = await trainer.run();
      const inferred = r.taskInferenceAccuracy[1]!, agnostic = r.accuracyTaskAgnostic[1]!;
      // Each test image gets one task whichever set it is in: the two inference accuracies add up to 1.
      assert.ok(Math.abs(inferred[0]! + inferred[1]! - 1) < 1e-6, `inference ${inferred.join(', ')}: mean must be chance (0.5)`);
      // A prediction is right for at most one of the two labels: mean task-agnostic accuracy ≤ 0.5.
      assert.ok(agnostic[0]! + agnostic[1]! <= 1 + 1e-6, `task-agnostic ${agnostic.join(', ')}: mean above chance`);
      // And the report says that task inference is at chance rather than claiming it works.
      const result: RunResult = { benchmark: 'twins', approach, seed: 0, tasks: tasks.map((t) => ({ name: t.name, classes: t.classes, nTrain: t.train.n, nValid: t.valid.n, nTest: t.test.n })), ...r };
      const row = buildReport([result]).markdown.split('\n').find((l) => l.startsWith(`| ${approach} | 1 |`))!;
      assert.ok(row.endsWith('(50.0) at chance |'), row);
    } finally {
      trainer.dispose();
    }
  });
}

test('results of a checkpoint written before task-agnostic evaluation existed read as empty rows', () => {
  const old = { accuracy: [[0.9], [0.8, 0.95]], maskUsage: [[0.1], [0.2]], epochs: [], trainMs: 1, trainedSamples: 2 };
  const r = withTaskAgnosticResults(structuredClone(old));
  assert.equal(r.accuracyTaskAgnostic, [[], []]);
  assert.equal(r.taskInferenceAccuracy, [[], []]);
  assert.equal(r.accuracy, old.accuracy);
  const partial = withTaskAgnosticResults({ ...old, accuracyTaskAgnostic: [[0.9]], taskInferenceAccuracy: [[1]] });
  assert.equal(partial.accuracyTaskAgnostic, [[0.9], []]);
});

test.run();
