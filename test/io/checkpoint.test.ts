// Checkpoints hold everything a run needs: resuming from any of them (start, after an epoch, after a
// task) ends with exactly the results and parameters of the uninterrupted run, and a damaged checkpoint
// file is named and refused, never loaded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEngine } from '../helpers.ts';
import { deadPid } from '../faults/_cli.ts';
import { positionLabel, type TrainerSnapshot, type TrainerState } from '../../src/train/state.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import type { Trainer } from '../../src/train/trainer.ts';
import { CheckpointError, decodeCheckpoint as decodeAny, encodeCheckpoint, type Checkpoint as CheckpointOf } from '../../src/io/checkpoint.ts';

type Checkpoint = CheckpointOf<TrainerState>;
const decodeCheckpoint = (bytes: Uint8Array, source?: string) => decodeAny<TrainerState>(bytes, source);
import { CheckpointDir, newestValidCheckpoint, readCheckpoint } from '../../src/io/checkpoint-dir.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';

const config = smallConfig({ epochs: 2, seed: 3 });
const meta = (s: TrainerSnapshot) => ({ benchmark: 'clusters', config: { ...config }, taskNames: ['a', 'b'], label: positionLabel(s.state), seq: 0, createdAt: '' });

async function finalState(trainer: Trainer) {
  return { fc1: Array.from(await trainer.net.layers[0]!.weight.float32()), e2: Array.from(await trainer.net.layers[1]!.embeddings[1]!.float32()), mask: Array.from(await trainer.net.layers[1]!.prevMask!.float32()), steps: trainer.steps };
}

test('resuming from every checkpoint (start, each epoch, each task) ends exactly as the uninterrupted run', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(2, 5, 128);
  const files: Uint8Array[] = [];
  const full = createTrainer(engine, tasks, config);
  let reference;
  try {
    const r = await full.run({}, { checkpoint: (s) => { files.push(encodeCheckpoint({ ...s, meta: meta(s) })); } });
    reference = { accuracy: r.accuracy, maskUsage: r.maskUsage, losses: r.epochs.map((e) => [e.trainLoss, e.validLoss, e.lr]), ...(await finalState(full)) };
  } finally {
    full.dispose();
  }
  const labels = files.map((b) => decodeCheckpoint(b).meta.label);
  assert.equal(labels, ['start', 'task 1 epoch 1', 'task 1 epoch 2', 'after task 1', 'task 2 epoch 1', 'task 2 epoch 2', 'after task 2']);
  for (const bytes of files) {
    const c = decodeCheckpoint(bytes, 'memory');
    const trainer = createTrainer(engine, tasks, config);
    try {
      const r = await trainer.run({}, { resume: c });
      const got = { accuracy: r.accuracy, maskUsage: r.maskUsage, losses: r.epochs.map((e) => [e.trainLoss, e.validLoss, e.lr]), ...(await finalState(trainer)) };
      assert.equal(got, reference, `resumed from "${c.meta.label}"`);
    } finally {
      trainer.dispose();
    }
  }
});

test('plain SGD (no embeddings, no masks) resumes exactly too', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(2, 6, 64);
  const sgd = smallConfig({ approach: 'sgd', epochs: 2 });
  const files: Uint8Array[] = [];
  const a = createTrainer(engine, tasks, sgd);
  let expected;
  try {
    expected = (await a.run({}, { checkpoint: (s) => { files.push(encodeCheckpoint({ ...s, meta: meta(s) })); } })).accuracy;
    expected.push(Array.from(await a.net.layers[1]!.weight.float32()));
  } finally {
    a.dispose();
  }
  const c = decodeCheckpoint(files[4]!);
  assert.not.ok([...c.tensors.keys()].some((n) => n.startsWith('mask.') || n.startsWith('efc')));
  const b = createTrainer(engine, tasks, sgd);
  try {
    const got = (await b.run({}, { resume: c })).accuracy;
    got.push(Array.from(await b.net.layers[1]!.weight.float32()));
    assert.equal(got, expected);
  } finally {
    b.dispose();
  }
});

test('a checkpoint holds parameters, masks, best copies, lr, patience, best loss, step, RNG draws and results', async () => {
  const engine = await getEngine();
  const snaps: TrainerSnapshot[] = [];
  const trainer = createTrainer(engine, clusterTasks(2, 5, 64), smallConfig({ epochs: 1 }));
  try {
    await trainer.run({}, { checkpoint: (s) => { snaps.push(s); } });
  } finally {
    trainer.dispose();
  }
  const mid = decodeCheckpoint(encodeCheckpoint({ ...snaps[3]!, meta: meta(snaps[3]!) }));
  assert.is(mid.meta.label, 'task 2 epoch 1');
  const names = [...mid.tensors.keys()];
  for (const n of ['fc1.weight', 'fc1.bias', 'efc1.0', 'efc1.1', 'efc2.1', 'last.0.weight', 'last.1.bias', 'mask.fc1', 'mask.fc2', 'best.fc1.weight', 'best.efc2.1', 'best.last.1.weight']) assert.ok(names.includes(n), `missing ${n} in ${names.join(' ')}`);
  // Best copies cover what may train in the task in progress: its embeddings, the shared layers and the
  // heads (LwF and joint training move earlier heads too), not the other tasks' embeddings.
  assert.ok(names.includes('best.last.0.weight'), 'best copies include every head');
  assert.not.ok(names.includes('best.efc1.0'), 'best copies are only of the task in progress');
  const s = mid.state;
  assert.is(s.task, 1);
  assert.is(s.rngDraws, 2);
  assert.is(s.step, 4); // 64 samples, batch 32, 2 epochs so far
  assert.ok(s.inTask && s.inTask.epoch === 1 && s.inTask.lr === 0.05 && s.inTask.patience === 5 && typeof s.inTask.bestLoss === 'number');
  assert.is(s.results.accuracy.length, 1);
  const a = snaps[3]!.tensors.get('fc2.weight')!.data, b = mid.tensors.get('fc2.weight')!.data;
  assert.equal(Array.from(b), Array.from(a));
});

