// HAT's ops for networks whose gated layers are convolutions followed by a normalisation (ResNet): the
// convolution and the gate are separate ops there, because BatchNorm sits between them.
//   conditionedConv2d: y = conv(x, W), no bias (BatchNorm follows), whose weight gradient is conditioned by
//     the cumulative masks as a gated conv's (1 − min(maskPost[o], maskPre[c])), fused into the dW kernel;
//   hatGate: h = act(x)·σ(s·e[c]) per channel, act ReLU or identity, with the raw embedding gradient
//     s·σ(−s·e)·Σ g·h (docs/hat.md, numerics of the gate derivative).
import { record } from '../autograd.ts';
import { checkOperands, type Tensor } from '../tensor.ts';
import { ShapeError } from '../runtime/errors.ts';
import { binary, zip } from '../kernels/elementwise.ts';
import { reduce } from '../kernels/reduce.ts';
import { conv2dBackwardInput, conv2dForward, type Conv2dOptions } from '../kernels/conv.ts';
import * as hat from '../kernels/hat.ts';

export interface ConvConditioning {
  /** Cumulative mask of this layer's output channels (null on the first task: no conditioning). */
  maskPost: Tensor | null;
  /** Cumulative mask of the layer whose gate produced x (null for the first gated layer). */
  maskPre: Tensor | null;
  fused: boolean;
}

/** y = conv2d(x, w) without bias; the weight gradient conditioned by the masks (HAT). */
export function conditionedConv2d(x: Tensor, w: Tensor, masks: ConvConditioning, conv: Conv2dOptions = {}): Tensor {
  checkOperands('conditionedConv2d', { x, weight: w, maskPost: masks.maskPost, maskPre: masks.maskPre });
  if (masks.maskPost && masks.maskPost.size !== w.shape[0]) throw new ShapeError('conditionedConv2d', `maskPost has ${masks.maskPost.size} values, expected ${w.shape[0]} (one per output channel)`);
  const y = conv2dForward(x, w, conv);
  return record(y, masks.fused ? 'conditionedConv2d' : 'conditionedConv2d(unfused)', [x, w], (dy) => {
    // The kernel size, which the weight gradient cannot infer from the shapes once the stride is over 1.
    const wgrad = { ...conv, kernel: [w.shape[2]!, w.shape[3]!] as const };
    const dW = w.requiresGrad ? (masks.fused ? hat.hatConvWeightGrad : hat.hatConvWeightGradUnfused)(dy, x, masks.maskPost, masks.maskPre, wgrad) : null;
    const dX = x.requiresGrad ? conv2dBackwardInput(dy, w, x.shape, conv) : null;
    return [dX, dW];
  });
}

export interface HatGateOptions {
  embedding: Tensor;
  s: number;
  /** ReLU before the gate (block outputs) or none (a shortcut's normalised output). */
  relu: boolean;
  fused: boolean;
}

/** h = act(x)·σ(s·e[c]) for x [N, C] or [N, C, H, W]: HAT's gate on the channels. */
export function hatGate(x: Tensor, g: HatGateOptions): Tensor {
  checkOperands('hatGate', { x, embedding: g.embedding });
  if (x.shape.length !== 2 && x.shape.length !== 4) throw new ShapeError('hatGate', `input must be [N, C] or [N, C, H, W], got [${x.shape.join(', ')}]`);
  const channels = x.shape[1]!;
  if (g.embedding.size !== channels) throw new ShapeError('hatGate', `embedding has ${g.embedding.size} values, expected ${channels} (one per channel)`);
  const perChannel = x.shape.length === 4 ? [channels, 1, 1] : [channels];
  const spatial = x.shape.length === 4 ? x.shape[2]! * x.shape[3]! : 1;
  const e = g.embedding.reshape(perChannel);
  // The gate as hat_sigmoid computes it: 1/(1 + e^−se) is 0, not NaN, where e^−se overflows.
  const act = g.relu ? 'max(x, 0.0)' : 'x';
  const h = zip(g.relu ? 'hatGate(relu)' : 'hatGate', `${act} / (1.0 + exp(-alpha * y))`, x, e, g.s);
  e.dispose();
  return record(h, g.relu ? 'hatGate(relu)' : 'hatGate', [x, g.embedding], (gradH) => {
    const gate = { embedding: g.embedding, s: g.s };
    if (g.relu) {
      // dz = g·a·[h ≠ 0] and the raw embedding gradient, one pass (the gated conv's gate backward).
      const back = (g.fused ? hat.hatGateBackward : hat.hatGateBackwardUnfused)(gradH, h, gate, 0, null, spatial);
      back.dBias.dispose();
      return [x.requiresGrad ? back.dz : (back.dz.dispose(), null), back.dEmbedding];
    }
    // Without ReLU: dx = g·a; dE = s·σ(−s·e)·Σ g·h over the batch and the pixels.
    const ec = g.embedding.reshape(perChannel);
    const dx = x.requiresGrad ? zip('hatGate dx', 'x / (1.0 + exp(-alpha * y))', gradH, ec, g.s) : null;
    ec.dispose();
    const gh = binary('mul', gradH, h);
    const sums = reduce('sum', gh, x.shape.length === 4 ? [0, 2, 3] : [0]);
    gh.dispose();
    const dE = zip('hatGate dE', 'alpha * y / (1.0 + exp(alpha * x))', g.embedding, sums, g.s);
    sums.dispose();
    return [dx, dE];
  });
}
