// Bindings of the fused softmax–cross-entropy kernels and of argmax / accuracy.
import { ShapeError } from '../runtime/errors.ts';
import { empty, Tensor } from '../tensor.ts';
import { addInto } from './elementwise.ts';
import { meanAll, sumAll } from './reduce.ts';
import { runKernel } from './registry.ts';

function checkLabels(op: string, logits: Tensor, labels: Tensor): [number, number] {
  logits.assertAlive(op);
  labels.assertAlive(op);
  const [B, N] = logits.dims2(op);
  if (labels.dtype !== 'i32') throw new TypeError(`${op}: labels must be int32, got ${labels.dtype}`);
  if (labels.size !== B) throw new ShapeError(op, `${labels.size} labels for ${B} rows of logits`);
  return [B, N];
}

export interface SoftmaxCrossEntropyForward {
  /** Mean cross-entropy over the batch, shape [1]. */
  loss: Tensor;
  /** logsumexp of each row, [B]: what the backward needs besides logits and labels. */
  lse: Tensor;
}

/** Forward: per-row logsumexp and loss (one kernel), then their batch mean (a reduction). */
export function softmaxCrossEntropyForward(logits: Tensor, labels: Tensor): SoftmaxCrossEntropyForward {
  const [B, N] = checkLabels('softmaxCrossEntropy', logits, labels);
  const engine = logits.engine;
  const lse = empty(engine, [B], 'f32', 'sce lse');
  const rowLoss = empty(engine, [B], 'f32', 'sce row loss');
  runKernel(engine, 'softmax-cross-entropy', {
    label: `softmaxCrossEntropy [${B}x${N}]`, shape: { b: B, n: N },
    buffers: { logits: logits.buffer, labels: labels.buffer, lse: lse.buffer, rowLoss: rowLoss.buffer },
  });
  const loss = meanAll(rowLoss);
  rowLoss.dispose();
  return { loss, lse };
}

/** Backward: dLogits = (softmax − onehot) / B · gradOut[0], in one kernel. */
export function softmaxCrossEntropyBackward(logits: Tensor, labels: Tensor, lse: Tensor, gradOut: Tensor): Tensor {
  const [B, N] = checkLabels('softmaxCrossEntropy backward', logits, labels);
  if (lse.size !== B || gradOut.size !== 1) throw new ShapeError('softmaxCrossEntropy backward', `lse [${lse.shape.join(', ')}] / gradOut [${gradOut.shape.join(', ')}] do not fit ${B} rows`);
  const engine = logits.engine;
  const dx = empty(engine, [B, N], 'f32', 'sce grad');
  runKernel(engine, 'softmax-cross-entropy-backward', {
    label: `softmaxCrossEntropy backward [${B}x${N}]`, shape: { b: B, n: N },
    buffers: { logits: logits.buffer, labels: labels.buffer, lse: lse.buffer, gradOut: gradOut.buffer, dx: dx.buffer },
  });
  return dx;
}

/** Index of the largest value in each row of x [B, N] (first on ties), int32 [B]. */
export function argmax(x: Tensor): Tensor {
  const [B, N] = x.dims2('argmax');
  x.assertAlive('argmax');
  const out = empty(x.engine, [B], 'i32', 'argmax');
  runKernel(x.engine, 'argmax', { label: `argmax [${B}x${N}]`, shape: { b: B, n: N }, buffers: { x: x.buffer, out: out.buffer } });
  return out;
}

/**
 * Number of rows whose argmax equals the label, as an f32 [1] tensor (exact up to 2^24). With
 * `accumulator` ([1], f32), adds the count into it instead and returns it: a trainer sums a whole epoch
 * on the GPU and reads back once.
 */
export function countCorrect(logits: Tensor, labels: Tensor, accumulator?: Tensor): Tensor {
  const [B, N] = checkLabels('countCorrect', logits, labels);
  const engine = logits.engine;
  const flags = empty(engine, [B], 'f32', 'correct flags');
  runKernel(engine, 'correct-flags', { label: `countCorrect [${B}x${N}]`, shape: { b: B, n: N }, buffers: { x: logits.buffer, labels: labels.buffer, out: flags.buffer } });
  const count = sumAll(flags);
  flags.dispose();
  if (!accumulator) return count;
  if (accumulator.size !== 1) throw new ShapeError('countCorrect', `accumulator has ${accumulator.size} elements, not 1`);
  addInto(accumulator, count);
  count.dispose();
  return accumulator;
}
