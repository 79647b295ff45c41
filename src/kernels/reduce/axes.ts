// Axis lists of the reductions: checked and normalised, and the shape they leave.
import { ShapeError } from '../../runtime/errors.ts';

/** Axes as sorted, distinct indices (negative ones count from the end; all of them when omitted). */
export function normaliseAxes(op: string, rank: number, axes?: number | readonly number[]): number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = new Set<number>();
  for (const a of list) {
    const ax = a < 0 ? a + rank : a;
    if (!Number.isInteger(ax) || ax < 0 || ax >= rank) throw new ShapeError(op, `axis ${a} out of range for rank ${rank}`);
    out.add(ax);
  }
  return [...out].sort((p, q) => p - q);
}

/** Shape after reducing `axes` (kept as size 1 when keepDims). */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const set = new Set(axes);
  return keepDims ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
}
