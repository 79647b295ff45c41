/**
 * A continual-learning task and the pure pipeline that builds one from raw datasets.
 *
 * Pipeline order (raw pixels in [0, 1]): select classes (relabel 0..k-1 in the given order) → permute
 * pixels → pad with zeros → copy channels → normalise → seeded train/validation split. Padding comes
 * before normalisation, as in the reference, so the border becomes (0 − mean) / std. The permutation
 * acts on the original image grid, before padding, so a padded permuted image keeps a plain border.
 */
import { copyChannels, normalize, pad, permutePixels, selectClasses, splitTrainValid, type Dataset } from './dataset.ts';
import { Rng, deriveSeed } from './rng.ts';

export interface Task {
  name: string;
  /** Original class ids of the source dataset, in head order: head output j is class classes[j]. */
  classes: number[];
  train: Dataset;
  valid: Dataset;
  test: Dataset;
  /** [channels, height, width] of every sample. */
  inputShape: [number, number, number];
  /** Outputs of this task's head (= classes.length). */
  nClasses: number;
}

export interface Normalization {
  mean: number | readonly number[];
  std: number | readonly number[];
}

export interface TaskTransform {
  /** Source classes to keep, in head order; default all (0..classes-1 of the train set). */
  classes?: readonly number[];
  /** Pixel permutation over the source H × W grid (pmnist). */
  permutation?: Int32Array;
  /** Zero-pad to padTo × padTo. */
  padTo?: number;
  /** Copy a 1-channel image to this many channels. */
  channels?: number;
  normalize?: Normalization;
}

/** Applies everything but the validation split. */
export function transformDataset(ds: Dataset, transform: TaskTransform, classes: readonly number[]): Dataset {
  let out = selectClasses(ds, classes);
  if (transform.permutation) out = permutePixels(out, transform.permutation);
  if (transform.padTo !== undefined) out = pad(out, transform.padTo, transform.padTo);
  if (transform.channels !== undefined) out = copyChannels(out, transform.channels);
  if (transform.normalize) out = normalize(out, transform.normalize.mean, transform.normalize.std);
  return out;
}

/** All class ids 0..k-1 of a dataset (k = ds.classes, or max label + 1). */
export function allClasses(ds: Dataset): number[] {
  let k = ds.classes ?? 0;
  if (ds.classes === undefined) for (const l of ds.labels) k = Math.max(k, l + 1);
  return Array.from({ length: k }, (_, i) => i);
}

export interface MakeTaskOptions extends TaskTransform {
  name: string;
  /** Full training data (raw, all classes); validation is carved out of it. */
  train: Dataset;
  test: Dataset;
  /** Fraction of the (selected) training data held out for validation. */
  validFraction: number;
  /** Drives the validation split. */
  rng: Rng;
}

export function makeTask(options: MakeTaskOptions): Task {
  const classes = options.classes ? [...options.classes] : allClasses(options.train);
  const trainAll = transformDataset(options.train, options, classes);
  const test = transformDataset(options.test, options, classes);
  const { train, valid } = splitTrainValid(trainAll, options.validFraction, options.rng);
  return {
    name: options.name,
    classes,
    train,
    valid,
    test,
    inputShape: [train.channels, train.height, train.width],
    nClasses: classes.length,
  };
}

/** Purposes of the derived random streams, so that each use gets its own sequence. */
export const RNG_PURPOSE_VALID = 1;
export const RNG_PURPOSE_PERMUTATION = 2;

/** Rng for one (seed, task index, purpose) stream: a task's data does not depend on the other tasks. */
export function taskRng(seed: number, taskIndex: number, purpose: number): Rng {
  return new Rng(deriveSeed(seed, taskIndex, purpose));
}
