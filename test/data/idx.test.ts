import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { encodeIdx, idxDataset, parseIdx, parseIdxImages, parseIdxLabels } from '../../src/data/idx.ts';
import { loadIdxDataset, readMaybeGzip } from '../../src/data/node-files.ts';
import { tempDir, throwsWith, writeBytes } from './_helpers.ts';

const dir = tempDir('idx');
const N = 6;
const pixels = Uint8Array.from({ length: N * 3 * 4 }, (_, i) => (i * 11) % 256);
const labelBytes = Uint8Array.of(0, 1, 2, 3, 4, 5);
const imagesIdx = encodeIdx([N, 3, 4], pixels);
const labelsIdx = encodeIdx([N], labelBytes);

test('encodes and parses images and labels', () => {
  assert.equal([...imagesIdx.subarray(0, 8)], [0, 0, 8, 3, 0, 0, 0, N]);
  const img = parseIdxImages(imagesIdx, 'x');
  assert.is(img.count, N);
  assert.is(img.height, 3);
  assert.is(img.width, 4);
  assert.equal(img.pixels, pixels);
  assert.equal(parseIdxLabels(labelsIdx, 'y'), labelBytes);
  assert.equal(parseIdx(imagesIdx, 'x').dims, [N, 3, 4]);
});

test('reads raw and gzipped files to the same dataset, pixels scaled to [0, 1]', () => {
  const raw = loadIdxDataset(writeBytes(dir, 'img', imagesIdx), writeBytes(dir, 'lab', labelsIdx));
  const gz = loadIdxDataset(writeBytes(dir, 'img.gz', imagesIdx, true), writeBytes(dir, 'lab.gz', labelsIdx, true));
  assert.equal(raw, gz);
  assert.is(raw.n, N);
  assert.is(raw.channels, 1);
  assert.is(raw.classes, 6);
  assert.is(raw.images[1], Math.fround(11 / 255));
  assert.equal([...raw.labels], [0, 1, 2, 3, 4, 5]);
  // gzip is detected by content, not by name
  const disguised = writeBytes(dir, 'plain-name', imagesIdx, true);
  assert.equal(readMaybeGzip(disguised), imagesIdx);
});

test('missing file names the path', () => {
  const missing = join(dir, 'nope-images');
  throwsWith(() => loadIdxDataset(missing, join(dir, 'lab')), 'file not found', missing);
});

test('wrong magic names the file and both numbers', () => {
  throwsWith(() => parseIdxImages(labelsIdx, 'labels.idx'), 'labels.idx', 'wrong magic', '0x00000801', '0x00000803');
  throwsWith(() => parseIdxLabels(imagesIdx, 'images.idx'), 'images.idx', '0x00000803', 'expected 0x00000801');
  const junk = Uint8Array.of(0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0);
  throwsWith(() => parseIdx(junk, 'junk.bin'), 'junk.bin', 'wrong magic', '0x12345678');
  const path = writeBytes(dir, 'bad-magic.gz', junk, true);
  throwsWith(() => loadIdxDataset(path, join(dir, 'lab')), path, 'wrong magic');
});

test('truncated data and header are reported with byte counts', () => {
  const cut = imagesIdx.subarray(0, imagesIdx.length - 5);
  throwsWith(() => parseIdxImages(cut, 'cut.idx'), 'cut.idx', 'truncated', `${N} × 3 × 4`, `need ${N * 12} bytes`, `has ${N * 12 - 5}`);
  throwsWith(() => parseIdxImages(imagesIdx.subarray(0, 9), 'head.idx'), 'head.idx', 'truncated IDX header');
  throwsWith(() => parseIdx(Uint8Array.of(0, 0), 'tiny.idx'), 'tiny.idx', 'truncated');
  const long = new Uint8Array(labelsIdx.length + 1);
  long.set(labelsIdx);
  throwsWith(() => parseIdxLabels(long, 'long.idx'), 'long.idx', 'too long');
  const path = writeBytes(dir, 'cut.gz', cut, true);
  throwsWith(() => loadIdxDataset(path, join(dir, 'lab')), path, 'truncated');
});

test('image/label count mismatch names both files', () => {
  const fewer = encodeIdx([N - 1], labelBytes.subarray(0, N - 1));
  throwsWith(() => idxDataset(imagesIdx, 'a-images', fewer, 'a-labels'), 'a-images', `${N} images`, 'a-labels', `${N - 1} labels`);
});

test('parseIdx refuses gzip bytes with a hint', () => {
  throwsWith(() => parseIdx(gzipSync(imagesIdx), 'z.gz'), 'z.gz', 'gzip');
});

test.run();
