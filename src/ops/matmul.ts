// The differentiable matrix product y = a·b (a [M, K], b [K, N]) for library users; the layers use the
// fused forms (linear, hatLinear). Backward: da = dy·bᵀ, db = aᵀ·dy, the same GEMM kernel in its other forms.
import { record } from '../autograd.ts';
import { checkOperands, type Tensor } from '../tensor.ts';
import { matmul as gemm } from '../kernels/matmul.ts';

export function matmul(a: Tensor, b: Tensor): Tensor {
  checkOperands('matmul', { a, b });
  const y = gemm(a.engine, 'nn', a, b);
  return record(y, 'matmul', [a, b], (dy) => [
    a.requiresGrad ? gemm(a.engine, 'nt', dy, b) : null,
    b.requiresGrad ? gemm(a.engine, 'tn', a, dy) : null,
  ]);
}
