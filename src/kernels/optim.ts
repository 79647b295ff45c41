// Optimiser kernels: the global gradient L2 norm (no readback) and the SGD step fused with clipping.
import { ShapeError } from '../runtime/errors.ts';
import type { Engine } from '../runtime/engine.ts';
import { empty, Tensor } from '../tensor.ts';
import { REDUCE_SPECS, dispatchStage, planStage, reduceView, stageOutputs, type ReduceView } from './reduce.ts';
import { runKernel } from './registry.ts';

/**
 * sqrt(Σ over tensors Σ g²) into a [1] tensor (`out` when given), without reading anything back: one
 * sum-of-squares stage per tensor writes its partials side by side, then one reduction of them all takes
 * the square root. Deterministic (fixed order).
 */
export function gradNorm(engine: Engine, grads: readonly Tensor[], out?: Tensor): Tensor {
  const norm = out ?? empty(engine, [1], 'f32', 'grad norm');
  if (norm.size !== 1) throw new ShapeError('gradNorm', `output has ${norm.size} elements, not 1`);
  const plans = grads.map((g) => {
    g.assertAlive('gradNorm');
    const view: ReduceView = { O: 1, A: 1, K: 1, C: g.size };
    const plan = planStage(view);
    return { g, view, plan, count: stageOutputs(view, plan) };
  });
  const total = plans.reduce((a, p) => a + p.count, 0);
  if (total === 0) {
    runKernel(engine, 'fill', { label: 'grad norm (no tensors)', shape: { count: 1 }, buffers: { out: norm.buffer }, scalars: { bits: 0 } });
    return norm;
  }
  const partials = empty(engine, [total], 'f32', 'grad norm partials');
  let offset = 0;
  for (const { g, view, plan, count } of plans) {
    dispatchStage(engine, REDUCE_SPECS.sumSquares, view, plan, g.buffer, partials.buffer, offset, false, 1, `grad sumsq [${g.shape.join('x')}]`);
    offset += count;
  }
  reduceView(engine, { ...REDUCE_SPECS.norm, map: 'x' }, { O: 1, A: 1, K: 1, C: total }, partials.buffer, norm.buffer, 0, 1, 'grad norm');
  partials.dispose();
  return norm;
}

/**
 * w −= lr · c · g in place, c = min(1, maxNorm / (norm + 1e-6)) read on the GPU from `clip.norm` (a [1]
 * tensor, e.g. from gradNorm) when `clip` is given, else c = 1.
 */
export function sgdStep(w: Tensor, g: Tensor, lr: number, clip?: { norm: Tensor; maxNorm: number }): void {
  w.assertAlive('sgd');
  g.assertAlive('sgd');
  if (w.size !== g.size) throw new ShapeError('sgd', `parameter [${w.shape.join(', ')}] and gradient [${g.shape.join(', ')}] differ`);
  runKernel(w.engine, 'sgd', {
    label: `sgd [${w.shape.join('x')}]`,
    shape: { count: w.size, clip: clip !== undefined },
    buffers: { g: g.buffer, w: w.buffer, norm: (clip?.norm ?? g).buffer },
    scalars: { lr, maxNorm: clip?.maxNorm ?? 0 },
  });
}
