// Writes files so that a crash never leaves a half-written one: a temporary file, fsync, rename, and an
// fsync of the folder so the rename itself survives a power cut. The temporary file's name carries the
// writer's PID (`<name>.tmp-<pid>`), so a cleanup can tell a dead writer's leftover from a live one's
// write in flight (see temporaryFileOwner).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const full = resolve(path);
  mkdirSync(dirname(full), { recursive: true });
  const tmp = temporaryName(full);
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, full);
  const dir = openSync(dirname(full), 'r');
  try { fsyncSync(dir); } catch { /* some file systems cannot fsync a directory */ } finally { closeSync(dir); }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n'));
}

export function temporaryName(path: string, pid = process.pid): string {
  return `${path}.tmp-${pid}`;
}

/** The PID of the process writing the temporary file `name` (a name or a path), or null when it is not one of ours. */
export function temporaryFileOwner(name: string): number | null {
  const m = /\.tmp-(\d+)$/.exec(name);
  const pid = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}
