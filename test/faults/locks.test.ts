// One writer per run folder: a second run on a held checkpoint folder or results file is refused naming
// the holder's PID; a lock left by a dead process is taken over; the lock goes when its holder releases
// it or exits. A checkpoint folder's cleanup removes only dead writers' temporary files, and rotation
// never deletes the checkpoints a run found until it has written its own. The results path is checked
// before training, leaving nothing behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { acquireRunLock, lockOutputFile, lockRunFolder, RunLockedError } from '../../src/io/run-lock.ts';
import { assertWritableOutput, OutputPathError } from '../../src/io/output-path.ts';
import { CheckpointDir, checkpointName, listCheckpoints } from '../../src/io/checkpoint-dir.ts';
import { temporaryName } from '../../src/io/atomic-file.ts';
import type { Checkpoint } from '../../src/io/checkpoint.ts';
import { deadPid, ROOT, tempDir } from './_cli.ts';

/** The PID of a process that has exited (so no process of that PID is alive now). */
/** Runs TypeScript `code` in a child Node process (the repository's modules importable by absolute URL). */
function child(code: string): { status: number | null; stdout: string; stderr: string } {
  const dir = tempDir('lock-child');
  const file = join(dir, 'child.ts');
  writeFileSync(file, code.replaceAll('@src/', pathToFileURL(join(ROOT, 'src')).href + '/'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a second holder is refused naming the PID and host of the first; release lets the next one in', () => {
  const path = join(tempDir('lock'), 'run.lock');
  const lock = acquireRunLock(path, 'train --checkpoint-dir run');
  const holder = JSON.parse(readFileSync(path, 'utf8'));
  assert.is(holder.pid, process.pid);
  assert.is(holder.host, hostname());
  assert.throws(() => acquireRunLock(path), (e: Error) => e instanceof RunLockedError
    && e.message.startsWith(`${path} is held by process ${process.pid} on ${hostname()} (since `)
    && e.message.includes('train --checkpoint-dir run') && (e as RunLockedError).holder?.pid === process.pid);
  lock.release();
  lock.release();
  assert.not.ok(existsSync(path));
  acquireRunLock(path).release();
});

test('a checkpoint folder locks as <dir>/run.lock and a results file as <out>.lock; the folder lock survives rotation', () => {
  const dir = tempDir('lock-folder');
  const folder = lockRunFolder(join(dir, 'ckpt'), 'train');
  const out = lockOutputFile(join(dir, 'result.json'), 'train');
  assert.ok(existsSync(join(dir, 'ckpt', 'run.lock')));
  assert.ok(existsSync(join(dir, 'result.json.lock')));
  assert.throws(() => lockRunFolder(join(dir, 'ckpt')), (e: Error) => e instanceof RunLockedError);
  assert.throws(() => lockOutputFile(join(dir, 'result.json')), (e: Error) => e instanceof RunLockedError);
  const writer = new CheckpointDir(join(dir, 'ckpt'), 1);
  for (let i = 0; i < 3; i++) writer.write(checkpoint(i));
  assert.ok(existsSync(join(dir, 'ckpt', 'run.lock')));
  folder.release();
  out.release();
  assert.equal(readdirSync(dir).sort(), ['ckpt']);
  assert.equal(readdirSync(join(dir, 'ckpt')), [checkpointName(2)]);
});

test('another live process holding the lock refuses this one; the lock goes when that process exits', () => {
  const dir = tempDir('lock-live');
  const path = join(dir, 'run.lock');
  // The parent of this test process is alive for the whole test.
  writeFileSync(path, JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: 'then', purpose: 'train', token: 'x' }));
  assert.throws(() => acquireRunLock(path), (e: Error) => e instanceof RunLockedError && e.message.includes(`held by process ${process.ppid}`));
  assert.ok(existsSync(path));

  const r = child(`import { acquireRunLock } from '@src/io/run-lock.ts';
    acquireRunLock(${JSON.stringify(join(dir, 'other.lock'))});
    process.stdout.write('held');`);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'held');
  assert.not.ok(existsSync(join(dir, 'other.lock')), 'released on exit');

  const failing = child(`import { acquireRunLock } from '@src/io/run-lock.ts';
    acquireRunLock(${JSON.stringify(join(dir, 'error.lock'))});
    throw new Error('training failed');`);
  assert.is.not(failing.status, 0);
  assert.not.ok(existsSync(join(dir, 'error.lock')), 'released when the process dies of an error');
});

