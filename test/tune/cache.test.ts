// The tune cache: round trip through each backend, a corrupt or foreign document ignored with a warning
// and rebuilt, one document per adapter, stale entries (another source hash) dropped, and tunedChoice
// reading what was stored once installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterHash, memoryTuneStorage, TuneCache, TUNE_CACHE_VERSION, type AdapterIdentity, type TuneEntry } from '../../bench/tune/index.ts';
import { defaultTuneDir, fileTuneStorage, tuneFilePath } from '../../bench/tune/file-storage.ts';

const LAVAPIPE: AdapterIdentity = { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)', device: 'llvmpipe' };
const OTHER: AdapterIdentity = { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200', device: '' };

function entry(kernel: string, shapeClass: string, sourceHash = 'aaa', choice = { wg: 128 }): TuneEntry {
  return { kernel, shapeClass, shape: { n: 10 }, sourceHash, choice, baseline: { wg: 256 }, ratioToBaseline: 0.8, clock: 'wall', timings: [{ spec: choice, ms: 1 }], rejected: [], date: '2026-01-01T00:00:00.000Z' };
}

function warnings(): { warn: (m: string) => void; list: string[] } {
  const list: string[] = [];
  return { warn: (m) => list.push(m), list };
}

test('file backend: round trip, under XDG_CACHE_HOME/webgpu-hat, tune-<adapter hash>.json, no temporary left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tune-cache-'));
  try {
    assert.is(defaultTuneDir({ XDG_CACHE_HOME: '/x/cache' }, '/home/u'), '/x/cache/webgpu-hat');
    assert.is(defaultTuneDir({}, '/home/u'), '/home/u/.cache/webgpu-hat');
    assert.is(defaultTuneDir({ XDG_CACHE_HOME: 'relative' }, '/home/u'), '/home/u/.cache/webgpu-hat', 'XDG wants an absolute path');
    const storage = fileTuneStorage(dir);
    const w = warnings();
    const cache = await TuneCache.open(LAVAPIPE, storage, { warn: w.warn });
    assert.is(cache.get('matmul', 'nn/large/vec4'), null);
    await cache.put(entry('matmul', 'nn/large/vec4'));
    const hash = await adapterHash(LAVAPIPE);
    assert.match(hash, /^[0-9a-f]{16}$/);
    assert.equal(readdirSync(dir), [`tune-${hash}.json`]);
    const stored = JSON.parse(readFileSync(tuneFilePath(dir, hash), 'utf8'));
    assert.is(stored.version, TUNE_CACHE_VERSION);
    assert.equal(stored.adapter, LAVAPIPE);
    const again = await TuneCache.open(LAVAPIPE, storage, { warn: w.warn });
    assert.equal(again.choice('matmul', 'nn/large/vec4'), { wg: 128 });
    assert.is(again.choice('matmul', 'nt/small/scalar'), null);
    assert.equal(w.list, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt document is ignored with a warning and rebuilt at the next write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tune-cache-'));
  try {
    const storage = fileTuneStorage(dir);
    const path = tuneFilePath(dir, await adapterHash(LAVAPIPE));
    writeFileSync(path, '{"format": "webgpu-hat-tune", "vers');
    const w = warnings();
    const cache = await TuneCache.open(LAVAPIPE, storage, { warn: w.warn });
    assert.is(w.list.length, 1);
    assert.match(w.list[0]!, /ignored, not JSON .*rebuilt/);
    assert.equal(cache.entries(), []);
    await cache.put(entry('conv2d', 'small'));
    const rebuilt = await TuneCache.open(LAVAPIPE, storage, { warn: w.warn });
    assert.equal(rebuilt.choice('conv2d', 'small'), { wg: 128 });
    assert.is(w.list.length, 1, 'the rebuilt document reads without a warning');

    const mem = memoryTuneStorage();
    const h = await adapterHash(LAVAPIPE);
    for (const [text, problem] of [
      [JSON.stringify({ format: 'webgpu-hat-tune', version: TUNE_CACHE_VERSION + 1, adapter: LAVAPIPE, entries: {} }), /version/],
      [JSON.stringify({ format: 'something-else' }), /not a webgpu-hat tune cache/],
      [JSON.stringify({ format: 'webgpu-hat-tune', version: TUNE_CACHE_VERSION, adapter: LAVAPIPE, entries: { 'matmul|x': { kernel: 'matmul' } } }), /shapeClass is not a string/],
      [JSON.stringify({ format: 'webgpu-hat-tune', version: TUNE_CACHE_VERSION, adapter: OTHER, entries: {} }), /another adapter/],
    ] as const) {
      mem.documents.set(h, text);
      const ww = warnings();
      const c = await TuneCache.open(LAVAPIPE, mem, { warn: ww.warn });
      assert.is(ww.list.length, 1, String(problem));
      assert.match(ww.list[0]!, problem);
      assert.equal(c.entries(), []);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('another adapter gets its own document and entries', async () => {
  const storage = memoryTuneStorage();
  const a = await TuneCache.open(LAVAPIPE, storage);
  const b = await TuneCache.open(OTHER, storage);
  await a.put(entry('matmul', 'nn/large/vec4', 'aaa', { wg: 64 }));
  await b.put(entry('matmul', 'nn/large/vec4', 'aaa', { wg: 256 }));
  assert.is(storage.documents.size, 2);
  assert.is.not(await adapterHash(LAVAPIPE), await adapterHash(OTHER));
  assert.equal((await TuneCache.open(LAVAPIPE, storage)).choice('matmul', 'nn/large/vec4'), { wg: 64 });
  assert.equal((await TuneCache.open(OTHER, storage)).choice('matmul', 'nn/large/vec4'), { wg: 256 });
  const driverUpdate = { ...LAVAPIPE, description: 'llvmpipe (LLVM 17.0.1, 256 bits)' };
  assert.is((await TuneCache.open(driverUpdate, storage)).choice('matmul', 'nn/large/vec4'), null, 'a new driver description is another adapter');
});

test('a changed source hash makes an entry stale: dropped with a warning, the others kept', async () => {
  const storage = memoryTuneStorage();
  const cache = await TuneCache.open(LAVAPIPE, storage);
  await cache.put(entry('matmul', 'a', 'old-hash'));
  await cache.put(entry('conv2d', 'b', 'current-hash'));
  const w = warnings();
  const reopened = await TuneCache.open(LAVAPIPE, storage, { warn: w.warn, isCurrent: (e) => e.sourceHash === 'current-hash' });
  assert.is(reopened.get('matmul', 'a'), null);
  assert.ok(reopened.get('conv2d', 'b'));
  assert.is(w.list.length, 1);
  assert.match(w.list[0]!, /matmul \(a\) was tuned for another version of the kernel/);
});

test.run();
