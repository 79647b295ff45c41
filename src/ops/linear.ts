// The plain dense layer y = x·Wᵀ + b (optionally ReLU), PyTorch's weight layout W [out, in]: forward one
// GEMM with the bias (and ReLU) in its epilogue; backward dX = dY·W, dW = dYᵀ·X, db = column sums.
import { record } from '../autograd.ts';
import { assertShape, checkOperands, type Tensor } from '../tensor.ts';
import { matmul, biasReluEpilogue } from '../kernels/matmul.ts';
import { binary } from '../kernels/elementwise.ts';
import { sumOverRows } from '../kernels/reduce.ts';

export function linear(x: Tensor, w: Tensor, b: Tensor, opts: { relu?: boolean } = {}): Tensor {
  checkOperands('linear', { x, weight: w, bias: b });
  const [out] = w.dims2('linear');
  assertShape('linear', 'bias', b, [out], `one per output of weight [${w.shape.join(', ')}]`);
  const relu = opts.relu ?? false;
  const y = matmul(x.engine, 'nt', x, w, { epilogue: biasReluEpilogue(b, relu) });
  return record(y, relu ? 'linear+relu' : 'linear', [x, w, b], (dy) => {
    const dz = relu ? binary('reluGrad', dy, y) : dy;
    const grads = [
      x.requiresGrad ? matmul(x.engine, 'nn', dz, w) : null,
      w.requiresGrad ? matmul(x.engine, 'tn', dz, x) : null,
      b.requiresGrad ? sumOverRows(dz) : null,
    ];
    if (dz !== dy) dz.dispose();
    return grads;
  });
}
