// A progressive network's lateral input scaling: y[i] = alpha[j] * x[i], with alpha the adapter's
// learnable per-column scales and j the source column, read from the buffer on the device (no readback,
// no broadcast pass building a [1] tensor first). The same kernel gives the backward's dx = alpha[j] * dy.
struct Params { count: u32, j: u32, _pad0: u32, _pad1: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> alpha: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i < params.count) {
    y[i] = alpha[params.j] * x[i];
  }
}
