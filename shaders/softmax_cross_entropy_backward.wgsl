// Fused softmax + cross-entropy, backward of the batch-mean loss; one invocation per element of [B, N]:
//   dx[b, j] = (exp(x[b, j] - lse[b]) - [j == y[b]]) * g[0] / B
// with lse saved by the forward (softmax_cross_entropy.wgsl) and g the loss's incoming gradient.
#include "softmax_rows_backward"
struct Params { B: u32, N: u32, _pad0: u32, _pad1: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;

fn row_gradient(i: u32, b: u32) -> f32 {
  let j = i % params.N;
  let onehot = select(0.0, 1.0, i32(j) == labels[b]);
  return (exp(logits[i] - lse[b]) - onehot) * (grad_out[0] / f32(params.B));
}
