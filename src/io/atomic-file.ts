// Writes files so that a crash never leaves a half-written one: a temporary file, fsync, rename, and an
// fsync of the folder so the rename itself survives a power cut.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const full = resolve(path);
  mkdirSync(dirname(full), { recursive: true });
  const tmp = `${full}.tmp-${process.pid}`;
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
