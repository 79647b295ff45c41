// Differentiable conv2d and maxpool2d (autograd via record()).
import { isGradEnabled, record } from '../autograd.ts';
import { assertShape, checkOperands, type Tensor } from '../tensor.ts';
import { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dBiasRelu, conv2dForward, type Conv2dOptions } from '../kernels/conv.ts';
import { maxpool2dBackward, maxpool2dForward, type MaxPool2dOptions } from '../kernels/pool.ts';

/** y = conv2d(x, w) + b: x [N, C, H, W], w [O, C, KH, KW], b [O] or null; y [N, O, OH, OW]. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  checkOperands('conv2d', { x, weight: w, bias: b });
  if (b) assertShape('conv2d', 'bias', b, [w.shape[0]!], `one per output channel of weight [${w.shape.join(', ')}]`);
  const y = b ? conv2dBiasRelu(x, w, b, { ...opts, relu: false }) : conv2dForward(x, w, opts);
  const inputs = b ? [x, w, b] : [x, w];
  return record(y, 'conv2d', inputs, (dy) => [
    x.requiresGrad ? conv2dBackwardInput(dy, w, x.shape, opts) : null,
    w.requiresGrad ? conv2dBackwardWeight(dy, x, w.shape, opts) : null,
    ...(b ? [b.requiresGrad ? conv2dBackwardBias(dy) : null] : []),
  ]);
}

/** Max pooling (no padding, floor mode): x [N, C, H, W] → [N, C, OH, OW]. Default kernel 2, stride = kernel. */
export function maxpool2d(x: Tensor, opts: MaxPool2dOptions = {}): Tensor {
  checkOperands('maxpool2d', { x });
  const { out, argmax } = maxpool2dForward(x, opts);
  if (!isGradEnabled() || !x.requiresGrad) {
    argmax.dispose();
    return out;
  }
  // The argmax lives as long as the graph node: it is disposed with the output's backward (or the output).
  const y = record(out, 'maxpool2d', [x], (dy) => [maxpool2dBackward(dy, argmax, x.shape, opts)]);
  argmax.keep();
  const dispose = y.dispose.bind(y);
  y.dispose = () => { argmax.dispose(); dispose(); };
  return y;
}
