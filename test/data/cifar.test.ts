import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCifar10, parseCifar100 } from '../../src/data/cifar.ts';
import { loadCifarFiles } from '../../src/data/node-files.ts';
import { cifar100Bytes, cifar10Bytes, tempDir, throwsWith, writeBytes } from './_helpers.ts';

const dir = tempDir('cifar');

test('CIFAR-10 records: label then channel-major pixels in [0, 1]', () => {
  const ds = parseCifar10(cifar10Bytes([3, 9, 0]), 'batch.bin');
  assert.is(ds.n, 3);
  assert.is(ds.channels, 3);
  assert.is(ds.height, 32);
  assert.is(ds.classes, 10);
  assert.equal([...ds.labels], [3, 9, 0]);
  assert.is(ds.images[0], 0);
  assert.is(ds.images[1024], (1024 % 256) / 255); // first G byte
  assert.is(ds.images[3072 + 5], Math.fround((7 + 5) / 255)); // record 1, pixel 5
});

test('CIFAR-100 fine and coarse labels', () => {
  const bytes = cifar100Bytes([[19, 99], [0, 42]]);
  const fine = parseCifar100(bytes, 'train.bin');
  assert.equal([...fine.labels], [99, 42]);
  assert.is(fine.classes, 100);
  const coarse = parseCifar100(bytes, 'train.bin', 'coarse');
  assert.equal([...coarse.labels], [19, 0]);
  assert.is(coarse.classes, 20);
  assert.is(fine.images[3072 + 1], Math.fround(2 / 255));
});

test('size not a multiple of the record length names the file', () => {
  const bytes = cifar10Bytes([1, 2]).subarray(0, 3073 + 100);
  throwsWith(() => parseCifar10(bytes, 'data_batch_1.bin'), 'data_batch_1.bin', 'not a multiple', '3073', '100 extra bytes');
  throwsWith(() => parseCifar100(cifar10Bytes([1, 2]), 'test.bin'), 'test.bin', 'not a multiple', '3074');
  throwsWith(() => parseCifar10(new Uint8Array(0), 'empty.bin'), 'empty.bin', 'empty');
});

test('out-of-range labels name the file and record', () => {
  throwsWith(() => parseCifar10(cifar10Bytes([1, 10]), 'b.bin'), 'b.bin', 'record 1', 'label 10', '0..9');
  throwsWith(() => parseCifar100(cifar100Bytes([[20, 5]]), 'c.bin', 'coarse'), 'c.bin', 'label 20', '0..19');
  throwsWith(() => parseCifar100(cifar100Bytes([[2, 100]]), 'c.bin'), 'c.bin', 'label 100', '0..99');
});

test('loads several files (raw and gzipped) in order', () => {
  const a = writeBytes(dir, 'data_batch_1.bin', cifar10Bytes([1, 2]));
  const b = writeBytes(dir, 'data_batch_2.bin.gz', cifar10Bytes([3]), true);
  const ds = loadCifarFiles([a, b], 'cifar10');
  assert.is(ds.n, 3);
  assert.equal([...ds.labels], [1, 2, 3]);
  const c = writeBytes(dir, 'train', cifar100Bytes([[1, 50]]));
  assert.equal([...loadCifarFiles([c], 'cifar100', 'coarse').labels], [1]);
  throwsWith(() => loadCifarFiles([a, dir + '/missing.bin'], 'cifar10'), 'file not found', 'missing.bin');
});

test.run();
