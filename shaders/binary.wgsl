// out = f(a, b) elementwise with broadcasting. The binding collapses shapes first, so most calls are one
// of two cheap layouts; integer division per element is expensive on CPU adapters (scalarised per lane),
// so only the general entry point divides:
//   same:   all three tensors share one layout (no broadcast): out[i] = f(a[i], b[i])
//   rows:   a 2-D [rows, cols] output; a and b each address (row, col) by their own strides (0 along a
//           broadcast dim); x runs over columns, y (folded with z) over rows: no division
//   general: up to rank 4, each operand through its strides over the output's index space
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
fn same(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i < params.count) {
    out[i] = f(a[i], b[i], params.alpha);
  }
}

@compute @workgroup_size(WG)
fn rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let col = wid.x * WG + lid;
  let row = wid.z * groups.y + wid.y;
  let cols = params.out_shape.w;
  if (col >= cols || row >= params.out_shape.z) {
    return;
  }
  let ia = row * params.a_strides.z + col * params.a_strides.w;
  let ib = row * params.b_strides.z + col * params.b_strides.w;
  out[row * cols + col] = f(a[ia], b[ib], params.alpha);
}

@compute @workgroup_size(WG)
fn general(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
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
  out[i] = f(a[dot(idx, params.a_strides)], b[dot(idx, params.b_strides)], params.alpha);
}
