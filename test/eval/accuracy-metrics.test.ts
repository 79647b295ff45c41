// Average accuracy, BWT, FWT and forgetting on hand-built accuracy matrices whose values are worked out
// in the comments, and their summary over seeds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  accuracyMetrics, averageAccuracy, backwardTransfer, forgetting, forwardTransfer, isCompleteMatrix, meanTaskInference, metricsOverSeeds, runMetrics, runMetricsOverSeeds,
} from '../../src/eval/accuracy-metrics.ts';
import type { RunResult } from '../../src/eval/metrics.ts';
import { assertClose } from '../helpers.ts';

const close = (a: number | null, b: number, what: string) => assertClose([a ?? NaN], [b], what, { rtol: 0, atol: 1e-12 });

// Forgets: task 0 falls from 0.9 to 0.6, task 1 from 0.95 to 0.9.
const FORGETS = [[0.9], [0.8, 0.95], [0.6, 0.9, 0.85]];
// Improves, then slips: task 0 rises 0.7 → 0.9 (positive transfer back), then falls to 0.85.
const IMPROVES = [[0.7], [0.9, 0.8], [0.85, 0.8, 0.9]];

test('average accuracy after each task: the mean of row t', () => {
  assertClose(averageAccuracy(FORGETS), [0.9, 0.875, 2.35 / 3], 'ACC', { rtol: 0, atol: 1e-12 });
});

test('BWT: mean final change of the earlier tasks since they were learned (Lopez-Paz & Ranzato)', () => {
  close(backwardTransfer(FORGETS), ((0.6 - 0.9) + (0.9 - 0.95)) / 2, 'BWT forgets'); // −0.175
  close(backwardTransfer(IMPROVES), ((0.85 - 0.7) + (0.8 - 0.8)) / 2, 'BWT improves'); // +0.075
  assert.is(backwardTransfer([[0.9]]), null, 'one task: undefined');
});

test('forgetting: drop from the best accuracy each earlier task ever had (Chaudhry et al.)', () => {
  close(forgetting(FORGETS), ((0.9 - 0.6) + (0.95 - 0.9)) / 2, 'F forgets'); // 0.175 = −BWT when every task peaks when learned
  // Task 0 peaked after task 1 (0.9), not when learned (0.7): forgetting 0.05 although BWT is positive.
  close(forgetting(IMPROVES), ((0.9 - 0.85) + (0.8 - 0.8)) / 2, 'F improves'); // 0.025
  assert.is(forgetting([[1]]), null);
});

test('FWT: each later task learned in the sequence vs trained alone from random initialisation', () => {
  close(forwardTransfer(IMPROVES, [0.7, 0.7, 0.8]), ((0.8 - 0.7) + (0.9 - 0.8)) / 2, 'FWT'); // +0.1
  close(forwardTransfer(FORGETS, [0.9, 0.97, 0.85]), ((0.95 - 0.97) + (0.85 - 0.85)) / 2, 'FWT negative'); // −0.01
  assert.is(forwardTransfer(FORGETS, null), null, 'no references: null');
  assert.is(forwardTransfer([[0.5]], [0.5]), null, 'one task: undefined');
  assert.throws(() => forwardTransfer(FORGETS, [0.9, 0.9]), /2 single-task references for 3 tasks/);
  assert.throws(() => averageAccuracy([[0.9], [0.8]]), /no finite accuracy for task 1 after task 1/);
});

test('a run: task-aware and task-agnostic metrics; an incomplete task-agnostic matrix gives null', () => {
  const m = runMetrics({ accuracy: FORGETS, accuracyTaskAgnostic: IMPROVES, singleTaskAccuracy: [0.7, 0.7, 0.8] });
  close(m.taskAware.bwt, -0.175, 'aware BWT');
  close(m.taskAware.fwt, ((0.95 - 0.7) + (0.85 - 0.8)) / 2, 'aware FWT');
  close(m.taskAgnostic!.forgetting, 0.025, 'agnostic forgetting');
  close(m.taskAgnostic!.fwt, 0.1, 'agnostic FWT');
  assert.equal(accuracyMetrics(FORGETS), { ...m.taskAware, fwt: null });
  // An old checkpoint's empty rows.
  assert.is(runMetrics({ accuracy: FORGETS, accuracyTaskAgnostic: [[], [0.5, 0.5], [0.4, 0.4, 0.4]] }).taskAgnostic, null);
  assert.is(runMetrics({ accuracy: FORGETS }).taskAgnostic, null);
  assert.ok(isCompleteMatrix(FORGETS) && !isCompleteMatrix([[0.5], [0.5]]) && !isCompleteMatrix([]));
});

test('over seeds: mean and 95 % Student-t interval; a scalar missing in one seed is null', () => {
  const a = accuracyMetrics(FORGETS, [0.9, 0.95, 0.85]), b = accuracyMetrics(IMPROVES, [0.7, 0.8, 0.9]);
  const s = metricsOverSeeds([a, b]);
  close(s.bwt!.mean, (-0.175 + 0.075) / 2, 'BWT mean');
  // t(0.975, 1) · |difference| / 2
  close(s.bwt!.half, 12.706205 * 0.25 / 2, 'BWT half-width');
  close(s.forgetting!.mean, (0.175 + 0.025) / 2, 'forgetting mean');
  close(s.fwt!.mean, (0 + 0) / 2, 'FWT mean');
  assert.is(s.averageAccuracy.length, 3);
  close(s.averageAccuracy[0]!.mean, 0.8, 'ACC after task 1');
  assert.is(metricsOverSeeds([a, accuracyMetrics(IMPROVES)]).fwt, null, 'one seed without references');
  const runs = [FORGETS, IMPROVES].map((accuracy, seed): RunResult => ({ benchmark: 'toy', approach: 'sgd', seed, tasks: [], accuracy, accuracyTaskAgnostic: accuracy, maskUsage: [] }));
  const over = runMetricsOverSeeds(runs);
  assert.equal(over.taskAgnostic, over.taskAware);
  assert.is(over.taskAware.fwt, null);
});

test('mean task inference after each task, to compare with chance 1/(t+1)', () => {
  assertClose(meanTaskInference([[1], [0.9, 0.7], [0.5, 0.6, 0.7]])!, [1, 0.8, 0.6], 'mean', { rtol: 0, atol: 1e-12 });
  assert.is(meanTaskInference([[1], []]), null);
});

test.run();
