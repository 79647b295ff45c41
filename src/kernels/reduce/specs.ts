// What a reduction computes: how it combines, maps each element first and finishes (the defines of
// shaders/reduce.wgsl), and the named reductions.

/** How a reduction combines, maps each element first, and finishes (FINAL sees v and scale). */
export interface ReduceSpec {
  combine: string;
  identity: string;
  map: string;
  final: string;
}

const SUM = { combine: 'a + b', identity: '0.0' };
const MAX = { combine: 'max(a, b)', identity: '-3.4028234e38' };

export const REDUCE_SPECS = {
  sum: { ...SUM, map: 'x', final: 'v' },
  mean: { ...SUM, map: 'x', final: 'v * scale' },
  max: { ...MAX, map: 'x', final: 'v' },
  sumSquares: { ...SUM, map: 'x * x', final: 'v' },
  /** sqrt of a sum of squares (L2 norm) */
  norm: { ...SUM, map: 'x * x', final: 'sqrt(v)' },
} as const satisfies Record<string, ReduceSpec>;
export type ReduceOp = keyof typeof REDUCE_SPECS;
