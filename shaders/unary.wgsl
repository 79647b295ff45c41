// out[i] = f(x[i]) where f is the expression {{EXPR}} of x and the scalars alpha, beta.
struct Params { count: u32, alpha: f32, beta: f32, _pad: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG: u32 = 256;

fn f(x: f32, alpha: f32, beta: f32) -> f32 {
  return {{EXPR}};
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i < params.count) {
    out[i] = f(input[i], params.alpha, params.beta);
  }
}
