// Float64 CPU references for reductions.

export type RefOp = 'sum' | 'mean' | 'max' | 'sumSquares' | 'norm';

/** Reduces `x` (row-major `shape`) over `axes` in float64; the result in the kept axes' row-major order. */
export function reduceRef(op: RefOp, x: ArrayLike<number>, shape: readonly number[], axes: readonly number[]): Float64Array {
  const rank = shape.length;
  const set = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const keptShape = shape.filter((_, i) => !set.has(i));
  const outSize = keptShape.reduce((a, b) => a * b, 1);
  const acc = new Float64Array(outSize).fill(op === 'max' ? -Infinity : 0);
  const count = shape.reduce((a, d, i) => (set.has(i) ? a * d : a), 1);
  const idx = new Array(rank).fill(0);
  const n = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < n; flat++) {
    let rem = flat;
    for (let i = rank - 1; i >= 0; i--) { idx[i] = rem % shape[i]!; rem = Math.floor(rem / shape[i]!); }
    let o = 0;
    for (let i = 0; i < rank; i++) if (!set.has(i)) o = o * shape[i]! + idx[i];
    const v = x[flat]!;
    if (op === 'max') acc[o] = Math.max(acc[o]!, v);
    else if (op === 'sumSquares' || op === 'norm') acc[o] += v * v;
    else acc[o] += v;
  }
  if (op === 'mean') for (let i = 0; i < outSize; i++) acc[i]! /= count;
  if (op === 'norm') for (let i = 0; i < outSize; i++) acc[i] = Math.sqrt(acc[i]!);
  return acc;
}

/** Sum of |x| over the same groups, for a tolerance that scales with cancellation. */
export function absSumRef(x: ArrayLike<number>, shape: readonly number[], axes: readonly number[]): Float64Array {
  return reduceRef('sum', Float64Array.from(x as ArrayLike<number>, Math.abs), shape, axes);
}

/** Sums a broadcast result back to `target` (numpy rules). */
export function sumToShapeRef(x: ArrayLike<number>, shape: readonly number[], target: readonly number[]): Float64Array {
  const padded = [...Array(shape.length - target.length).fill(1), ...target];
  const axes = shape.map((d, i) => (padded[i] === 1 && d !== 1 ? i : -1)).filter((i) => i >= 0);
  return reduceRef('sum', x, shape, axes);
}
