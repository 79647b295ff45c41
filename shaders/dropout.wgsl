// Inverted dropout: out[i] = x[i] / (1 - p) where dropout_keep(seed, offset + i, p), else 0. The backward
// is this same kernel applied to the gradient with the same seed (the mask is regenerated, not stored).
// Needs shaders/dropout_hash.wgsl appended.
struct Params { count: u32, seed: u32, p: f32, scale: f32, offset: u32, _pad0: u32, _pad1: u32, _pad2: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i < params.count) {
    out[i] = select(0.0, x[i] * params.scale, dropout_keep(params.seed, params.offset + i, params.p));
  }
}
