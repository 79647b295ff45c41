// Fused softmax + cross-entropy, backward of the batch-mean loss; one invocation per element of [B, N]:
//   dx[b, j] = (exp(x[b, j] - lse[b]) - [j == y[b]]) * g[0] / B
// with lse saved by the forward (softmax_cross_entropy.wgsl) and g the loss's incoming gradient.
struct Params { B: u32, N: u32, _pad0: u32, _pad1: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
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
  let j = i % params.N;
  let onehot = select(0.0, 1.0, i32(j) == labels[b]);
  dx[i] = (exp(logits[i] - lse[b]) - onehot) * (grad_out[0] / f32(params.B));
}
