// LayerNorm backward to the input, per row r of X [rows, D], with xhat = (X − mean[r])·invstd[r] and
// gg = G·gamma[d]:   DX = invstd[r]·(gg − Σ_d gg / D − xhat·Σ_d gg·xhat / D).
// One 256-invocation workgroup per row. Appended: workgroup_sum.
// Bindings: 1 G, 2 X, 3 gamma [D], 4 mean [rows], 5 invstd [rows], 6 DX.
struct Params { rows: u32, d: u32, _p0: u32, _p1: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> invstd: array<f32>;
@group(0) @binding(6) var<storage, read_write> DX: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = wid.y * nwg.x + wid.x;        // uniform per workgroup: every invocation reaches the barriers
  if (r >= params.rows) { return; }
  let D = params.d;
  let base = r * D;
  let mu = mean[r];
  let is = invstd[r];
  var sum_gg = 0.0;
  var sum_ggx = 0.0;
  for (var d = lid; d < D; d += 256u) {
    let gg = G[base + d] * gamma[d];
    sum_gg += gg;
    sum_ggx += gg * (X[base + d] - mu) * is;
  }
  let total_gg = workgroup_sum(lid, sum_gg) / f32(D);
  workgroupBarrier();                    // everyone has read the total before the next sum reuses the tree
  let total_ggx = workgroup_sum(lid, sum_ggx) / f32(D);
  for (var d = lid; d < D; d += 256u) {
    let xhat = (X[base + d] - mu) * is;
    DX[base + d] = is * (G[base + d] * gamma[d] - total_gg - xhat * total_ggx);
  }
}
