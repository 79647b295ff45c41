// Checks and small helpers shared by the HAT kernel bindings (not part of the public API).
import { ShapeError } from '../../runtime/errors.ts';
import type { Tensor } from '../../tensor.ts';
import { unary } from '../elementwise.ts';
import type { Dropout } from './types.ts';

export function assertUnits(op: string, t: Tensor | null, units: number, what: string): void {
  if (!t) return;
  t.assertAlive(op);
  if (t.size !== units) throw new ShapeError(op, `${what} has ${t.size} values [${t.shape.join(', ')}], expected ${units}`);
}

export function checkDropout(op: string, d: Dropout): void {
  if (!(d.p >= 0 && d.p < 1)) throw new RangeError(`${op}: dropout p must be in [0, 1), got ${d.p}`);
}

/** a = σ(s·e) from primitives (affine, then sigmoid); intermediates disposed. */
export function gateUnfused(e: Tensor, s: number): Tensor {
  const se = unary('affine', e, s, 0);
  const a = unary('sigmoid', se);
  se.dispose();
  return a;
}

/** 1 − m from a primitive. */
export function oneMinus(m: Tensor): Tensor {
  return unary('affine', m, -1, 1);
}
