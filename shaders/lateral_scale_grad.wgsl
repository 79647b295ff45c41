// The gradient of a lateral scale alpha[j] (lateral_scale.wgsl): d alpha[j] = sum_i dy[i] * x[i].
// Stage one of a deterministic reduction: each workgroup writes the sum of its 256 products
// (workgroup_sum.wgsl, appended) to partials[group]; reduce.wgsl sums the partials.
struct Params { count: u32, _pad0: u32, _pad1: u32, _pad2: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;

const WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let group = wid.y * groups.x + wid.x;
  let i = group * WG + lid;
  var v = 0.0;
  if (i < params.count) {
    v = dy[i] * x[i];
  }
  let total = workgroup_sum(lid, v);
  if (lid == 0u && group * WG < params.count) {
    partials[group] = total;
  }
}
