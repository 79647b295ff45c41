// A checkpoint is validated before a resume uses it: a state that passes its CRC but lacks a field, or
// holds a task, epoch or learning rate out of range, is a CheckpointError naming the file and the field,
// and the readers skip it like a damaged file, resuming from the newest good one instead (which stays on
// disk). A NaN in a tensor is damage; a folder named like a checkpoint is skipped and named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getEngine } from '../helpers.ts';
import { positionLabel, type TrainerSnapshot, type TrainerState } from '../../src/train/state.ts';
import { createApproach, createTrainer } from '../../src/approaches/registry.ts';
import { Trainer } from '../../src/train/trainer.ts';
import type { Approach } from '../../src/config/train-config.ts';
import { validateTrainerState } from '../../src/train/checkpoint-state.ts';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../src/io/checkpoint.ts';
import { CheckpointDir, checkpointName, listCheckpoints, newestValidCheckpoint, readCheckpoint, resolveCheckpoint } from '../../src/io/checkpoint-dir.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';
import { tempDir } from './_cli.ts';

const config = smallConfig({ epochs: 2, seed: 5 });
const run = { tasks: 2, epochs: 2 };
const validate = (state: unknown, source: string) => validateTrainerState(state, run, source);
const meta = (s: TrainerSnapshot) => ({ benchmark: 'clusters', config: { ...config }, taskNames: ['a', 'b'], label: positionLabel(s.state), seq: 0, createdAt: '' });

let snapshots: TrainerSnapshot[] | null = null;
/** Every snapshot of a real 2-task, 2-epoch run (start, each epoch, each task). */
async function realSnapshots(): Promise<TrainerSnapshot[]> {
  if (snapshots) return snapshots;
  const engine = await getEngine();
  const trainer = createTrainer(engine, clusterTasks(2, 5, 64), config);
  const got: TrainerSnapshot[] = [];
  try {
    await trainer.run({}, { checkpoint: (s) => { got.push(structuredClone(s)); } });
  } finally {
    trainer.dispose();
  }
  snapshots = got;
  return got;
}

function fileOf(s: TrainerSnapshot, state: unknown = s.state): Uint8Array {
  return encodeCheckpoint({ state, tensors: s.tensors, meta: meta(s) });
}

function refusal(bytes: Uint8Array, field: RegExp): void {
  assert.throws(() => decodeCheckpoint(bytes, 'run/checkpoint-000004.hatckpt', validate), (e: Error) => {
    assert.instance(e, CheckpointError, e.stack);
    assert.is((e as CheckpointError).problem, 'invalid state');
    assert.match(e.message, /^checkpoint run\/checkpoint-000004\.hatckpt is intact but holds an invalid state: /);
    assert.match(e.message, field);
    return true;
  });
}

test('every checkpoint a real run writes passes the validator unchanged', async () => {
  const all = await realSnapshots();
  assert.is(all.length, 7);
  for (const s of all) {
    const c = decodeCheckpoint<TrainerState>(fileOf(s), 'memory', validate);
    assert.equal(c.state, s.state, positionLabel(s.state));
  }
});

test('every approach\'s checkpoints pass the validator (PathNet plans its own epochs; joint, progressive and the baselines keep their own state)', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(2, 11, 48);
  const approaches: Approach[] = ['hat', 'sgd', 'ewc', 'imm-mean', 'imm-mode', 'lwf', 'lfl', 'sgd-frozen', 'joint', 'pathnet', 'progressive'];
  for (const approach of approaches) {
    const cfg = smallConfig({ approach, epochs: 2, hidden: [8, 8], seed: 2 });
    const trainer = new Trainer(engine, tasks, cfg, createApproach(cfg, { generations: 1 }));
    const states: unknown[] = [];
    try {
      await trainer.run({}, { checkpoint: (snap) => { states.push(decodeCheckpoint(fileOf(snap), approach).state); } });
    } finally {
      trainer.dispose();
    }
    assert.ok(states.length >= 3, approach);
    for (const st of states) validateTrainerState(st, { tasks: 2, epochs: 2 }, approach);
  }
});

