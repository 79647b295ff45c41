// Fused softmax + cross-entropy, forward, over rows of logits [B, N] with int32 labels [B]; one
// invocation per row:
//   lse[b] = logsumexp(x[b, :]) (max-subtracted, stable), row_loss[b] = lse[b] - x[b, y[b]].
// The batch mean is a following reduction; lse is what the backward (softmax_cross_entropy_backward.wgsl)
// needs besides the logits. A label outside [0, N) gives a NaN loss rather than a silent wrong one.
struct Params { B: u32, N: u32, _pad0: u32, _pad1: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> lse_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = (wid.y * groups.x + wid.x) * WG + lid;
  if (b >= params.B) {
    return;
  }
  let N = params.N;
  let base = b * N;
  var m = logits[base];
  for (var j = 1u; j < N; j++) {
    m = max(m, logits[base + j]);
  }
  var s = 0.0;
  for (var j = 0u; j < N; j++) {
    s += exp(logits[base + j] - m);
  }
  let lse = m + log(s);
  lse_out[b] = lse;
  let y = labels[b];
  if (y < 0 || u32(y) >= N) {
    // The NaN pattern comes through a runtime value: a constant NaN is a WGSL compile error.
    row_loss[b] = bitcast<f32>(0x7fc00000u | params._pad0);
  } else {
    row_loss[b] = lse - logits[base + u32(y)];
  }
}
