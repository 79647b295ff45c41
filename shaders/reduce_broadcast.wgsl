// The backward of a reduction: out[i] = scale * g[ig] (* [x[i] == y[ig]] when MASK), where g and y have
// the reduced shape (kept dims of size 1) and ig addresses them through broadcast strides (0 along a
// reduced dimension) over out's 4-D index space. MASK routes a max's gradient to every element equal to
// the maximum (ties each get the full gradient).
struct Params {
  count: u32, scale: f32, _pad0: u32, _pad1: u32,
  out_shape: vec4<u32>,
  g_strides: vec4<u32>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
{{BINDINGS}}

override WG: u32 = 256;

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
  let ig = dot(vec4<u32>(i0, i1, i2, i3), params.g_strides);
  out[i] = {{VALUE}};
}