test('a stale lock (its PID dead on this host) is taken over; one from another host is not', () => {
  const dir = tempDir('lock-stale');
  const path = join(dir, 'run.lock');
  const dead = deadPid();
  writeFileSync(path, JSON.stringify({ pid: dead, host: hostname(), startedAt: 'then', purpose: 'train', token: 'old' }));
  const lock = acquireRunLock(path);
  assert.is(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
  lock.release();
  assert.equal(readdirSync(dir), []);

  writeFileSync(path, JSON.stringify({ pid: dead, host: 'some-other-host', startedAt: 'then', purpose: 'train', token: 'x' }));
  assert.throws(() => acquireRunLock(path), (e: Error) => e instanceof RunLockedError
    && e.message.includes(`held by process ${dead} on some-other-host`) && e.message.includes(`delete ${path}`));
  writeFileSync(path, 'not a lock');
  assert.throws(() => acquireRunLock(path), (e: Error) => e instanceof RunLockedError && e.message.includes('does not say who holds it'));
});

const checkpoint = (n: number): Checkpoint<unknown> => ({
  state: { n }, tensors: new Map([['w', { shape: [2], data: new Float32Array([n, 1]) }]]),
  meta: { benchmark: 'b', config: {}, taskNames: [], label: `n${n}`, seq: 0, createdAt: '' },
});

test('a checkpoint folder keeps a live writer\'s temporary file and removes only dead writers\' leftovers', () => {
  const dir = tempDir('ckpt-tmp');
  mkdirSync(dir, { recursive: true });
  const live = temporaryName(join(dir, checkpointName(0)), process.ppid);
  const dead = temporaryName(join(dir, checkpointName(1)), deadPid());
  const mine = temporaryName(join(dir, checkpointName(2)));
  for (const f of [live, dead, mine]) writeFileSync(f, 'partial');
  new CheckpointDir(dir).write(checkpoint(0));
  assert.ok(existsSync(live), 'another live run\'s write in flight survives');
  assert.not.ok(existsSync(dead));
  assert.not.ok(existsSync(mine));
  assert.ok(temporaryName('x').endsWith(`.tmp-${process.pid}`));
});

test('rotation never deletes the checkpoints a run found until it has written as many of its own', () => {
  const dir = tempDir('ckpt-rotate');
  const first = new CheckpointDir(dir);
  for (let i = 0; i < 5; i++) first.write(checkpoint(i));
  assert.equal(listCheckpoints(dir).map((c) => c.seq), [4, 3, 2]);
  const second = new CheckpointDir(dir);
  second.write(checkpoint(5));
  assert.equal(listCheckpoints(dir).map((c) => c.seq), [5, 4, 3, 2]);
  second.write(checkpoint(6));
  assert.equal(listCheckpoints(dir).map((c) => c.seq), [6, 5, 4, 3, 2]);
  second.write(checkpoint(7));
  assert.equal(listCheckpoints(dir).map((c) => c.seq), [7, 6, 5]);
  second.write(checkpoint(8));
  assert.equal(listCheckpoints(dir).map((c) => c.seq), [8, 7, 6]);
});

test('the results path is checked before training: a folder, a path under a file or an unwritable folder is refused; nothing is left behind', () => {
  const dir = tempDir('out');
  const file = join(dir, 'file.json');
  writeFileSync(file, '{}');
  mkdirSync(join(dir, 'folder'));
  const refused = (path: string, reason: RegExp) => assert.throws(() => assertWritableOutput(path), (e: Error) => e instanceof OutputPathError
    && e.message.startsWith(`cannot write the results to ${path}: `) && reason.test(e.message));
  refused(join(dir, 'folder'), /it is a directory/);
  refused(join(dir, 'folder') + '/', /names a directory/);
  refused(join(file, 'result.json'), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a file, not a folder`));
  refused(join(file, 'deeper', 'result.json'), /is a file, not a folder/);
  assertWritableOutput(file);
  assertWritableOutput(join(dir, 'new.json'));
  assertWritableOutput(join(dir, 'not', 'yet', 'made.json'));
  assert.equal(readdirSync(dir).sort(), ['file.json', 'folder']);
  assert.equal(readdirSync(join(dir, 'folder')), []);
  if (process.getuid?.() !== 0) {
    // Root writes anywhere; for other users a read-only folder is refused.
    spawnSync('chmod', ['555', join(dir, 'folder')]);
    refused(join(dir, 'folder', 'r.json'), /is not writable/);
  }
});

test.run();
