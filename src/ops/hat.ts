// HAT's differentiable ops: a gated linear layer and a gated conv layer (pre-pool), each recorded on the
// tape as one op whose backward does HAT's work — the gate's and ReLU/dropout's gradient, the embedding
// gradient reduced over the batch, and the weight/bias gradients already conditioned by the masks of
// earlier tasks. `fused` picks the fused kernels or their unfused twins (same op structure, primitive
// kernels), so the two paths differ only in kernels and must agree in numbers.
import { record } from '../autograd.ts';
import { assertShape, checkOperands, type Tensor } from '../tensor.ts';
import { ShapeError } from '../runtime/errors.ts';
import { matmul } from '../kernels/matmul.ts';
import { conv2dBackwardInput, conv2dBackwardWeight } from '../kernels/conv.ts';
import * as hat from '../kernels/hat.ts';

export interface HatGateConfig {
  /** Task embedding row e_t [units]. */
  embedding: Tensor;
  /** Gate temperature s (annealed in training, smax in evaluation). */
  s: number;
  /** Dropout probability before the gate (0 in evaluation). */
  dropout: number;
  /** Seed of this layer's dropout mask for this step. */
  seed: number;
  /** Cumulative mask of earlier tasks for this layer's units (null on the first task). */
  maskPost: Tensor | null;
  /** Cumulative mask of the layer feeding this one (null for the first gated layer or the first task). */
  maskPre: Tensor | null;
  /** For a fc layer fed by a flattened conv: spatial positions per channel of maskPre. */
  preRepeat?: number;
  fused: boolean;
}

/**
 * A layer's operands checked before anything is recorded: alive and f32, one bias value per output unit
 * (W's first dimension), and, when gated, one embedding value and one mask value per output unit.
 */
function checkLayer(op: string, x: Tensor, w: Tensor, b: Tensor, g?: HatGateConfig): void {
  checkOperands(op, { x, weight: w, bias: b, embedding: g?.embedding, maskPost: g?.maskPost, maskPre: g?.maskPre });
  const out = w.shape[0]!;
  assertShape(op, 'bias', b, [out], `one per output of weight [${w.shape.join(', ')}]`);
  if (g && g.embedding.size !== out) throw new ShapeError(op, `embedding has ${g.embedding.size} values, expected ${out} (one per output unit)`);
  if (g?.maskPost && g.maskPost.size !== out) throw new ShapeError(op, `maskPost has ${g.maskPost.size} values, expected ${out} (one per output unit)`);
}

/** h = dropout(relu(x·Wᵀ + b)) · sigmoid(s·e_t), with HAT's conditioned backward. x [B, in], W [out, in]. */
export function hatLinear(x: Tensor, w: Tensor, b: Tensor, g: HatGateConfig): Tensor {
  checkLayer('hatLinear', x, w, b, g);
  const gate = { embedding: g.embedding, s: g.s };
  const drop = { p: g.dropout, seed: g.seed };
  const h = g.fused ? hat.hatLinearForward(x, w, b, gate, drop) : hat.hatLinearForwardUnfused(x, w, b, gate, drop);
  return record(h, g.fused ? 'hatLinear' : 'hatLinear(unfused)', [x, w, b, g.embedding], (gradH) => {
    const back = g.fused ? hat.hatGateBackward(gradH, h, gate, g.dropout, g.maskPost, 1) : hat.hatGateBackwardUnfused(gradH, h, gate, g.dropout, g.maskPost, 1);
    const dW = g.fused
      ? hat.hatLinearWeightGrad(back.dz, x, g.maskPost, g.maskPre, g.preRepeat ?? 1)
      : hat.hatLinearWeightGradUnfused(back.dz, x, g.maskPost, g.maskPre, g.preRepeat ?? 1);
    const dX = x.requiresGrad ? matmul(x.engine, 'nn', back.dz, w) : null;
    back.dz.dispose();
    return [dX, dW, back.dBias, back.dEmbedding];
  });
}

/** h = dropout(relu(conv(x) + b)) · sigmoid(s·e_t) per channel, before the 2×2 max-pool. */
export function hatConv2d(x: Tensor, w: Tensor, b: Tensor, g: HatGateConfig, conv: { stride?: number; padding?: number } = {}): Tensor {
  checkLayer('hatConv2d', x, w, b, g);
  const gate = { embedding: g.embedding, s: g.s };
  const drop = { p: g.dropout, seed: g.seed };
  const h = g.fused ? hat.hatConvForward(x, w, b, gate, drop, conv) : hat.hatConvForwardUnfused(x, w, b, gate, drop, conv);
  const spatial = h.shape[2]! * h.shape[3]!;
  return record(h, g.fused ? 'hatConv2d' : 'hatConv2d(unfused)', [x, w, b, g.embedding], (gradH) => {
    const back = g.fused ? hat.hatGateBackward(gradH, h, gate, g.dropout, g.maskPost, spatial) : hat.hatGateBackwardUnfused(gradH, h, gate, g.dropout, g.maskPost, spatial);
    // The kernel size, which the weight gradient cannot infer from the shapes once the stride is over 1.
    const wgrad = { ...conv, kernel: [w.shape[2]!, w.shape[3]!] as const };
    const dW = g.fused
      ? hat.hatConvWeightGrad(back.dz, x, g.maskPost, g.maskPre, wgrad)
      : hat.hatConvWeightGradUnfused(back.dz, x, g.maskPost, g.maskPre, wgrad);
    const dX = x.requiresGrad ? conv2dBackwardInput(back.dz, w, x.shape, conv) : null;
    back.dz.dispose();
    return [dX, dW, back.dBias, back.dEmbedding];
  });
}

/** The same linear layer without HAT: h = dropout(relu(x·Wᵀ + b)), same kernels with the gate off. */
export function plainLinear(x: Tensor, w: Tensor, b: Tensor, drop: { p: number; seed: number }): Tensor {
  checkLayer('plainLinear', x, w, b);
  const h = hat.plainLinearForward(x, w, b, drop);
  return record(h, 'linear+relu+dropout', [x, w, b], (gradH) => {
    const back = hat.plainReluDropoutBackward(gradH, h, drop.p, 1);
    const dW = matmul(x.engine, 'tn', back.dz, x);
    const dX = x.requiresGrad ? matmul(x.engine, 'nn', back.dz, w) : null;
    back.dz.dispose();
    return [dX, dW, back.dBias];
  });
}

/** The same conv layer without HAT: h = dropout(relu(conv(x) + b)) before the pool. */
export function plainConv2d(x: Tensor, w: Tensor, b: Tensor, drop: { p: number; seed: number }, conv: { stride?: number; padding?: number } = {}): Tensor {
  checkLayer('plainConv2d', x, w, b);
  const h = hat.plainConvForward(x, w, b, drop, conv);
  const spatial = h.shape[2]! * h.shape[3]!;
  return record(h, 'conv2d+relu+dropout', [x, w, b], (gradH) => {
    const back = hat.plainReluDropoutBackward(gradH, h, drop.p, spatial);
    const dW = conv2dBackwardWeight(back.dz, x, w.shape, conv);
    const dX = x.requiresGrad ? conv2dBackwardInput(back.dz, w, x.shape, conv) : null;
    back.dz.dispose();
    return [dX, dW, back.dBias];
  });
}
