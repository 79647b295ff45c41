// LwF's distillation loss, backward of the batch mean (distill_forward.wgsl), one invocation per element
// of [B, N]: with p, q and r_j = q_j p_j / (p_j + eps / N) as in the forward and S = sum_j r_j (saved),
//   dlogits[b, k] = grad_out[0] / (B T) * (p_k S - r_k)          (eps = 0: (p_k - q_k) / (B T))
// The old logits get no gradient (the old model is frozen).
#include "softmax_rows_backward"
struct Params { B: u32, N: u32, inv_t: f32, eps: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read> old_logits: array<f32>;
@group(0) @binding(3) var<storage, read> stats: array<f32>;

fn row_gradient(i: u32, b: u32) -> f32 {
  let p = exp(logits[i] * params.inv_t - stats[3u * b]);
  let q = exp(old_logits[i] * params.inv_t - stats[3u * b + 1u]);
  let r = select(q, q * p / (p + params.eps / f32(params.N)), params.eps > 0.0);
  return (p * stats[3u * b + 2u] - r) * (grad_out[0] * params.inv_t / f32(params.B));
}
