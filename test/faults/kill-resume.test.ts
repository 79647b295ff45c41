// A real `webgpu-hat train` process killed with SIGKILL mid-task, twice, then resumed, ends with the same
// results JSON (accuracies, mask usage, every epoch's losses) as an uninterrupted run with the same seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliAndKill, tempDir, writeIdxSequence } from './_cli.ts';

const comparable = (path: string) => {
  const r = JSON.parse(readFileSync(path, 'utf8'));
  return { accuracy: r.accuracy, maskUsage: r.maskUsage, epochs: r.epochs.map((e: Record<string, number>) => [e.task, e.epoch, e.trainLoss, e.validLoss, e.validAccuracy, e.lr]) };
};

test('SIGKILL mid-task, resume, SIGKILL again, resume: same results as the uninterrupted run', async () => {
  const dir = tempDir('kill');
  try {
    const seq = writeIdxSequence(dir, { tasks: 2, train: 1200 });
    const common = ['train', '--benchmark', seq, '--hidden', '32,32', '--epochs', '3', '--batch', '32', '--seed', '4'];
    const ref = runCli([...common, '--out', join(dir, 'ref.json')]);
    assert.is(ref.status, 0, ref.stderr);
    const ckdir = join(dir, 'ck');
    const out = join(dir, 'resumed.json');
    // Killed in task 1's third epoch (as its second epoch's line appears; epoch 1's checkpoint is on disk) …
    const first = await runCliAndKill([...common, '--checkpoint-dir', ckdir, '--out', out], (s) => /task 1\/2[^]*epoch 2\/3/.test(s));
    assert.ok(first.killed, `the first run was not killed:\n${first.stderr}`);
    assert.ok(readdirSync(ckdir).length > 0, 'no checkpoint written before the kill');
    // … resumed, and killed again during task 2 …
    const second = await runCliAndKill([...common, '--checkpoint-dir', ckdir, '--resume', '--out', out], (s) => /task 2\/2[^]*epoch 2\/3/.test(s));
    assert.ok(second.killed, `the second run was not killed:\n${second.stderr}`);
    assert.match(second.stderr, /resuming from .*checkpoint-\d+\.hatckpt \(task 1 epoch \d\)/);
    // … and resumed to the end.
    const last = runCli([...common, '--checkpoint-dir', ckdir, '--resume', '--out', out]);
    assert.is(last.status, 0, last.stderr);
    assert.match(last.stderr, /resuming from .*\(task 2 epoch \d\)/);
    assert.equal(comparable(out), comparable(join(dir, 'ref.json')));
    const r = JSON.parse(readFileSync(out, 'utf8'));
    assert.ok(r.accuracy[0][0] > 0.9, `task 1 only reached ${r.accuracy[0][0]}: the data should be learnable`);
    assert.ok(r.resumedFrom.checkpoint.includes('checkpoint-'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--resume refuses a checkpoint written with other flags, naming the differences', () => {
  const dir = tempDir('mismatch');
  try {
    const seq = writeIdxSequence(dir, { tasks: 1, train: 200, test: 50 });
    const ckdir = join(dir, 'ck');
    const a = runCli(['train', '--benchmark', seq, '--hidden', '8', '--epochs', '1', '--checkpoint-dir', ckdir, '--out', join(dir, 'a.json')]);
    assert.is(a.status, 0, a.stderr);
    const b = runCli(['train', '--benchmark', seq, '--hidden', '8', '--epochs', '1', '--lr', '0.1', '--checkpoint-dir', ckdir, '--resume', '--out', join(dir, 'b.json')]);
    assert.is(b.status, 2, b.stderr);
    assert.match(b.stderr, /--resume: .*checkpoint-\d+\.hatckpt was written by a different run: lr 0\.05 \(now 0\.1\)/);
    const c = runCli(['train', '--benchmark', seq, '--hidden', '8', '--epochs', '1', '--checkpoint-dir', ckdir, '--out', join(dir, 'c.json')]);
    assert.is(c.status, 2, c.stderr);
    assert.match(c.stderr, /already holds checkpoints; add --resume/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
