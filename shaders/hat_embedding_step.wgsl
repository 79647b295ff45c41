// HAT embedding step, in place: e = clamp(e − lr · c · g, −bound, bound), with the global-norm clip factor c
// read on the GPU from clip[0]: clip_mode 0: c = 1; 1: clip[0] is c itself; 2: clip[0] is the global
// gradient norm and c = min(1, max_norm / (norm + 1e-6)) (as shaders/sgd.wgsl).
struct Params { count: u32, clip_mode: u32, lr: f32, bound: f32, max_norm: f32, _p0: u32, _p1: u32, _p2: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> emb: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read> clip: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= params.count) { return; }
  var step = params.lr;
  if (params.clip_mode == 1u) { step = step * clip[0]; }
  if (params.clip_mode == 2u) { step = step * min(1.0, params.max_norm / (clip[0] + 1e-6)); }
  emb[i] = clamp(emb[i] - step * grad[i], -params.bound, params.bound);
}