test('a state without results, or with a task, epoch, lr or step out of range, is refused naming the field', async () => {
  const [start, , epoch2, afterTask1] = await realSnapshots();
  const edit = (s: TrainerSnapshot, change: (st: Record<string, any>) => void) => {
    const st = structuredClone(s.state) as unknown as Record<string, any>;
    change(st);
    return fileOf(s, st);
  };
  refusal(edit(afterTask1!, (st) => { delete st.results; }), /state\.results should be an object, it is missing/);
  refusal(edit(afterTask1!, (st) => { st.task = 99; }), /state\.task should be an integer in \[0, 2\], it is 99/);
  refusal(edit(start!, (st) => { st.task = -1; }), /state\.task should be an integer in \[0, 2\], it is -1/);
  refusal(edit(start!, (st) => { st.task = 0.5; }), /state\.task/);
  refusal(edit(start!, (st) => { st.step = -3; }), /state\.step should be an integer ≥ 0, it is -3/);
  refusal(edit(start!, (st) => { st.rngDraws = '4'; }), /state\.rngDraws/);
  refusal(edit(epoch2!, (st) => { st.inTask.epoch = 3; }), /state\.inTask\.epoch should be an integer in \[0, 2\], it is 3/);
  refusal(edit(epoch2!, (st) => { st.inTask.lr = 0; }), /state\.inTask\.lr should be a finite number/);
  refusal(edit(epoch2!, (st) => { st.inTask.lr = Infinity; }), /state\.inTask\.lr .* it is Infinity/);
  refusal(edit(epoch2!, (st) => { st.inTask.stopped = 'no'; }), /state\.inTask\.stopped should be true or false/);
  refusal(edit(epoch2!, (st) => { st.inTask.reports.pop(); }), /state\.inTask\.reports should be an array of 2, it is an array of 1/);
  refusal(edit(afterTask1!, (st) => { st.results.accuracy = []; }), /state\.results\.accuracy should be an array of 1, it is an array of 0/);
  refusal(edit(afterTask1!, (st) => { st.results.accuracy[0] = [0.5, 0.5]; }), /state\.results\.accuracy\[0\] should be an array of 1/);
  refusal(edit(afterTask1!, (st) => { st.results.maskUsage.push([0.1]); }), /state\.results\.maskUsage should be an array of 1/);
  refusal(edit(afterTask1!, (st) => { st.results.accuracyTaskAgnostic = [[0.5], [0.5, 0.5]]; }), /state\.results\.accuracyTaskAgnostic should be an array of 1, it is an array of 2/);
  refusal(edit(afterTask1!, (st) => { st.results.taskInferenceAccuracy = [[2]]; }), /state\.results\.taskInferenceAccuracy\[0\]\[0\] should be a finite number in \[0, 1\], it is 2/);
  // Older checkpoints lack them, or hold empty rows for the tasks finished before them.
  for (const older of [(st: Record<string, any>) => { delete st.results.accuracyTaskAgnostic; delete st.results.taskInferenceAccuracy; }, (st: Record<string, any>) => { st.results.accuracyTaskAgnostic = [[]]; st.results.taskInferenceAccuracy = [[]]; }]) {
    decodeCheckpoint(edit(afterTask1!, older), 'older', validate);
  }
  refusal(edit(afterTask1!, (st) => { st.inTask = { epoch: 0 }; st.task = 2; }), /state\.inTask should be null when task is 2/);
  refusal(edit(start!, (st) => { st.results.trainedSamples = -1; }), /state\.results\.trainedSamples/);
  refusal(fileOf(start!, null), /state\. should be an object, it is null/);
  // The run description is checked by io itself: a resume compares it with the command line.
  const noMeta = encodeCheckpoint({ state: start!.state, tensors: start!.tensors, meta: { ...meta(start!), taskNames: 'a,b' as unknown as string[] } });
  refusal(noMeta, /meta\.taskNames should be an array of strings/);
});

test('a NaN or Infinity in a tensor is damage, never intact', async () => {
  const [, , epoch2] = await realSnapshots();
  const tensors = new Map([...epoch2!.tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data.slice() }]));
  const name = [...tensors.keys()][0]!;
  tensors.get(name)!.data[3] = NaN;
  const bytes = encodeCheckpoint({ state: epoch2!.state, tensors, meta: meta(epoch2!) });
  assert.throws(() => decodeCheckpoint(bytes, 'x.hatckpt'), (e: Error) => e instanceof CheckpointError && e.problem === 'corrupted'
    && e.message === `checkpoint x.hatckpt is corrupted: tensor ${name} holds NaN at index 3 (training never writes a non-finite value); it was not loaded`);
  tensors.get(name)!.data[3] = -Infinity;
  assert.throws(() => decodeCheckpoint(encodeCheckpoint({ state: epoch2!.state, tensors, meta: meta(epoch2!) })), /holds -Infinity at index 3/);
});

