// A run's folders have one writer, and a run that could not write its results fails before training:
// the real CLI, as processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, runCli, tempDir, writeIdxSequence } from './_cli.ts';

test('--out that is a folder, or under a file: refused before any training, nothing left behind', () => {
  const dir = tempDir('out');
  try {
    const seq = writeIdxSequence(dir, { tasks: 1, train: 200 });
    mkdirSync(join(dir, 'a-folder'));
    writeFileSync(join(dir, 'a-file'), 'x');
    for (const [out, text] of [[join(dir, 'a-folder'), /is a folder|is a directory/], [join(dir, 'a-file', 'r.json'), /a-file.*(not a folder|is a file|not a directory)/]] as const) {
      const before = readdirSync(dir).sort();
      const r = runCli(['train', '--benchmark', seq, '--hidden', '8', '--epochs', '1', '--out', out]);
      assert.is(r.status, 1, r.stderr);
      assert.match(r.stderr, text, r.stderr);
      assert.not.match(r.stderr, /epoch 1\//, `${out}: it trained before failing\n${r.stderr}`);
      assert.equal(readdirSync(dir).sort(), before, 'a stray file was left');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second run on the same --checkpoint-dir and --out is refused, naming the first run\'s PID; the first finishes', async () => {
  const dir = tempDir('writer');
  try {
    // Long enough (tens of seconds, on a fast machine too) that the second run starts while the first trains.
    const seq = writeIdxSequence(dir, { tasks: 3, train: 3000 });
    const args = ['train', '--benchmark', seq, '--hidden', '64,64', '--epochs', '8', '--batch', '32', '--checkpoint-dir', join(dir, 'ck'), '--out', join(dir, 'r.json')];
    const first = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
    let stderr = '';
    const done = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the first run never started a task:\n${stderr}`)), 120_000);
      first.stderr.on('data', (d) => { stderr += d; if (/task 1\/3/.test(stderr)) { clearTimeout(timer); resolve(); } });
    });
    const second = runCli([...args, '--resume']);
    assert.is(first.exitCode, null, `the first run ended before the second was tried (the test needs it running):\n${stderr}`);
    assert.is(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`\\b${first.pid}\\b`), `the refusal does not name PID ${first.pid}:\n${second.stderr}`);
    assert.is(await done, 0, `the first run was disturbed:\n${stderr}`);
    assert.ok(existsSync(join(dir, 'r.json')), 'the first run wrote no results');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
