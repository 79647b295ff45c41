// y[i] = beta * y[i] + alpha * x[i], in place: gradient accumulation and the plain SGD step.
struct Params { count: u32, alpha: f32, beta: f32, _pad: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i < params.count) {
    y[i] = params.beta * y[i] + params.alpha * x[i];
  }
}