test('the newest valid checkpoint skips an invalid state like a damaged file, and the good one it resumes from stays on disk', async () => {
  const all = await realSnapshots();
  const dir = tempDir('ckpt-state');
  const writer = new CheckpointDir(dir);
  for (const s of all.slice(0, 3)) writer.write({ state: s.state, tensors: s.tensors, meta: meta(s) });
  // A fourth checkpoint from a bad build: intact bytes, no results.
  const bad = structuredClone(all[3]!.state) as unknown as Record<string, unknown>;
  delete bad.results;
  writeFileSync(join(dir, checkpointName(3)), fileOf(all[3]!, bad));

  const skipped: CheckpointError[] = [];
  const found = newestValidCheckpoint<TrainerState>(dir, (e) => skipped.push(e), validate);
  assert.is(found?.path, join(dir, checkpointName(2)));
  assert.equal(skipped.map((e) => [e.source, e.problem]), [[join(dir, checkpointName(3)), 'invalid state']]);
  assert.match(skipped[0]!.message, /state\.results should be an object, it is missing/);
  assert.is(resolveCheckpoint<TrainerState>(dir, () => {}, validate).path, join(dir, checkpointName(2)));
  assert.throws(() => readCheckpoint(join(dir, checkpointName(3)), validate), /checkpoint-000003\.hatckpt is intact but holds an invalid state/);
  // A reader without a command line (an export) takes the run's shape from the checkpoint's meta.
  const fromMeta = (st: unknown, source: string, m: { taskNames: string[]; config: Record<string, unknown> }) => validateTrainerState(st, { tasks: m.taskNames.length, epochs: Number(m.config.epochs) }, source);
  assert.is(resolveCheckpoint<TrainerState>(dir, () => {}, fromMeta).path, join(dir, checkpointName(2)));
  // Without a validator the readers are as before (the state is the caller's business).
  assert.is(newestValidCheckpoint(dir)?.path, join(dir, checkpointName(3)));

  // The resumed run writes one checkpoint and stops: the good checkpoints it found are all still there.
  const resumed = new CheckpointDir(dir);
  resumed.write({ state: all[3]!.state, tensors: all[3]!.tensors, meta: meta(all[3]!) });
  assert.equal(listCheckpoints(dir).map((c) => c.seq), [4, 3, 2, 1, 0]);
  assert.is(newestValidCheckpoint<TrainerState>(dir, () => {}, validate)?.path, join(dir, checkpointName(4)));
});

test('a folder (or any non-file) named like a checkpoint is skipped and named, not an EISDIR without a path', async () => {
  const [start] = await realSnapshots();
  const dir = tempDir('ckpt-nonfile');
  new CheckpointDir(dir).write({ state: start!.state, tensors: start!.tensors, meta: meta(start!) });
  const folder = join(dir, checkpointName(7));
  mkdirSync(folder);
  const skipped: CheckpointError[] = [];
  const found = newestValidCheckpoint<TrainerState>(dir, (e) => skipped.push(e), validate);
  assert.is(found?.path, join(dir, checkpointName(0)));
  assert.is(skipped.length, 1);
  assert.is(skipped[0]!.message, `checkpoint ${folder} is not a checkpoint: it is a directory; it was not loaded`);
  assert.throws(() => readCheckpoint(folder), (e: Error) => e instanceof CheckpointError && e.message.includes(folder));
  // A writer in that folder numbers past it and never deletes it.
  const writer = new CheckpointDir(dir, 1);
  for (let i = 0; i < 3; i++) writer.write({ state: start!.state, tensors: start!.tensors, meta: meta(start!) });
  assert.ok(existsSync(folder));
  assert.equal(listCheckpoints(dir).map((c) => c.seq), [10, 7]);
  assert.ok(readFileSync(join(dir, checkpointName(10))).length > 0);
});

test.run();
