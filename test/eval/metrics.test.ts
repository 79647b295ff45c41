// The forgetting ratio against a hand-computed example, the t interval, and random's accuracies.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forgettingMatrix, forgettingOverSeeds, forgettingRatio, meanInterval, studentT975, type RunResult } from '../../src/eval/metrics.ts';
import { labelFrequencies, randomResults, stratifiedAccuracy } from '../../src/eval/random.ts';
import { assertClose, randomArray } from '../helpers.ts';

// Three tasks. Random guesses right with 0.5, 0.5, 0.25 (two, two and four balanced classes).
const AR = [[0.5], [0.5, 0.5], [0.5, 0.5, 0.25]];
const AJ = [[0.9], [0.9, 0.8], [0.9, 0.8, 0.85]];
const A = [[0.9], [0.7, 0.8], [0.6, 0.65, 0.85]];
// By hand: rho[t][u] = (A − A_R) / (A_J − A_R) − 1
//   t0: (0.4 / 0.4) − 1 = 0
//   t1: u0 (0.2 / 0.4) − 1 = −0.5;  u1 (0.3 / 0.3) − 1 = 0             → rho[1] = −0.25
//   t2: u0 (0.1 / 0.4) − 1 = −0.75; u1 (0.15 / 0.3) − 1 = −0.5; u2 (0.6 / 0.6) − 1 = 0 → rho[2] = −0.41666…
test('forgetting ratio of a hand-computed example', () => {
  const m = forgettingMatrix(A, AJ, AR);
  assertClose(m.flat(), [0, -0.5, 0, -0.75, -0.5, 0], 'rho[t][u]', { rtol: 1e-12, atol: 1e-12 });
  assertClose(forgettingRatio(A, AJ, AR), [0, -0.25, -1.25 / 3], 'rho[t]', { rtol: 1e-12, atol: 1e-12 });
  // A_R as a vector gives the same; joint itself has rho 0, random itself −1.
  assertClose(forgettingRatio(A, AJ, [0.5, 0.5, 0.25]), [0, -0.25, -1.25 / 3], 'A_R as a vector', { rtol: 1e-12, atol: 1e-12 });
  assertClose(forgettingRatio(AJ, AJ, AR), [0, 0, 0], 'joint vs itself', { rtol: 0, atol: 1e-12 });
  assertClose(forgettingRatio(AR, AJ, AR), [-1, -1, -1], 'random vs itself', { rtol: 0, atol: 1e-12 });
});

test('a zero denominator names t and u; a missing row is named', () => {
  const J = [[0.9], [0.9, 0.5]];
  assert.throws(() => forgettingMatrix([[0.9], [0.8, 0.6]], J, [[0.5], [0.5, 0.5]]), /task 1 after task 1/);
  assert.throws(() => forgettingMatrix([[0.9], [0.8, 0.6]], [[0.9]], [0.5, 0.5]), /joint: no accuracies after task 1/);
  assert.throws(() => forgettingMatrix([[0.9], [0.8]], J, [0.5, 0.5]), /task 1 after task 1/);
});

test('Student-t quantiles and the 95 % interval', () => {
  assert.is(studentT975(1), 12.706205);
  assert.is(studentT975(4), 2.776445);
  assert.is(studentT975(30), 2.042272);
  assert.is(studentT975(31), 1.959964);
  assert.throws(() => studentT975(0), /positive integer/);
  // Values 1, 2, 3, 4, 5: mean 3, sample sd sqrt(2.5), half = 2.776445 · sqrt(2.5 / 5).
  const iv = meanInterval([1, 2, 3, 4, 5]);
  assert.is(iv.mean, 3);
  assertClose([iv.half!], [2.776445 * Math.sqrt(0.5)], 'half-width', { rtol: 1e-12, atol: 0 });
  assert.equal(meanInterval([0.7]), { mean: 0.7, half: null, n: 1 });
});

const run = (approach: string, seed: number, accuracy: number[][]): RunResult => ({ benchmark: 'b', approach, seed, tasks: [], accuracy, maskUsage: [] });

test('over seeds: each seed against its own joint and random run, else their mean', () => {
  const runs = [run('sgd', 0, A), run('sgd', 1, [[0.9], [0.5, 0.8], [0.5, 0.5, 0.85]])];
  const joint = [run('joint', 0, AJ), run('joint', 1, AJ)];
  const random = [run('random', 0, AR)];
  const iv = forgettingOverSeeds(runs, joint, random);
  // seed 1: t1 u0 0/0.4 − 1 = −1, u1 0 → −0.5; t2 u0 −1, u1 0/0.3 − 1 = −1, u2 0 → −2/3
  assertClose(iv.map((i) => i.mean), [0, (-0.25 - 0.5) / 2, (-1.25 / 3 - 2 / 3) / 2], 'means', { rtol: 1e-12, atol: 1e-12 });
  assertClose([iv[1]!.half!], [12.706205 * Math.abs(-0.25 + 0.5) / 2], 'half-width, df 1', { rtol: 1e-9, atol: 0 });
});

test('random: Σ p_train(k) p_test(k) matches the label frequencies and a simulated guesser', () => {
  const train = [0, 0, 0, 1, 2, 2, 2, 2]; // 3/8, 1/8, 4/8
  const testL = [0, 1, 1, 2]; // 1/4, 2/4, 1/4
  assert.equal(labelFrequencies(train), [0.375, 0.125, 0.5]);
  assertClose([stratifiedAccuracy(train, testL)], [0.375 * 0.25 + 0.125 * 0.5 + 0.5 * 0.25], 'by hand', { rtol: 1e-12, atol: 0 });
  // A guesser drawing from the training labels agrees within 4 standard errors.
  const u = randomArray(200000, 7, 0, 1);
  let right = 0;
  for (let i = 0; i < u.length; i++) if (train[Math.floor(u[i]! * train.length)] === testL[i % testL.length]) right++;
  const expect = stratifiedAccuracy(train, testL), se = Math.sqrt((expect * (1 - expect)) / u.length);
  assert.ok(Math.abs(right / u.length - expect) < 4 * se, `simulated ${right / u.length} vs ${expect}`);

  const tasks = [
    { name: 'a', classes: [0, 1], train: { labels: [0, 0, 0, 1], n: 4 }, valid: { n: 1 }, test: { labels: [0, 1], n: 2 } },
    { name: 'b', classes: [2, 3, 4], train: { labels: [0, 1, 2], n: 3 }, valid: { n: 0 }, test: { labels: [2, 2, 2], n: 3 } },
  ];
  const r = randomResults('toy', tasks, 3);
  assert.is(r.approach, 'random');
  assert.is(r.seed, 3);
  assert.equal(r.accuracy, [[0.5], [0.5, 1 / 3]]);
  assert.equal(r.maskUsage, [[], []]);
  assert.equal(r.tasks[1], { name: 'b', classes: [2, 3, 4], nTrain: 3, nValid: 0, nTest: 3 });
});

test.run();
