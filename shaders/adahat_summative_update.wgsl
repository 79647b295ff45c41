// AdaHAT's summative mask at the end of a task, in place: sum += [σ(smax·e) > 1/2], i.e. [e > 0]. Each
// entry counts the tasks whose binarised gate uses the unit (CLArena binarises the mask the same way).
struct Params { count: u32, _p0: u32, _p1: u32, _p2: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> sum: array<f32>;
@group(0) @binding(2) var<storage, read> emb: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= params.count) { return; }
  sum[i] = sum[i] + select(0.0, 1.0, emb[i] > 0.0);
}
