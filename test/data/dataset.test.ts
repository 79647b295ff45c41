import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  batches,
  batchCount,
  classCounts,
  concat,
  copyChannels,
  makeDataset,
  normalize,
  pad,
  permutePixels,
  pixelPermutation,
  selectClasses,
  splitTrainValid,
  subset,
  type Dataset,
} from '../../src/data/dataset.ts';
import { Rng } from '../../src/data/rng.ts';

/** n samples of 1×2×2; sample i has pixel values 10i + p and label i % classes. */
function toy(n: number, classes = 4): Dataset {
  const images = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) for (let p = 0; p < 4; p++) images[i * 4 + p] = 10 * i + p;
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  return makeDataset({ images, labels, n, channels: 1, height: 2, width: 2, classes });
}

test('makeDataset checks shapes and label range', () => {
  assert.throws(() => makeDataset({ images: new Float32Array(3), labels: new Int32Array(1), n: 1, channels: 1, height: 2, width: 2 }), /images has 3 values/);
  assert.throws(() => makeDataset({ images: new Float32Array(4), labels: new Int32Array(2), n: 1, channels: 1, height: 2, width: 2 }), /labels has 2/);
  assert.throws(() => makeDataset({ images: new Float32Array(4), labels: Int32Array.of(3), n: 1, channels: 1, height: 2, width: 2, classes: 2 }), /label 3/);
});

test('selectClasses keeps the listed classes, relabelled in the given order', () => {
  const ds = toy(12);
  const sel = selectClasses(ds, [3, 1]);
  assert.is(sel.n, 6);
  assert.is(sel.classes, 2);
  // samples 1, 3, 5, 7, 9, 11 in order; class 3 → 0, class 1 → 1
  assert.equal([...sel.labels], [1, 0, 1, 0, 1, 0]);
  assert.equal([...sel.images.subarray(0, 4)], [10, 11, 12, 13]);
  assert.equal([...sel.images.subarray(4, 8)], [30, 31, 32, 33]);
  assert.throws(() => selectClasses(ds, []), /empty/);
  assert.throws(() => selectClasses(ds, [4]), /out of range/);
  assert.throws(() => selectClasses(ds, [1, 1]), /twice/);
  assert.equal([...classCounts(ds)], [3, 3, 3, 3]);
});

