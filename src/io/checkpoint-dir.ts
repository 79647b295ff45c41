// A directory of checkpoints (Node): atomic writes (temporary file, fsync, rename, fsync of the
// directory), sequence-numbered names, the newest few kept, and the newest valid one found on resume.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.ts';
import { decodeCheckpoint, encodeCheckpoint, CheckpointError, type Checkpoint } from './checkpoint.ts';

export const CHECKPOINT_EXT = '.hatckpt';
const NAME = /^checkpoint-(\d{6,})\.hatckpt$/;

export function checkpointName(seq: number): string {
  return `checkpoint-${String(seq).padStart(6, '0')}${CHECKPOINT_EXT}`;
}

/** Checkpoint files in `dir`, newest first, with their sequence numbers. */
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

  /** `keep`: how many of the newest checkpoints stay on disk (older ones are deleted after each write). */
  constructor(readonly dir: string, readonly keep = 3) {
    mkdirSync(dir, { recursive: true });
    this.seq = (listCheckpoints(dir)[0]?.seq ?? -1) + 1;
    // Leftovers of writes interrupted by a crash are never checkpoints.
    for (const name of readdirSync(dir)) if (name.includes(`${CHECKPOINT_EXT}.tmp-`)) rmSync(join(dir, name), { force: true });
  }

  /** Writes `c` (its meta.seq set here) as the newest checkpoint; returns its path. */
  write(c: Checkpoint<unknown>): string {
    c.meta.seq = this.seq;
    const path = join(this.dir, checkpointName(this.seq++));
    writeFileAtomic(path, encodeCheckpoint(c));
    for (const old of listCheckpoints(this.dir).slice(this.keep)) rmSync(old.path, { force: true });
    return path;
  }
}

export function readCheckpoint<State = unknown>(path: string): Checkpoint<State> {
  if (!existsSync(path)) throw new Error(`checkpoint not found: ${path}`);
  const buf = readFileSync(path);
  return decodeCheckpoint<State>(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

/**
 * The newest checkpoint of `dir` that reads back whole. Invalid ones are skipped and reported through
 * `skipped` (each a CheckpointError naming the file). Null when the directory holds none at all; an
 * Error listing every problem when it holds checkpoints but none is valid.
 */
export function newestValidCheckpoint<State = unknown>(dir: string, skipped: (e: CheckpointError) => void = () => {}): { path: string; checkpoint: Checkpoint<State> } | null {
  const files = listCheckpoints(dir);
  const problems: string[] = [];
  for (const { path } of files) {
    try {
      return { path, checkpoint: readCheckpoint<State>(path) };
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      problems.push(e.message);
      skipped(e);
    }
  }
  if (files.length) throw new Error(`no valid checkpoint in ${dir}:\n  ${problems.join('\n  ')}`);
  return null;
}

/** A directory of checkpoints, or one checkpoint file: the newest valid one. */
export function resolveCheckpoint<State = unknown>(pathOrDir: string, skipped?: (e: CheckpointError) => void): { path: string; checkpoint: Checkpoint<State> } {
  if (!existsSync(pathOrDir)) throw new Error(`checkpoint not found: ${pathOrDir}`);
  if (pathOrDir.endsWith(CHECKPOINT_EXT)) return { path: pathOrDir, checkpoint: readCheckpoint<State>(pathOrDir) };
  const found = newestValidCheckpoint<State>(pathOrDir, skipped);
  if (!found) throw new Error(`no checkpoint in ${pathOrDir} (files named ${checkpointName(0)}, … are written by train --checkpoint-dir)`);
  return found;
}
