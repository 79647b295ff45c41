/**
 * Node-only file access for the data layer: reading, gunzipping, and the IDX / CIFAR loaders built on
 * the pure parsers. Kept apart so that idx.ts, cifar.ts and dataset.ts bundle for browsers.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { concat, type Dataset } from './dataset.ts';
import { idxDataset, isGzip } from './idx.ts';
import { parseCifar10, parseCifar100, type Cifar100LabelKind } from './cifar.ts';
import { DataFormatError } from './errors.ts';

/** Reads a whole file; a missing or unreadable file is an Error naming it (and `context`, if any). */
export function readFileBytes(path: string, context?: string): Uint8Array {
  const where = context ? `${context}: ` : '';
  if (!existsSync(path)) throw new DataFormatError(`${where}file not found: ${path}`);
  if (!statSync(path).isFile()) throw new DataFormatError(`${where}not a regular file: ${path}`);
  try {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new DataFormatError(`${where}cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Reads a file and gunzips it when it starts with the gzip signature (whatever its name). */
export function readMaybeGzip(path: string, context?: string): Uint8Array {
  const bytes = readFileBytes(path, context);
  if (!isGzip(bytes)) return bytes;
  try {
    const buf = gunzipSync(bytes);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new DataFormatError(`${context ? context + ': ' : ''}${path}: corrupt gzip data: ${(err as Error).message}`);
  }
}

/** Loads an IDX images + labels pair (raw or gzipped) as a 1 × H × W dataset with pixels in [0, 1]. */
export function loadIdxDataset(imagesPath: string, labelsPath: string, context?: string): Dataset {
  return idxDataset(readMaybeGzip(imagesPath, context), imagesPath, readMaybeGzip(labelsPath, context), labelsPath);
}

/** Returns `dir/base` or `dir/base.gz`, whichever exists, or undefined. */
export function findMaybeGzipped(dir: string, base: string): string | undefined {
  for (const candidate of [join(dir, base), join(dir, base + '.gz')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

export type CifarVariant = 'cifar10' | 'cifar100';

/** Loads and concatenates CIFAR binary files (raw or gzipped), in the order given. */
export function loadCifarFiles(paths: readonly string[], variant: CifarVariant, labelKind: Cifar100LabelKind = 'fine', context?: string): Dataset {
  if (paths.length === 0) throw new DataFormatError(`${context ? context + ': ' : ''}no CIFAR files given`);
  const parts = paths.map((p) => {
    const bytes = readMaybeGzip(p, context);
    return variant === 'cifar10' ? parseCifar10(bytes, p) : parseCifar100(bytes, p, labelKind);
  });
  return parts.length === 1 ? parts[0] : concat(parts);
}