test('truncated, corrupted, wrong-magic and wrong-version checkpoints are named and refused', async () => {
  const c: Checkpoint = {
    state: { task: 0, step: 0, rngDraws: 0, inTask: null, results: { accuracy: [], maskUsage: [], epochs: [], trainMs: 0, trainedSamples: 0 } },
    tensors: new Map([['fc1.weight', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]]),
    meta: { benchmark: 'x', config: {}, taskNames: [], label: 'start', seq: 0, createdAt: '' },
  };
  const good = encodeCheckpoint(c);
  assert.equal(Array.from(decodeCheckpoint(good).tensors.get('fc1.weight')!.data), [1, 2, 3, 4, 5, 6]);
  const expectProblem = (bytes: Uint8Array, problem: string, text: RegExp) => {
    try {
      decodeCheckpoint(bytes, 'ck.hatckpt');
      assert.unreachable(`${problem} was loaded`);
    } catch (e) {
      assert.instance(e, CheckpointError);
      assert.is((e as CheckpointError).problem, problem);
      assert.match((e as Error).message, /^checkpoint ck\.hatckpt is /);
      assert.match((e as Error).message, text);
    }
  };
  expectProblem(good.subarray(0, good.length - 5), 'truncated', /payload should be \d+ bytes, the file holds \d+/);
  expectProblem(good.subarray(0, 10), 'truncated', /shorter than the 24-byte prefix/);
  expectProblem(new Uint8Array(0), 'truncated', /0 bytes/);
  const flipped = good.slice(); flipped[flipped.length - 3]! ^= 0x10;
  expectProblem(flipped, 'corrupted', /CRC-32 of the payload is 0x[0-9a-f]{8}, the header says 0x[0-9a-f]{8}/);
  const magic = good.slice(); magic[0] = 'X'.charCodeAt(0);
  expectProblem(magic, 'not a checkpoint', /starts with "XGHATCKP"/);
  const version = good.slice(); version[8] = 9;
  expectProblem(version, 'unsupported version', /format version 9, this build reads 1/);
  const longer = new Uint8Array(good.length + 4); longer.set(good);
  expectProblem(longer, 'corrupted', /4 bytes after the/);
});

test('the newest valid checkpoint is found: damaged newer ones are skipped and named; temp files are ignored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hat-ckpt-'));
  try {
    const base: Checkpoint = {
      state: { task: 0, step: 0, rngDraws: 0, inTask: null, results: { accuracy: [], maskUsage: [], epochs: [], trainMs: 0, trainedSamples: 0 } },
      tensors: new Map([['w', { shape: [1], data: Float32Array.from([0]) }]]),
      meta: { benchmark: 'x', config: {}, taskNames: [], label: 'start', seq: 0, createdAt: '' },
    };
    const d = new CheckpointDir(dir, 3);
    const paths = [0, 1, 2, 3].map((i) => d.write({ ...base, state: { ...base.state, step: i } }));
    assert.equal(readdirSync(dir).sort(), ['checkpoint-000001.hatckpt', 'checkpoint-000002.hatckpt', 'checkpoint-000003.hatckpt'], 'the newest 3 are kept');
    assert.is(readCheckpoint<TrainerState>(paths[3]!).state.step, 3);
    // A crash mid-write leaves only a temp file; the newest complete file is truncated by hand here.
    writeFileSync(join(dir, `checkpoint-000004.hatckpt.tmp-${deadPid()}`), 'partial');
    const whole = readFileSync(paths[3]!);
    writeFileSync(paths[3]!, whole.subarray(0, whole.length >> 1));
    const skipped: string[] = [];
    const found = newestValidCheckpoint<TrainerState>(dir, (e) => skipped.push(e.message));
    assert.is(found!.path, paths[2]);
    assert.is(found!.checkpoint.state.step, 2);
    assert.is(skipped.length, 1);
    assert.match(skipped[0]!, /checkpoint-000003\.hatckpt is truncated/);
    // A new writer continues the numbering and clears leftovers of interrupted writes.
    const d2 = new CheckpointDir(dir, 3);
    assert.ok(d2.write(base).endsWith('checkpoint-000004.hatckpt'));
    assert.not.ok(readdirSync(dir).some((n) => n.includes('.tmp-')), 'temp file left behind');
    // All damaged: an error listing each.
    for (const n of readdirSync(dir)) writeFileSync(join(dir, n), 'garbage that is not a checkpoint at all');
    assert.throws(() => newestValidCheckpoint(dir), /no valid checkpoint in .*\n.*checkpoint-000004\.hatckpt is not a checkpoint/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
