// HAT cumulative mask update at the end of a task, in place: prev = max(prev, σ(smax·e)). Appended: hat_common.
struct Params { count: u32, smax: f32, _p0: u32, _p1: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> prev: array<f32>;
@group(0) @binding(2) var<storage, read> emb: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= params.count) { return; }
  prev[i] = max(prev[i], hat_sigmoid(params.smax * emb[i]));
}
