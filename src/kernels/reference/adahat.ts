// Float64 references of AdaHAT's two kernels (docs/hat.md, "AdaHAT"), written from the formulas, for
// src/kernels/adahat.ts and its declarations.

/**
 * g · r / (I + r) over the gradient viewed as [units, pre, repeat]: I = min(post[i], pre[c]) (pre null:
 * post[i]), r = α / (ε + sparsity).
 */
export function adahatAdjustRef(g: ArrayLike<number>, units: number, post: ArrayLike<number>, pre: ArrayLike<number> | null, alpha: number, epsilon: number, sparsity: number): Float64Array {
  const row = g.length / units;
  const repeat = pre ? row / pre.length : 1;
  const r = alpha / (epsilon + sparsity);
  return Float64Array.from(g, (v, idx) => {
    const i = Math.floor(idx / row), j = idx % row;
    const importance = pre ? Math.min(post[i]!, pre[Math.floor(j / repeat)]!) : post[i]!;
    return v * (r / (importance + r));
  });
}

/** sum + [e > 0]: the tasks whose binarised gate uses each unit, one more task counted. */
export function adahatSummativeUpdateRef(sum: ArrayLike<number>, e: ArrayLike<number>): Float64Array {
  return Float64Array.from(sum, (v, i) => v + (e[i]! > 0 ? 1 : 0));
}
