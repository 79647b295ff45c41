// LwF's distillation loss for one old head, forward, one invocation per row of logits [B, N]:
//   p = softmax(logits / T)             (the model being trained)
//   q = softmax(old_logits / T)         (the frozen model of the previous task: the soft targets)
//   o = (p + eps / N) / (1 + eps)       (the reference's smoothing; eps = 0 gives plain log p)
//   row_loss[b] = -sum_j q_j log o_j
//   stats[b] = (logsumexp(logits / T), logsumexp(old_logits / T), sum_j q_j p_j / (p_j + eps / N))
// The batch mean is a following reduction; stats is what distill_backward.wgsl needs besides the logits.
struct Params { B: u32, N: u32, inv_t: f32, eps: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> old_logits: array<f32>;
@group(0) @binding(3) var<storage, read_write> stats: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;

override WG: u32 = 64;

fn lse_row(base: u32, old: bool) -> f32 {
  var m = -3.4028234e38;
  for (var j = 0u; j < params.N; j++) {
    m = max(m, select(logits[base + j], old_logits[base + j], old) * params.inv_t);
  }
  var s = 0.0;
  for (var j = 0u; j < params.N; j++) {
    s += exp(select(logits[base + j], old_logits[base + j], old) * params.inv_t - m);
  }
  return m + log(s);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = (wid.y * groups.x + wid.x) * WG + lid;
  if (b >= params.B) {
    return;
  }
  let N = params.N;
  let base = b * N;
  let lse_new = lse_row(base, false);
  let lse_old = lse_row(base, true);
  let p_floor = params.eps / f32(N);
  let log_norm = log(1.0 + params.eps);
  var loss = 0.0;
  var r_sum = 0.0;
  for (var j = 0u; j < N; j++) {
    let log_p = logits[base + j] * params.inv_t - lse_new;
    let q = exp(old_logits[base + j] * params.inv_t - lse_old);
    if (params.eps > 0.0) {
      let p = exp(log_p);
      loss -= q * (log(p + p_floor) - log_norm);
      r_sum += q * p / (p + p_floor);
    } else {
      loss -= q * log_p;
      r_sum += q;
    }
  }
  stats[3u * b] = lse_new;
  stats[3u * b + 1u] = lse_old;
  stats[3u * b + 2u] = r_sum;
  row_loss[b] = loss;
}
