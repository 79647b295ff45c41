// HAT's attention regulariser R: its value on the GPU (shaders/hat_regularizer.wgsl) beside its unfused
// twin, and its denominator on the CPU.
import { empty, type Tensor } from '../../tensor.ts';
import { binary, fill } from '../elementwise.ts';
import { sumAll } from '../reduce.ts';
import { runKernel } from '../registry.ts';
import { assertUnits, gateUnfused, oneMinus } from './common.ts';

export interface RegLayer { embedding: Tensor; prev: Tensor | null }

/** R = Σ_l Σ_i a_i(1 − prev_i) / Σ_l Σ_i (1 − prev_i), a = σ(s·e) (prev null: factor 1): a 1-element tensor. */
export function hatRegularizer(layers: RegLayer[], s: number): Tensor {
  if (layers.length === 0) throw new RangeError('hatRegularizer: no layers');
  const engine = layers[0]!.embedding.engine;
  for (const l of layers) { l.embedding.assertAlive('hatRegularizer'); assertUnits('hatRegularizer', l.prev, l.embedding.size, 'prev'); }
  const out = empty(engine, [1], 'f32', 'hat R');
  const acc = empty(engine, [2], 'f32', 'hat R sums');
  layers.forEach((l, i) => {
    runKernel(engine, 'regularizer-layer', {
      label: `hat regulariser layer ${i} [${l.embedding.size}]`,
      shape: { count: l.embedding.size, hasPrev: l.prev !== null, first: i === 0, last: i === layers.length - 1 },
      buffers: { embedding: l.embedding.buffer, prev: (l.prev ?? l.embedding).buffer, acc: acc.buffer, out: out.buffer },
      scalars: { s },
    });
  });
  acc.dispose();
  return out;
}

/** The same from primitives: gate, (1 − prev), multiply, sum per layer, add, divide. */
export function hatRegularizerUnfused(layers: RegLayer[], s: number): Tensor {
  if (layers.length === 0) throw new RangeError('hatRegularizerUnfused: no layers');
  const engine = layers[0]!.embedding.engine;
  let num: Tensor | null = null, den: Tensor | null = null;
  const accumulate = (total: Tensor | null, part: Tensor): Tensor => {
    if (!total) return part;
    const t = binary('add', total, part);
    total.dispose();
    part.dispose();
    return t;
  };
  for (const l of layers) {
    assertUnits('hatRegularizerUnfused', l.prev, l.embedding.size, 'prev');
    const a = gateUnfused(l.embedding, s);
    if (l.prev) {
      const free = oneMinus(l.prev);
      const af = binary('mul', a, free);
      num = accumulate(num, sumAll(af));
      den = accumulate(den, sumAll(free));
      af.dispose();
      free.dispose();
    } else {
      num = accumulate(num, sumAll(a));
      den = accumulate(den, fill(engine, [1], l.embedding.size));
    }
    a.dispose();
  }
  const r = binary('div', num!, den!);
  num!.dispose();
  den!.dispose();
  return r;
}

/** Σ_l Σ_i (1 − prev_i), a layer without a mask counting its units (the first task: the unit count). */
export function hatRegDenominator(prevs: (Float32Array | null)[], units: number[]): number {
  if (prevs.length !== units.length) throw new RangeError(`hatRegDenominator: ${prevs.length} masks for ${units.length} layers`);
  let d = 0;
  prevs.forEach((prev, l) => {
    if (!prev) { d += units[l]!; return; }
    if (prev.length !== units[l]) throw new RangeError(`hatRegDenominator: layer ${l} mask has ${prev.length} values for ${units[l]} units`);
    for (let i = 0; i < prev.length; i++) d += 1 - prev[i]!;
  });
  return d;
}