test('pad puts raw zeros around the image, then normalise maps the border to -mean/std', () => {
  const ds = makeDataset({ images: new Float32Array([1, 2, 3, 4]), labels: Int32Array.of(0), n: 1, channels: 1, height: 2, width: 2 });
  const padded = pad(ds, 4);
  assert.is(padded.height, 4);
  assert.equal([...padded.images], [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  const odd = pad(ds, 3, 5);
  assert.equal([...odd.images], [0, 1, 2, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0]);
  const norm = normalize(padded, 0.5, 2);
  assert.is(norm.images[0], -0.25);
  assert.is(norm.images[5], 0.25);
  assert.throws(() => pad(ds, 1), /at least/);
  // the input is untouched
  assert.equal([...ds.images], [1, 2, 3, 4]);
});

test('normalise per channel and copyChannels 1 → 3', () => {
  const ds = toy(2);
  const rgb = copyChannels(ds, 3);
  assert.is(rgb.channels, 3);
  assert.equal([...rgb.images.subarray(0, 12)], [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  assert.equal([...rgb.images.subarray(12)], [10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13]);
  const norm = normalize(rgb, [0, 1, 2], [1, 2, 4]);
  assert.equal([...norm.images.subarray(0, 12)], [0, 1, 2, 3, -0.5, 0, 0.5, 1, -0.5, -0.25, 0, 0.25]);
  assert.throws(() => normalize(rgb, [0, 1], 1), /2 entries but the dataset has 3 channels/);
  assert.throws(() => normalize(rgb, 0, 0), /positive/);
  assert.throws(() => copyChannels(rgb, 4), /only copy from 1 channel/);
});

test('pixel permutation is a seeded bijection applied per plane', () => {
  const ds = copyChannels(toy(3), 2);
  const perm = pixelPermutation(2, 2, new Rng(11));
  assert.equal([...perm].sort(), [0, 1, 2, 3]);
  assert.equal(pixelPermutation(2, 2, new Rng(11)), perm);
  const out = permutePixels(ds, perm);
  for (let q = 0; q < 6; q++) for (let p = 0; p < 4; p++) assert.is(out.images[q * 4 + p], ds.images[q * 4 + perm[p]]);
  assert.throws(() => permutePixels(ds, Int32Array.of(0, 0, 1, 2)), /bijection/);
  assert.throws(() => permutePixels(ds, Int32Array.of(0, 1)), /2 entries/);
});

test('train/validation split is seeded, disjoint and complete', () => {
  const ds = toy(100);
  const a = splitTrainValid(ds, 0.15, new Rng(3));
  const b = splitTrainValid(ds, 0.15, new Rng(3));
  const c = splitTrainValid(ds, 0.15, new Rng(4));
  assert.is(a.valid.n, 15);
  assert.is(a.train.n, 85);
  assert.equal(a.valid.images, b.valid.images);
  assert.not.equal(a.valid.images, c.valid.images);
  const ids = (d: Dataset) => Array.from({ length: d.n }, (_, i) => d.images[i * 4] / 10);
  const all = [...ids(a.train), ...ids(a.valid)].sort((x, y) => x - y);
  assert.equal(all, Array.from({ length: 100 }, (_, i) => i));
  // labels travel with their images
  for (let i = 0; i < a.valid.n; i++) assert.is(a.valid.labels[i], (a.valid.images[i * 4] / 10) % 4);
  assert.is(splitTrainValid(ds, 0, new Rng(1)).valid.n, 0);
  assert.throws(() => splitTrainValid(ds, 1, new Rng(1)), /validFraction/);
});

test('batches cover every sample exactly once per epoch, last partial batch included', () => {
  const ds = toy(23);
  const rng = new Rng(8);
  const seen: number[] = [];
  const sizes: number[] = [];
  for (const batch of batches(ds, 5, rng)) {
    sizes.push(batch.size);
    assert.is(batch.images.length, batch.size * 4);
    for (let k = 0; k < batch.size; k++) {
      const id = batch.images[k * 4] / 10;
      assert.is(id, batch.indices[k]);
      assert.is(batch.labels[k], ds.labels[id]);
      seen.push(id);
    }
  }
  assert.equal(sizes, [5, 5, 5, 5, 3]);
  assert.is(batchCount(ds, 5), 5);
  assert.equal([...seen].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
  assert.not.equal(seen, Array.from({ length: 23 }, (_, i) => i), 'shuffled');
  // a second epoch draws a different order; the same seed repeats the first
  const second = [...batches(ds, 5, rng)].flatMap((b) => [...b.indices]);
  assert.not.equal(second, seen);
  const again = [...batches(ds, 5, new Rng(8))].flatMap((b) => [...b.indices]);
  assert.equal(again, seen);
  // no rng: dataset order (evaluation)
  const ordered = [...batches(ds, 10)].flatMap((b) => [...b.indices]);
  assert.equal(ordered, Array.from({ length: 23 }, (_, i) => i));
});

test('subset and concat', () => {
  const ds = toy(5);
  const s = subset(ds, [4, 0]);
  assert.equal([...s.labels], [0, 0]);
  assert.equal([...s.images], [40, 41, 42, 43, 0, 1, 2, 3]);
  const joined = concat([s, ds]);
  assert.is(joined.n, 7);
  assert.is(joined.classes, 4);
  assert.throws(() => concat([ds, copyChannels(ds, 3)]), /differs/);
  assert.throws(() => subset(ds, [5]), /outside/);
});

test.run();
