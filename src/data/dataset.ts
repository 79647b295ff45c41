/**
 * The in-memory dataset and the transforms the benchmarks need. Pure: no Node or browser APIs.
 *
 * Images are stored N × C × H × W (channel-major per sample, as the conv kernels read them), one
 * Float32Array for the whole set. Transforms never mutate their input; they return new datasets.
 */
import type { Rng } from './rng.ts';
import { DataFormatError } from './errors.ts';

export interface Dataset {
  /** N × C × H × W, sample-major then channel-major. */
  images: Float32Array;
  labels: Int32Array;
  n: number;
  channels: number;
  height: number;
  width: number;
  /** Number of classes the labels index into (labels are 0..classes-1), when known. */
  classes?: number;
}

export interface Batch {
  /** size × C × H × W, contiguous. */
  images: Float32Array;
  labels: Int32Array;
  size: number;
  /** Indices of these samples in the source dataset. */
  indices: Int32Array;
}

/** Values per sample: C × H × W. */
export function sampleSize(ds: Dataset): number {
  return ds.channels * ds.height * ds.width;
}

/** Builds a dataset and checks that the array lengths agree with the shape. */
export function makeDataset(fields: Dataset): Dataset {
  const { images, labels, n, channels, height, width, classes } = fields;
  for (const [key, value] of Object.entries({ n, channels, height, width })) {
    if (!Number.isInteger(value) || value < 0) throw new DataFormatError(`Dataset: ${key} must be a non-negative integer, got ${value}`);
  }
  if (images.length !== n * channels * height * width) {
    throw new DataFormatError(
      `Dataset: images has ${images.length} values, expected n × C × H × W = ${n} × ${channels} × ${height} × ${width}`,
    );
  }
  if (labels.length !== n) throw new DataFormatError(`Dataset: labels has ${labels.length} entries, expected n = ${n}`);
  if (classes !== undefined) {
    for (let i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new DataFormatError(`Dataset: label ${labels[i]} of sample ${i} is outside 0..${classes - 1}`);
      }
    }
  }
  return { images, labels, n, channels, height, width, ...(classes !== undefined ? { classes } : {}) };
}

/** Copies the samples at `indices` (in that order) into a new dataset. */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const size = sampleSize(ds);
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.n) throw new Error(`subset: index ${i} outside 0..${ds.n - 1}`);
    images.set(ds.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = ds.labels[i];
  }
  return { ...ds, images, labels, n: indices.length };
}

/**
 * Keeps only samples whose label is in `classes`, relabelled to its position in `classes`
 * (so [7, 3] maps 7 → 0 and 3 → 1). Sample order is preserved.
 */
export function selectClasses(ds: Dataset, classes: readonly number[]): Dataset {
  if (classes.length === 0) throw new Error('selectClasses: the class list is empty');
  const newLabel = new Map<number, number>();
  classes.forEach((c, position) => {
    if (!Number.isInteger(c) || c < 0) throw new Error(`selectClasses: class ${c} is not a non-negative integer`);
    if (ds.classes !== undefined && c >= ds.classes) {
      throw new Error(`selectClasses: class ${c} is out of range (dataset has classes 0..${ds.classes - 1})`);
    }
    if (newLabel.has(c)) throw new Error(`selectClasses: class ${c} is listed twice`);
    newLabel.set(c, position);
  });
  const kept: number[] = [];
  for (let i = 0; i < ds.n; i++) if (newLabel.has(ds.labels[i])) kept.push(i);
  const out = subset(ds, kept);
  for (let k = 0; k < out.n; k++) out.labels[k] = newLabel.get(out.labels[k])!;
  return { ...out, classes: classes.length };
}

/** Number of samples per label (length = classes, or max label + 1 when classes is unknown). */
export function classCounts(ds: Dataset): Int32Array {
  let k = ds.classes ?? 0;
  if (ds.classes === undefined) for (let i = 0; i < ds.n; i++) k = Math.max(k, ds.labels[i] + 1);
  const counts = new Int32Array(k);
  for (let i = 0; i < ds.n; i++) counts[ds.labels[i]]++;
  return counts;
}

function perChannel(name: string, value: number | readonly number[], channels: number): number[] {
  const values = typeof value === 'number' ? new Array<number>(channels).fill(value) : [...value];
  if (values.length !== channels) {
    throw new Error(`normalize: ${name} has ${values.length} entries but the dataset has ${channels} channels`);
  }
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`normalize: ${name} has a non-finite entry ${v}`);
  return values;
}

/** (x − mean) / std, per channel when arrays are given. */
export function normalize(ds: Dataset, mean: number | readonly number[], std: number | readonly number[]): Dataset {
  const means = perChannel('mean', mean, ds.channels);
  const stds = perChannel('std', std, ds.channels);
  for (const s of stds) if (!(s > 0)) throw new Error(`normalize: std must be positive, got ${s}`);
  const plane = ds.height * ds.width;
  const source = ds.images;
  const images = new Float32Array(source.length);
  for (let i = 0; i < ds.n; i++) {
    for (let c = 0; c < ds.channels; c++) {
      const start = (i * ds.channels + c) * plane;
      const m = means[c];
      const inv = 1 / stds[c];
      for (let p = start; p < start + plane; p++) images[p] = (source[p] - m) * inv;
    }
  }
  return { ...ds, images };
}

/**
 * Pads every plane with `value` (default 0) to height × width, centred; an odd difference puts the
 * extra row/column at the bottom/right. Matches the reference: raw pixels are padded with 0 and only
 * then normalised, so the border becomes (0 − mean) / std, not 0.
 */
