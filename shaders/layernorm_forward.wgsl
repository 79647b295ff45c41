// LayerNorm over the last dimension of X [rows, D], two passes per row (mean, then the mean squared
// deviation):  Y = (X − mean[r])·invstd[r]·gamma[d] + beta[d],  invstd = 1/sqrt(var + eps) (var biased,
// as PyTorch). mean and invstd are kept for the backward. One 256-invocation workgroup per row.
// Appended: workgroup_sum.
// Bindings: 1 X, 2 gamma [D], 3 beta [D], 4 Y, 5 mean [rows], 6 invstd [rows].
struct Params { rows: u32, d: u32, _p0: u32, _p1: u32, eps: f32, _p2: u32, _p3: u32, _p4: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> invstd_out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = wid.y * nwg.x + wid.x;        // uniform per workgroup: every invocation reaches the barriers
  if (r >= params.rows) { return; }
  let D = params.d;
  let base = r * D;
  var acc = 0.0;
  for (var d = lid; d < D; d += 256u) { acc += X[base + d]; }
  let mean = workgroup_sum(lid, acc) / f32(D);
  workgroupBarrier();                    // everyone has read the total before the next sum reuses the tree
  acc = 0.0;
  for (var d = lid; d < D; d += 256u) { let v = X[base + d] - mean; acc += v * v; }
  let invstd = inverseSqrt(workgroup_sum(lid, acc) / f32(D) + params.eps);
  for (var d = lid; d < D; d += 256u) { Y[base + d] = (X[base + d] - mean) * invstd * gamma[d] + beta[d]; }
  if (lid == 0u) {
    mean_out[r] = mean;
    invstd_out[r] = invstd;
  }
}
