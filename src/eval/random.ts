// The `random` approach: stratified guessing from the training labels, the lower reference of the
// forgetting ratio (docs/hat.md). Guessing class k with probability p_train(k) is right on a test sample of
// class k with that probability, so its expected accuracy is exactly
//   A_R = Σ_k p_train(k) · p_test(k)
// We report that expectation rather than one draw (the reference draws shuffled training labels):
// the same number for every seed, without sampling noise. Pure: no GPU, no Node.
import type { RunResult, TaskInfo } from './metrics.ts';

/** Class frequencies of integer labels 0..K−1, K = max label + 1 (or `classes`). */
export function labelFrequencies(labels: ArrayLike<number>, classes?: number): number[] {
  let K = classes ?? 0;
  for (let i = 0; i < labels.length; i++) K = Math.max(K, labels[i]! + 1);
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!Number.isInteger(l) || l < 0) throw new RangeError(`labelFrequencies: label ${l} at ${i} is not a class index`);
    counts[l]!++;
  }
  return labels.length ? counts.map((c) => c / labels.length) : counts;
}

/** Σ_k p_train(k) · p_test(k): the expected accuracy of stratified guessing. */
export function stratifiedAccuracy(trainLabels: ArrayLike<number>, testLabels: ArrayLike<number>): number {
  if (trainLabels.length === 0) throw new RangeError('stratifiedAccuracy: no training labels to guess from');
  if (testLabels.length === 0) throw new RangeError('stratifiedAccuracy: no test labels');
  const K = Math.max(...Array.from(trainLabels), ...Array.from(testLabels)) + 1;
  const pTrain = labelFrequencies(trainLabels, K), pTest = labelFrequencies(testLabels, K);
  return pTrain.reduce((a, p, k) => a + p * pTest[k]!, 0);
}

/** What random needs of a task (a data/task.ts Task fits). */
export interface LabelledTask {
  name: string;
  classes: number[];
  train: { labels: ArrayLike<number>; n: number };
  valid: { n: number };
  test: { labels: ArrayLike<number>; n: number };
}

/**
 * The results of `random` in the trainer's results-JSON shape: accuracy[t][u] = A_R of task u for every
 * u ≤ t (the guesser of task u does not change as later tasks arrive), maskUsage empty rows.
 */
export function randomResults(benchmark: string, tasks: readonly LabelledTask[], seed: number): RunResult {
  const perTask = tasks.map((t) => stratifiedAccuracy(t.train.labels, t.test.labels));
  const info: TaskInfo[] = tasks.map((t) => ({ name: t.name, classes: [...t.classes], nTrain: t.train.n, nValid: t.valid.n, nTest: t.test.n }));
  return {
    benchmark, approach: 'random', seed, config: { approach: 'random', seed },
    tasks: info,
    accuracy: tasks.map((_, t) => perTask.slice(0, t + 1)),
    maskUsage: tasks.map(() => []),
    epochs: [], trainSeconds: 0, samplesPerSecond: 0,
  };
}
