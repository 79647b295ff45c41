// Checks, before a run spends hours training, that its results file can be written at the end: a run
// that trains and then fails on a mistyped --out loses everything it computed.
import { accessSync, closeSync, constants, openSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export class OutputPathError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`cannot write the results to ${path}: ${reason}; nothing was trained. Choose another path (e.g. --out runs/result.json)`);
    this.name = 'OutputPathError';
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // ENOTDIR: a path component is a file; found by the walk up below.
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}

/**
 * Throws OutputPathError unless a file can be written at `path` later: it is not a directory (nor
 * another non-file), and its folder exists and is writable, or can be created (its nearest existing
 * ancestor is a writable folder, not a file). Creates nothing that stays: the writability probe is a
 * temporary file deleted at once, and missing folders are left to the writer.
 */
export function assertWritableOutput(path: string): void {
  const full = resolve(path);
  if (path === '' || path.endsWith('/')) throw new OutputPathError(path, 'it names a directory, not a file');
  const here = statOrNull(full);
  if (here && here.isDirectory()) throw new OutputPathError(path, 'it is a directory');
  if (here && !here.isFile()) throw new OutputPathError(path, 'it exists and is not a regular file');
  let folder = dirname(full);
  let existing = statOrNull(folder);
  while (!existing) {
    const up = dirname(folder);
    if (up === folder) throw new OutputPathError(path, 'no folder above it exists');
    folder = up;
    existing = statOrNull(folder);
  }
  if (!existing.isDirectory()) throw new OutputPathError(path, `${folder} is a file, not a folder`);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
    // access() trusts the mode bits (and says yes to root); a real create also catches read-only mounts.
    const probe = join(folder, `.${basename(full)}.probe-${process.pid}`);
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (e) {
    throw new OutputPathError(path, `the folder ${folder} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
