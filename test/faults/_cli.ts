// Shared by the fault tests: run the real CLI as a child process, and write small synthetic IDX/CIFAR
// data and task-sequence files to a temporary folder.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '../../src/io/run-lock.ts';
import { encodeIdx } from '../../src/data/idx.ts';
import { Rng } from '../../src/data/rng.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin/webgpu-hat.js');

export interface CliResult { status: number | null; signal: string | null; stdout: string; stderr: string }

export function runCli(args: string[], timeoutMs = 120_000): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Starts the CLI and SIGKILLs it once `when(stderrSoFar)` is true; resolves with the stderr seen. */
export function runCliAndKill(args: string[], when: (stderr: string) => boolean, timeoutMs = 120_000): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
    let stderr = '', killed = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out; stderr:\n${stderr}`)); }, timeoutMs);
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!killed && when(stderr)) { killed = child.kill('SIGKILL'); }
    });
    child.on('exit', () => { clearTimeout(timer); resolveRun({ killed, stderr }); });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hat-${prefix}-`));
}

/**
 * Writes IDX images/labels of `n` side×side images in `classes` classes (a bright blob whose position
 * depends on the class, plus noise: learnable in an epoch or two) as `<name>-images.idx` / `-labels.idx`.
 */
export function writeIdxData(dir: string, name: string, n: number, classes: number, seed: number, side = 8): { images: string; labels: string } {
  const rng = new Rng(seed);
  const pixels = new Uint8Array(n * side * side);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let p = 0; p < side * side; p++) {
      const hot = Math.floor((p * classes) / (side * side)) === c;
      pixels[i * side * side + p] = Math.max(0, Math.min(255, Math.round((hot ? 220 : 30) + 30 * rng.normal())));
    }
  }
  const images = `${name}-images.idx`, labelsFile = `${name}-labels.idx`;
  writeFileSync(join(dir, images), encodeIdx([n, side, side], pixels));
  writeFileSync(join(dir, labelsFile), encodeIdx([n], labels));
  return { images, labels: labelsFile };
}

/** A task-sequence file of `tasks` two-class tasks over synthetic IDX data; returns its path. */
export function writeIdxSequence(dir: string, opts: { tasks?: number; train?: number; test?: number; extra?: (task: Record<string, unknown>, i: number) => void } = {}): string {
  const tasks = opts.tasks ?? 2;
  const train = writeIdxData(dir, 'train', opts.train ?? 600, 2 * tasks, 1);
  const test = writeIdxData(dir, 'test', opts.test ?? 200, 2 * tasks, 2);
  const spec = {
    name: 'synthetic',
    tasks: Array.from({ length: tasks }, (_, i) => {
      const t: Record<string, unknown> = { name: `pair-${i}`, dataset: { format: 'idx', train, test }, classes: [2 * i, 2 * i + 1] };
      opts.extra?.(t, i);
      return t;
    }),
  };
  const path = join(dir, 'sequence.json');
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

/** Like runCli, without blocking: lets a test run several short CLI calls at once. */
export function runCliAsync(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (status, signal) => { clearTimeout(timer); resolveRun({ status, signal, stdout, stderr }); });
  });
}

/** Runs `jobs` with at most `width` at a time, results in order. */
export async function inBatches<T>(jobs: (() => Promise<T>)[], width = 4): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) { const i = next++; out[i] = await jobs[i]!(); }
  }));
  return out;
}

/** The PID of a process that has just exited: a writer known to be dead (a fixed number such as 999 may be alive). */
export function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  if (!(pid > 0) || isProcessAlive(pid)) throw new Error(`deadPid: pid ${r.stdout} should belong to an exited process`);
  return pid;
}