export function pad(ds: Dataset, height: number, width: number = height, value = 0): Dataset {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < ds.height || width < ds.width) {
    throw new Error(`pad: target ${height}×${width} must be integers at least the image size ${ds.height}×${ds.width}`);
  }
  const top = Math.floor((height - ds.height) / 2);
  const left = Math.floor((width - ds.width) / 2);
  const planes = ds.n * ds.channels;
  const images = new Float32Array(planes * height * width);
  if (value !== 0) images.fill(value);
  for (let q = 0; q < planes; q++) {
    for (let y = 0; y < ds.height; y++) {
      const src = (q * ds.height + y) * ds.width;
      const dst = (q * height + y + top) * width + left;
      images.set(ds.images.subarray(src, src + ds.width), dst);
    }
  }
  return { ...ds, images, height, width };
}

/** Repeats a single-channel image into `channels` identical channels (grey → RGB). */
export function copyChannels(ds: Dataset, channels: number): Dataset {
  if (!Number.isInteger(channels) || channels < 1) throw new Error(`copyChannels: channels must be a positive integer, got ${channels}`);
  if (channels === ds.channels) return ds;
  if (ds.channels !== 1) throw new Error(`copyChannels: can only copy from 1 channel, the dataset has ${ds.channels}`);
  const plane = ds.height * ds.width;
  const images = new Float32Array(ds.n * channels * plane);
  for (let i = 0; i < ds.n; i++) {
    const src = ds.images.subarray(i * plane, (i + 1) * plane);
    for (let c = 0; c < channels; c++) images.set(src, (i * channels + c) * plane);
  }
  return { ...ds, images, channels };
}

/** A seeded random permutation of the H × W pixel positions (pmnist). */
export function pixelPermutation(height: number, width: number, rng: Rng): Int32Array {
  return rng.permutation(height * width);
}

/**
 * Reorders pixels within each plane: output pixel p takes input pixel permutation[p]. The same
 * permutation applies to every channel and sample.
 */
export function permutePixels(ds: Dataset, permutation: Int32Array): Dataset {
  const plane = ds.height * ds.width;
  if (permutation.length !== plane) {
    throw new Error(`permutePixels: permutation has ${permutation.length} entries, images have ${plane} pixels`);
  }
  const seen = new Uint8Array(plane);
  for (const p of permutation) {
    if (p < 0 || p >= plane || seen[p]) throw new Error('permutePixels: the permutation is not a bijection');
    seen[p] = 1;
  }
  const source = ds.images;
  const images = new Float32Array(source.length);
  const planes = ds.n * ds.channels;
  for (let q = 0; q < planes; q++) {
    const base = q * plane;
    for (let p = 0; p < plane; p++) images[base + p] = source[base + permutation[p]];
  }
  return { ...ds, images };
}

/**
 * Seeded split into train and validation: a random `validFraction` of the samples (rounded) goes to
 * validation. Not stratified. Both parts keep the original sample order.
 */
export function splitTrainValid(ds: Dataset, validFraction: number, rng: Rng): { train: Dataset; valid: Dataset } {
  if (!(validFraction >= 0 && validFraction < 1)) {
    throw new Error(`splitTrainValid: validFraction must be in [0, 1), got ${validFraction}`);
  }
  const nValid = Math.round(ds.n * validFraction);
  const order = rng.permutation(ds.n);
  const validIdx = order.slice(0, nValid).sort();
  const trainIdx = order.slice(nValid).sort();
  return { train: subset(ds, trainIdx), valid: subset(ds, validIdx) };
}

/** Concatenates datasets of the same sample shape (joint training). */
export function concat(datasets: readonly Dataset[]): Dataset {
  if (datasets.length === 0) throw new Error('concat: no datasets');
  const first = datasets[0];
  let n = 0;
  let classes = first.classes;
  for (const ds of datasets) {
    if (ds.channels !== first.channels || ds.height !== first.height || ds.width !== first.width) {
      throw new Error(
        `concat: shape ${ds.channels}×${ds.height}×${ds.width} differs from ${first.channels}×${first.height}×${first.width}`,
      );
    }
    n += ds.n;
    classes = classes === undefined || ds.classes === undefined ? undefined : Math.max(classes, ds.classes);
  }
  const images = new Float32Array(n * sampleSize(first));
  const labels = new Int32Array(n);
  let offset = 0;
  for (const ds of datasets) {
    images.set(ds.images, offset * sampleSize(first));
    labels.set(ds.labels, offset);
    offset += ds.n;
  }
  const { channels, height, width } = first;
  return { images, labels, n, channels, height, width, ...(classes !== undefined ? { classes } : {}) };
}

/**
 * Mini-batches covering every sample exactly once: in a shuffled order when `rng` is given (training),
 * in dataset order otherwise (evaluation). The last batch may be smaller. Each batch owns fresh arrays.
 */
export function* batches(ds: Dataset, batchSize: number, rng?: Rng): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
  const order = rng ? rng.permutation(ds.n) : Int32Array.from({ length: ds.n }, (_, i) => i);
  const size = sampleSize(ds);
  for (let start = 0; start < ds.n; start += batchSize) {
    const indices = order.slice(start, Math.min(start + batchSize, ds.n));
    const images = new Float32Array(indices.length * size);
    const labels = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      images.set(ds.images.subarray(i * size, (i + 1) * size), k * size);
      labels[k] = ds.labels[i];
    }
    yield { images, labels, size: indices.length, indices };
  }
}

/** Number of batches `batches` yields. */
export function batchCount(ds: Dataset, batchSize: number): number {
  return Math.ceil(ds.n / batchSize);
}
