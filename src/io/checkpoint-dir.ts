// A directory of checkpoints (Node): atomic writes (temporary file, fsync, rename, fsync of the
// directory), sequence-numbered names, the newest few kept, and the newest valid one found on resume.
//
// Nothing good is lost: rotation deletes only what this process wrote itself, beyond the newest `keep`;
// the checkpoints that were there before (the one a run resumed from among them) stay until this process
// has written `keep` of its own, so a run that fails early leaves the folder as good as it found it.
// Another process's temporary file is never touched unless that process is dead.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryFileOwner, writeFileAtomic } from './atomic-file.ts';
import { decodeCheckpoint, encodeCheckpoint, CheckpointError, type Checkpoint, type StateValidator } from './checkpoint.ts';
import { isProcessAlive } from './run-lock.ts';

export const CHECKPOINT_EXT = '.hatckpt';
const NAME = /^checkpoint-(\d{6,})\.hatckpt$/;

export function checkpointName(seq: number): string {
  return `checkpoint-${String(seq).padStart(6, '0')}${CHECKPOINT_EXT}`;
}

/** Entries of `dir` named like checkpoints, newest first, with their sequence numbers (whatever they are: see readCheckpoint). */
export function listCheckpoints(dir: string): { path: string; seq: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, m: NAME.exec(name) }))
    .filter((e) => e.m)
    .map((e) => ({ path: join(dir, e.name), seq: Number(e.m![1]) }))
    .sort((a, b) => b.seq - a.seq);
}

export class CheckpointDir {
  private seq: number;
  /** Checkpoints this process wrote, oldest first. */
  private readonly written: string[] = [];
  /** Regular checkpoint files that were here before this process wrote any. */
  private readonly inherited: string[];

  /** `keep`: how many of the newest checkpoints stay on disk (see the rotation rule above). */
  constructor(readonly dir: string, readonly keep = 3) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`CheckpointDir: keep must be an integer ≥ 1, got ${keep}`);
    mkdirSync(dir, { recursive: true });
    const found = listCheckpoints(dir);
    this.seq = (found[0]?.seq ?? -1) + 1;
    this.inherited = found.filter((c) => isFile(c.path)).map((c) => c.path);
    // Leftovers of writes interrupted by a crash are never checkpoints; a live process's are its write in flight.
    for (const name of readdirSync(dir)) {
      if (!name.includes(`${CHECKPOINT_EXT}.tmp-`)) continue;
      const owner = temporaryFileOwner(name);
      if (owner !== null && (owner === process.pid || !isProcessAlive(owner))) rmSync(join(dir, name), { force: true });
    }
  }

  /** Writes `c` (its meta.seq set here) as the newest checkpoint; returns its path. */
  write(c: Checkpoint<unknown>): string {
    c.meta.seq = this.seq;
    const path = join(this.dir, checkpointName(this.seq++));
    writeFileAtomic(path, encodeCheckpoint(c));
    this.written.push(path);
    while (this.written.length > this.keep) rmSync(this.written.shift()!, { force: true });
    if (this.written.length >= this.keep) for (const old of this.inherited.splice(0)) rmSync(old, { force: true });
    return path;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The checkpoint file at `path`, checked by `validate` when given. Anything but a readable regular file is a CheckpointError naming it. */
export function readCheckpoint<State = unknown>(path: string, validate?: StateValidator<State>): Checkpoint<State> {
  if (!existsSync(path)) throw new Error(`checkpoint not found: ${path}`);
  let buf: Buffer;
  try {
    const kind = statSync(path);
    if (!kind.isFile()) throw new CheckpointError(path, 'not a checkpoint', `it is ${kind.isDirectory() ? 'a directory' : 'not a regular file'}`);
    buf = readFileSync(path);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(path, 'unreadable', (e as Error).message);
  }
  return decodeCheckpoint<State>(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path, validate);
}

/**
 * The newest checkpoint of `dir` that reads back whole (and that `validate` accepts, when given). Invalid
 * ones are skipped and reported through `skipped` (each a CheckpointError naming the file). Null when the
 * directory holds none at all; an Error listing every problem when it holds checkpoints but none is valid.
 */
export function newestValidCheckpoint<State = unknown>(dir: string, skipped: (e: CheckpointError) => void = () => {}, validate?: StateValidator<State>): { path: string; checkpoint: Checkpoint<State> } | null {
  const files = listCheckpoints(dir);
  const problems: string[] = [];
  for (const { path } of files) {
    try {
      return { path, checkpoint: readCheckpoint<State>(path, validate) };
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      problems.push(e.message);
      skipped(e);
    }
  }
  if (files.length) throw new Error(`no valid checkpoint in ${dir}:\n  ${problems.join('\n  ')}`);
  return null;
}

/** A directory of checkpoints, or one checkpoint file: the newest valid one (checked by `validate` when given). */
export function resolveCheckpoint<State = unknown>(pathOrDir: string, skipped?: (e: CheckpointError) => void, validate?: StateValidator<State>): { path: string; checkpoint: Checkpoint<State> } {
  if (!existsSync(pathOrDir)) throw new Error(`checkpoint not found: ${pathOrDir}`);
  if (!statSync(pathOrDir).isDirectory()) return { path: pathOrDir, checkpoint: readCheckpoint<State>(pathOrDir, validate) };
  const found = newestValidCheckpoint<State>(pathOrDir, skipped, validate);
  if (!found) throw new Error(`no checkpoint in ${pathOrDir} (files named ${checkpointName(0)}, … are written by train --checkpoint-dir)`);
  return found;
}
