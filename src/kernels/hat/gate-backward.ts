// The gate backward of HAT (shaders/hat_gate_backward.wgsl) beside its unfused twin, and the same kernel
// without the gate (GATED = false) as the ReLU/dropout backward of the layers without HAT.
import { ShapeError } from '../../runtime/errors.ts';
import { empty, type Tensor, tidy } from '../../tensor.ts';
import { binary, unary } from '../elementwise.ts';
import { reduce } from '../reduce.ts';
import { runKernel } from '../registry.ts';
import { assertUnits, checkDropout, gateUnfused, oneMinus } from './common.ts';
import type { Gate } from './types.ts';

export interface GateBackward { dz: Tensor; dEmbedding: Tensor; dBias: Tensor }

/** [outer, units, inner] view of a layer output: linear [B, units] (spatial 1) or conv [N, units, OH, OW]. */
function gateView(op: string, h: Tensor, units: number, spatial: number): [number, number, number] {
  if (!Number.isInteger(spatial) || spatial < 1) throw new RangeError(`${op}: spatial must be a positive integer, got ${spatial}`);
  const outer = h.size / (units * spatial);
  if (!Number.isInteger(outer) || (h.shape[1] ?? 1) !== units) throw new ShapeError(op, `h [${h.shape.join(', ')}] is not [batch, ${units}${spatial > 1 ? `, spatial ${spatial}` : ''}]`);
  return [outer, units, spatial];
}

function checkGateBackward(op: string, g: Tensor, h: Tensor, gate: Gate, p: number, maskPost: Tensor | null, spatial: number): [number, number, number] {
  g.assertAlive(op);
  h.assertAlive(op);
  if (g.size !== h.size) throw new ShapeError(op, `g [${g.shape.join(', ')}] and h [${h.shape.join(', ')}] differ`);
  const units = gate.embedding.size;
  gate.embedding.assertAlive(op);
  assertUnits(op, maskPost, units, 'maskPost');
  checkDropout(op, { p, seed: 0 });
  return gateView(op, h, units, spatial);
}

/**
 * From g = dL/dh and the saved output h, in one pass over them:
 *   dz = g · a/(1−p) · [h ≠ 0];  dEmbedding[u] = s·(1−a[u])·Σ g·h;  dBias[u] = (1 − maskPost[u])·Σ dz
 * (sums over the batch and, for conv, the spatial positions; maskPost null: factor 1).
 * `variant` forces the kernel (tests): per_unit (one invocation per unit) or per_group (a workgroup per unit).
 */
export function hatGateBackward(g: Tensor, h: Tensor, gate: Gate, p: number, maskPost: Tensor | null, spatial = 1, opts: { variant?: 'per_unit' | 'per_group' } = {}): GateBackward {
  return gateBackwardKernel('hatGateBackward', g, h, gate, p, maskPost, spatial, opts, true);
}

function gateBackwardKernel(op: string, g: Tensor, h: Tensor, gate: Gate, p: number, maskPost: Tensor | null, spatial: number, opts: { variant?: 'per_unit' | 'per_group' }, gated: boolean): GateBackward {
  const [outer, units, inner] = checkGateBackward(op, g, h, gate, p, maskPost, spatial);
  const engine = g.engine;
  const dz = empty(engine, g.shape, 'f32', 'hat dz');
  const dEmbedding = empty(engine, [units], 'f32', 'hat dE');
  const dBias = empty(engine, [units], 'f32', 'hat db');
  const shape = { outer, units, inner, hasPost: maskPost !== null, gated };
  runKernel(engine, 'gate-backward', {
    shape,
    buffers: { g: g.buffer, h: h.buffer, embedding: gate.embedding.buffer, post: (maskPost ?? gate.embedding).buffer, dz: dz.buffer, dEmbedding: dEmbedding.buffer, dBias: dBias.buffer },
    scalars: { s: gate.s, p },
    pin: opts.variant ? { variant: opts.variant } : {},
    label: (spec) => `${gated ? 'hat gate' : 'relu/dropout'} backward [${outer}x${units}x${inner}] ${String(spec.variant)}`,
  });
  return { dz, dEmbedding, dBias };
}

/** The same from primitives: reluGrad-style mask, broadcast multiplies and per-unit sums (reduce). */
export function hatGateBackwardUnfused(g: Tensor, h: Tensor, gate: Gate, p: number, maskPost: Tensor | null, spatial = 1): GateBackward {
  // tidy: also releases the reshaped views made here.
  return tidy(() => {
    const [outer, units, inner] = checkGateBackward('hatGateBackwardUnfused', g, h, gate, p, maskPost, spatial);
    const engine = g.engine;
    const g3 = g.reshape([outer, units, inner]);
    const h3 = h.reshape([outer, units, inner]);
    const a = gateUnfused(gate.embedding, gate.s);
    // dz = [h > 0] · g · a/(1−p)   (h ≥ 0 always, so h > 0 ⇔ h ≠ 0)
    const masked = binary('reluGrad', g3, h3);
    const aKeep = unary('affine', a, 1 / (1 - p), 0);
    const dz = empty(engine, g.shape, 'f32', 'hat dz');
    binary('mul', masked, aKeep.reshape([units, 1]), 1, dz);
    masked.dispose();
    aKeep.dispose();
    // dE = s·(1 − a)·Σ g·h, with 1 − a as σ(−s·e) (exact where the gate saturates)
    const gh = binary('mul', g3, h3);
    const sumGh = reduce('sum', gh, [0, 2]);
    gh.dispose();
    const oneMinusA = gateUnfused(gate.embedding, -gate.s);
    const sOneMinusA = unary('affine', oneMinusA, gate.s, 0);
    oneMinusA.dispose();
    const dEmbedding = binary('mul', sOneMinusA, sumGh);
    sOneMinusA.dispose();
    sumGh.dispose();
    a.dispose();
    // db = (1 − post)·Σ dz
    const dz3 = dz.reshape([outer, units, inner]);
    const sumDz = reduce('sum', dz3, [0, 2]);
    let dBias = sumDz;
    if (maskPost) {
      const free = oneMinus(maskPost);
      dBias = binary('mul', free, sumDz);
      free.dispose();
      sumDz.dispose();
    }
    for (const v of [g3, h3, dz3]) v.dispose();
    return { dz, dEmbedding, dBias };
  });
}

// ---------------------------------------------------------------------------------------------------
// The same backward without HAT (no gate, no masks): the control that HAT's overhead is measured against
// (bench --suite gates, impl webgpu-hat-plain) and the backward of the plain network (approach sgd).
// Same kernel with GATED = false, so the comparison is between equals.

/** ReLU/dropout backward from the output h: dz = g/(1−p)·[h ≠ 0], db = Σ dz, in one pass. */
export function plainReluDropoutBackward(g: Tensor, h: Tensor, p: number, spatial = 1): { dz: Tensor; dBias: Tensor } {
  const units = h.shape[1]!;
  const placeholder = empty(g.engine, [units], 'f32', 'no gate');
  const { dz, dEmbedding, dBias } = gateBackwardKernel('plainReluDropoutBackward', g, h, { embedding: placeholder, s: 1 }, p, null, spatial, {}, false);
  dEmbedding.dispose();
  placeholder.dispose();
  return { dz, dBias };
}
