// conv2d bias gradient: db[o] = Σ_{n, pixel} dY[n, o, pixel]. One invocation per (o, slice of the batch);
// slices are summed by a second pass of the same kernel with n = 1 (see src/kernels/conv.ts).
// Bindings: 1 dY viewed as [N, O, PIX], 2 db [O].
struct BiasParams { n: u32, o: u32, pix: u32, _pad: u32 }
@group(0) @binding(0) var<uniform> params: BiasParams;
@group(0) @binding(1) var<storage, read> dY: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = (wid.y * nwg.x + wid.x) * 8u + lid;
  if (o >= params.o) { return; }
  var s = 0.0;
  for (var n = 0u; n < params.n; n++) {
    let base = (n * params.o + o) * params.pix;
    for (var p = 0u; p < params.pix; p++) { s += dY[base + p]; }
  }
  db[o] = s;
}
