// IMM-mean merge, in place, one step of the running weighted mean over tasks' models:
//   theta[i] = a * old[i] + b * theta[i]      a = W / (W + alpha_t), b = alpha_t / (W + alpha_t)
// with W the sum of the earlier tasks' weights, so that after every task theta = sum_t alpha_t theta_t / sum_t alpha_t.
struct Params { count: u32, a: f32, b: f32, _pad: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> old: array<f32>;
@group(0) @binding(2) var<storage, read_write> theta: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i < params.count) {
    theta[i] = params.a * old[i] + params.b * theta[i];
  }
}
