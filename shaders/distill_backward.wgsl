// LwF's distillation loss, backward of the batch mean (distill_forward.wgsl), one invocation per element
// of [B, N]: with p, q and r_j = q_j p_j / (p_j + eps / N) as in the forward and S = sum_j r_j (saved),
//   dlogits[b, k] = grad_out[0] / (B T) * (p_k S - r_k)          (eps = 0: (p_k - q_k) / (B T))
// The old logits get no gradient (the old model is frozen).
struct Params { B: u32, N: u32, inv_t: f32, eps: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> old_logits: array<f32>;
@group(0) @binding(3) var<storage, read> stats: array<f32>;
@group(0) @binding(4) var<storage, read> grad_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= params.B * params.N) {
    return;
  }
  let b = i / params.N;
  let p = exp(logits[i] * params.inv_t - stats[3u * b]);
  let q = exp(old_logits[i] * params.inv_t - stats[3u * b + 1u]);
  let r = select(q, q * p / (p + params.eps / f32(params.N)), params.eps > 0.0);
  dx[i] = (p * stats[3u * b + 2u] - r) * (grad_out[0] * params.inv_t / f32(params.B));
}
