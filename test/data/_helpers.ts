// Shared by the data tests: a fresh temp directory per test file, removed at exit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as assert from 'uvu/assert';

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `webgpu-hat-${prefix}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeBytes(dir: string, name: string, bytes: Uint8Array, gzip = false): string {
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
  return path;
}

/** Asserts that fn throws an Error whose message contains every fragment. */
export function throwsWith(fn: () => unknown, ...fragments: string[]): void {
  let message: string | undefined;
  try {
    fn();
  } catch (err) {
    message = err instanceof Error ? err.message : String(err);
  }
  // Asserted outside the try, so an assertion failure is never mistaken for the expected error.
  if (message === undefined) return assert.unreachable(`expected an error, none was thrown (wanted: ${fragments.join(' | ')})`);
  for (const f of fragments) assert.ok(message.includes(f), `expected "${f}" in error: ${message}`);
}

/** A CIFAR-10 record set: labels given, pixel byte p of record i = (i * 7 + p) % 256. */
export function cifar10Bytes(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    out[i * 3073] = label;
    for (let p = 0; p < 3072; p++) out[i * 3073 + 1 + p] = (i * 7 + p) % 256;
  });
  return out;
}

export function cifar100Bytes(records: [coarse: number, fine: number][]): Uint8Array {
  const out = new Uint8Array(records.length * 3074);
  records.forEach(([coarse, fine], i) => {
    out[i * 3074] = coarse;
    out[i * 3074 + 1] = fine;
    for (let p = 0; p < 3072; p++) out[i * 3074 + 2 + p] = (i + p) % 256;
  });
  return out;
}
