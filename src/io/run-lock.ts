// One writer per run folder (Node): an exclusive lock file, created atomically (open with 'wx', which
// fails when the file exists), holding the holder's PID and host. Two runs writing one checkpoint folder
// or one results file would rotate each other's checkpoints away and interleave their results.
//
// A lock left by a process that died (same host, PID no longer alive) is taken over; a lock held by a
// live process, or by a process on another host (whose liveness cannot be checked from here), refuses
// the second run with a RunLockedError naming the holder. The lock is released by release(), and at the
// latest when the process exits normally; after a kill the next run finds it stale and takes it over.
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The lock file of a checkpoint folder (not named like a checkpoint or a temporary file: never rotated or cleaned). */
export const FOLDER_LOCK_NAME = 'run.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** What the holder is doing, e.g. the command line, for the error message. */
  purpose: string;
  /** Tells this lock from an earlier one of the same PID. */
  token: string;
}

export class RunLockedError extends Error {
  constructor(readonly lockPath: string, readonly holder: LockHolder | null) {
    super(holder
      ? `${lockPath} is held by process ${holder.pid} on ${holder.host} (since ${holder.startedAt}${holder.purpose ? `: ${holder.purpose}` : ''}); `
        + (holder.host === hostname()
          ? 'wait for it to finish, or stop it, then run again'
          : `it runs on another host, so it cannot be checked from here: if process ${holder.pid} on ${holder.host} is gone, delete ${lockPath} and run again`)
      : `${lockPath} exists but does not say who holds it; if no other run uses this folder, delete it and run again`);
    this.name = 'RunLockedError';
  }
}

export interface RunLock {
  readonly path: string;
  /** Deletes the lock (only while it is still this one). Safe to call twice. */
  release(): void;
}

/** Whether process `pid` exists on this host (a process of another user counts: EPERM means it exists). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder just starting writes its lock within microseconds of creating it: wait this long for the text. */
const UNWRITTEN_GRACE_MS = 2000;

/**
 * Takes the lock file at `path` (its folder is created), or throws RunLockedError naming the live
 * holder. `purpose` is shown to a run that is refused.
 */
export function acquireRunLock(path: string, purpose = ''): RunLock {
  const full = resolve(path);
  mkdirSync(dirname(full), { recursive: true });
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), purpose, token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}` };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(full, me)) return heldLock(full, me);
    const holder = readHolder(full);
    if (holder === 'gone') continue;
    if (holder === null || holder.host !== me.host || isProcessAlive(holder.pid)) throw new RunLockedError(full, holder);
    takeOverStale(full, holder);
  }
  const last = readHolder(full);
  throw new RunLockedError(full, last === 'gone' ? null : last);
}

function tryCreate(path: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(me) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder written in the lock; 'gone' when the file vanished meanwhile; null when it never says. */
function readHolder(path: string): LockHolder | null | 'gone' {
  const deadline = Date.now() + UNWRITTEN_GRACE_MS;
  for (;;) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw e;
    }
    const holder = parseHolder(text);
    if (holder || Date.now() > deadline) return holder;
    // Created but not yet written by a run starting right now: look again shortly.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string') {
      return { pid: h.pid, host: h.host, startedAt: String(h.startedAt ?? '?'), purpose: String(h.purpose ?? ''), token: String(h.token ?? '') };
    }
  } catch { /* not JSON: an unwritten or foreign file */ }
  return null;
}

/**
 * Removes a dead holder's lock. Two runs may find the same stale lock: each moves it aside under its own
 * name first and deletes it only if it is still the dead holder's; a fresh lock it moved by mistake (the
 * other run won the race in between) is put back.
 */
function takeOverStale(path: string, dead: LockHolder): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = parseHolder(readFileSync(aside, 'utf8'));
  if (moved && moved.token === dead.token && moved.pid === dead.pid) {
    rmSync(aside, { force: true });
    return;
  }
  try {
    linkSync(aside, path);
  } catch { /* someone holds it again already; the restored copy is not needed */ }
  rmSync(aside, { force: true });
}

function heldLock(path: string, me: LockHolder): RunLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      const current = existsSync(path) ? parseHolder(readFileSync(path, 'utf8')) : null;
      if (current?.token === me.token) rmSync(path, { force: true });
    } catch { /* already gone */ }
  };
  process.on('exit', release);
  return { path, release };
}

/** Locks a run folder (a checkpoint directory) for this process: `<dir>/run.lock`. */
export function lockRunFolder(dir: string, purpose = ''): RunLock {
  return acquireRunLock(join(dir, FOLDER_LOCK_NAME), purpose);
}

/** Locks a results file for this process: the lock file `<path>.lock` beside it. */
export function lockOutputFile(path: string, purpose = ''): RunLock {
  return acquireRunLock(`${path}.lock`, purpose);
}
