// Parameter initialisation as the reference (PyTorch defaults) does it, seeded.
import type { Engine } from '../runtime/engine.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { parameter } from '../autograd.ts';
import type { Rng } from '../data/rng.ts';

/** U(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear and Conv2d weights and biases. */
export function uniformFanIn(engine: Engine, shape: number[], fanIn: number, rng: Rng, label: string): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-bound, bound);
  return parameter(tensor(engine, data, shape, 'f32', label));
}

/** Task embeddings: N(0, 1) by default (the reference), U(lo, hi) for the compression experiments. */
export function embeddingRow(engine: Engine, units: number, rng: Rng, label: string, init: 'normal' | [number, number] = 'normal'): Tensor {
  const data = new Float32Array(units);
  for (let i = 0; i < units; i++) data[i] = init === 'normal' ? rng.normal() : rng.uniform(init[0], init[1]);
  return parameter(tensor(engine, data, [units], 'f32', label));
}
