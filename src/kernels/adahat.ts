// AdaHAT's kernels (Wang et al., ECML PKDD 2024; docs/hat.md, "AdaHAT"), each fused kernel beside its
// unfused twin: the adaptive adjustment of a shared parameter's gradient (shaders/adahat_adjust.wgsl) and
// the summative mask update at the end of a task (shaders/adahat_summative_update.wgsl).
//
// The adjustment is applied after backward, as a gradient transform (Approach.transformGradients), not in
// the weight-gradient GEMM's epilogue the way HAT's conditioning is: its rate needs the layer's network
// sparsity of this very step, a GPU scalar that exists only once the forward has run, and a separate pass
// leaves the GEMM and conv epilogues untouched. The fused kernel is therefore one elementwise pass over
// each gradient, in place.
import { ShapeError } from '../runtime/errors.ts';
import { empty, type Tensor } from '../tensor.ts';
import { binary, fill, map } from './elementwise.ts';
import { assertUnits } from './hat/common.ts';
import { runKernel } from './registry.ts';
import type { AdahatAdjustShape, AdahatSummativeShape } from './declarations/adahat.ts';

/** Where a parameter's importance comes from: the summative masks of its output units and of its inputs' units. */
export interface AdahatImportance {
  /** Summative mask of the layer's units [units] (how many earlier tasks use each). */
  post: Tensor;
  /**
   * Summative mask of the layer feeding this one [inputs] (null: the first gated layer, or a bias). A
   * gradient row of `pre.size · k` values reads pre[⌊j / k⌋] (a flattened conv's pixels, a conv's KH·KW).
   */
  pre: Tensor | null;
}

/** The rate's scale: r = α / (ε + sparsity). */
export interface AdahatRate {
  alpha: number;
  epsilon: number;
  /** The layer's network sparsity this step, a [1] tensor on the GPU (null: 0, as when few units are free). */
  sparsity: Tensor | null;
}

interface Geometry { units: number; pre: number; repeat: number }

function geometry(op: string, grad: Tensor, imp: AdahatImportance, rate: AdahatRate): Geometry {
  grad.assertAlive(op);
  if (!(rate.alpha > 0) || !(rate.epsilon > 0)) throw new RangeError(`${op}: alpha and epsilon must be positive, got ${rate.alpha} and ${rate.epsilon}`);
  const units = grad.shape[0]!;
  assertUnits(op, imp.post, units, 'post summative mask');
  assertUnits(op, rate.sparsity, 1, 'sparsity');
  const row = grad.size / units;
  if (!imp.pre) return { units, pre: row, repeat: 1 };
  imp.pre.assertAlive(op);
  if (row % imp.pre.size !== 0) throw new ShapeError(op, `a gradient row of ${row} values [${grad.shape.join(', ')}] is not a multiple of the ${imp.pre.size} pre units`);
  return { units, pre: imp.pre.size, repeat: row / imp.pre.size };
}

/**
 * In place: grad *= r / (I + r), I = min(post[i], pre[⌊j / k⌋]) (pre null: post[i]), r = α / (ε + sparsity).
 * Returns `grad`. One elementwise pass.
 */
export function adahatAdjust(grad: Tensor, imp: AdahatImportance, rate: AdahatRate): Tensor {
  const g = geometry('adahatAdjust', grad, imp, rate);
  // Bindings the kernel does not read (no pre mask, no sparsity) still need a buffer: the post mask stands in.
  runKernel<AdahatAdjustShape>(grad.engine, 'adahat-adjust', {
    shape: { units: g.units, pre: g.pre, repeat: g.repeat, hasPre: imp.pre !== null, hasSparsity: rate.sparsity !== null },
    buffers: { grad: grad.buffer, sumPost: imp.post.buffer, sumPre: (imp.pre ?? imp.post).buffer, sparsity: (rate.sparsity ?? imp.post).buffer },
    scalars: { alpha: rate.alpha, epsilon: rate.epsilon },
    label: `adahat adjust [${grad.shape.join('x')}]`,
  });
  return grad;
}

/**
 * The same from primitives, into a new tensor: the importance (min, broadcast), r from the sparsity,
 * r / (I + r), and the multiply, each its own pass.
 */
export function adahatAdjustUnfused(grad: Tensor, imp: AdahatImportance, rate: AdahatRate): Tensor {
  const g = geometry('adahatAdjustUnfused', grad, imp, rate);
  const engine = grad.engine;
  const post = imp.post.reshape([g.units, 1, 1]);
  const pre = imp.pre?.reshape([g.pre, 1]) ?? null;
  const importance = pre ? binary('min', post, pre) : post;  // [units, pre, 1] or [units, 1, 1]
  let r: Tensor;
  if (rate.sparsity) {
    const den = map('adahat ε + sparsity', 'x + alpha', rate.sparsity, rate.epsilon);
    r = map('adahat r', 'alpha / x', den, rate.alpha);
    den.dispose();
  } else {
    r = fill(engine, [1], rate.alpha / rate.epsilon);
  }
  const sum = binary('add', importance, r);
  const factor = binary('div', r, sum);
  const view = grad.reshape([g.units, g.pre, g.repeat]);
  const out = empty(engine, grad.shape, 'f32', 'adahat adjusted gradient');
  binary('mul', view, factor, 1, out);
  for (const t of [view, factor, sum, r, importance, post, pre]) t?.dispose();
  return out;
}

/** In place at the end of a task: sum += [e > 0] (σ(smax·e) above 1/2: the unit's binarised gate). */
export function adahatSummativeUpdate(sum: Tensor, e: Tensor): void {
  sum.assertAlive('adahatSummativeUpdate');
  assertUnits('adahatSummativeUpdate', e, sum.size, 'embedding');
  runKernel<AdahatSummativeShape>(sum.engine, 'adahat-summative-update', {
    shape: { count: sum.size },
    buffers: { sum: sum.buffer, embedding: e.buffer },
    label: `adahat summative update [${sum.size}]`,
  });
}

/** The same from primitives: the binarised gate, an add, a copy back. */
export function adahatSummativeUpdateUnfused(sum: Tensor, e: Tensor): void {
  sum.assertAlive('adahatSummativeUpdateUnfused');
  assertUnits('adahatSummativeUpdateUnfused', e, sum.size, 'embedding');
  const used = map('adahat binarised gate', 'select(0.0, 1.0, x > 0.0)', e);
  const next = binary('add', sum, used);
  sum.engine.copy(next.buffer, sum.buffer, sum.bytes, 'adahat summative update');
  used.dispose();
  next.dispose();
}
