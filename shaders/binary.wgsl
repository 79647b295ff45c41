// out = f(a, b) elementwise with broadcasting up to rank 4: each operand is addressed through its own
// strides over the output's index space (stride 0 along a broadcast dimension).
struct Params {
  count: u32, alpha: f32, _pad0: u32, _pad1: u32,
  out_shape: vec4<u32>,
  a_strides: vec4<u32>,
  b_strides: vec4<u32>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG: u32 = 256;

fn f(x: f32, y: f32, alpha: f32) -> f32 {
  return {{EXPR}};
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= params.count) {
    return;
  }
  let s = params.out_shape;
  let i3 = i % s.w;
  let i2 = (i / s.w) % s.z;
  let i1 = (i / (s.w * s.z)) % s.y;
  let i0 = i / (s.w * s.z * s.y);
  let idx = vec4<u32>(i0, i1, i2, i3);
  let ia = dot(idx, params.a_strides);
  let ib = dot(idx, params.b_strides);
  out[i] = f(a[ia], b[ib], params.alpha);
}
