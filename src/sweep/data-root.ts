// What a job may make a worker read: task-sequence files (and the data files they name) and the
// Fashion-MNIST folder only under the worker's --data-root. A job is data from the network: a path
// outside the root is refused by name, never opened.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { BENCHMARKS } from '../config/index.ts';
import { readSequenceSpec } from '../data/sequence-file.ts';
import type { RunSpec } from './spec.ts';

/** A job named a file outside the worker's data root (or a file when the worker has none). */
export class DataRootError extends Error {
  override name = 'DataRootError';
}

/** The path with every link resolved, as far as it exists (a missing file is the loader's error to name). */
function realPath(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(existing.slice(dirname(existing).length + 1));
    existing = dirname(existing);
  }
  return resolve(realpathSync(existing), ...rest);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * `spec` with its benchmark file and fashionDir made absolute under `root`, or a DataRootError naming the
 * path. Relative paths are relative to the root; a sequence file's data files must be under it too.
 */
export function confineToDataRoot(spec: RunSpec, root: string | undefined): RunSpec {
  const isFile = !(BENCHMARKS as readonly string[]).includes(spec.benchmark);
  if (!isFile && spec.fashionDir === undefined) return spec;
  if (root === undefined) throw new DataRootError(`${isFile ? `benchmark file ${spec.benchmark}` : `fashionDir ${spec.fashionDir}`}: this worker reads no files (start it with --data-root DIR)`);
  const realRoot = realPathOrThrow(root);
  const confine = (path: string, what: string) => {
    const absolute = resolve(realRoot, path);
    const real = realPath(absolute);
    if (!inside(realRoot, real)) throw new DataRootError(`${what} ${path}: outside the data root ${realRoot}`);
    return real;
  };
  const out: RunSpec = { ...spec };
  if (spec.fashionDir !== undefined) out.fashionDir = confine(spec.fashionDir, 'fashionDir');
  if (isFile) {
    out.benchmark = confine(spec.benchmark, 'benchmark file');
    if (existsSync(out.benchmark)) {
      const base = dirname(out.benchmark);
      readSequenceSpec(out.benchmark).tasks.forEach((task, i) => {
        for (const split of ['train', 'test'] as const) {
          const files = task.dataset[split];
          if (!files) continue;
          const paths = 'files' in files ? files.files : [files.images, files.labels];
          for (const p of paths) confine(resolve(base, p), `tasks[${i}].dataset.${split} file`);
        }
      });
    }
  }
  return out;
}

function realPathOrThrow(root: string): string {
  if (!existsSync(root)) throw new DataRootError(`data root ${root}: no such directory`);
  return realpathSync(root);
}
