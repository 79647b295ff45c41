// Parameter initialisation as the reference (PyTorch defaults) does it, seeded.
import type { Engine } from '../runtime/engine.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { parameter } from '../autograd.ts';
import type { Rng } from '../data/rng.ts';
import { ShapeError } from '../runtime/errors.ts';

/**
 * Refuses a parameter the device cannot hold in one storage binding, before any memory is allocated
 * (a width of 10⁹ would otherwise fail as a typed-array RangeError, or worse, after minutes).
 */
export function assertParameterFits(engine: Engine, shape: readonly number[], label: string): void {
  const bytes = shape.reduce((a, b) => a * b, 1) * 4;
  if (!(bytes <= engine.maxBindingBytes)) {
    const mib = (x: number) => `${(x / 2 ** 20).toFixed(x < 2 ** 20 ? 2 : 0)} MiB`;
    throw new ShapeError(label, `[${shape.join(', ')}] needs ${mib(bytes)}, over this device's ${mib(engine.maxBindingBytes)} storage-binding limit: use smaller layers (e.g. --hidden)`);
  }
}

/** Values drawn from U(−1/√fanIn, 1/√fanIn) for a tensor of `shape` (PathNet keeps them to re-initialise). */
export function uniformFanInValues(shape: readonly number[], fanIn: number, rng: Rng): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-bound, bound);
  return data;
}

/** U(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear and Conv2d weights and biases. */
export function uniformFanIn(engine: Engine, shape: number[], fanIn: number, rng: Rng, label: string): Tensor {
  assertParameterFits(engine, shape, label);
  return parameter(tensor(engine, uniformFanInValues(shape, fanIn, rng), shape, 'f32', label));
}

/** N(0, 1): the reference's task embeddings and progressive networks' lateral scales (nn.Embedding). */
export function normalParameter(engine: Engine, shape: number[], rng: Rng, label: string): Tensor {
  assertParameterFits(engine, shape, label);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return parameter(tensor(engine, data, shape, 'f32', label));
}

/** Task embeddings: N(0, 1) by default (the reference), U(lo, hi) for the compression experiments. */
export function embeddingRow(engine: Engine, units: number, rng: Rng, label: string, init: 'normal' | [number, number] = 'normal'): Tensor {
  if (init === 'normal') return normalParameter(engine, [units], rng, label);
  const data = new Float32Array(units);
  for (let i = 0; i < units; i++) data[i] = rng.uniform(init[0], init[1]);
  return parameter(tensor(engine, data, [units], 'f32', label));
}

/** The task-embedding inits a run can name (TrainConfig.embeddingInit). */
export type EmbeddingInitName = 'normal' | 'uniform' | 'constant';

/**
 * A named init as embeddingRow takes it: normal N(0, 1) (the reference), uniform U(0, 2) (the reference's
 * compression experiments), constant 0 (every gate starts at exactly 1/2 whatever s is).
 */
export function embeddingInitOf(name: EmbeddingInitName): 'normal' | [number, number] {
  return name === 'normal' ? 'normal' : name === 'uniform' ? [0, 2] : [0, 0];
}
