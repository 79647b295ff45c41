// LayerNorm backward to its affine parameters, per feature d of X [rows, D], xhat = (X − mean[r])·invstd[r]:
//   dgamma[d] = Σ_r G·xhat,   dbeta[d] = Σ_r G.
// One invocation per feature, looping over the rows (neighbouring invocations read neighbouring columns).
// Bindings: 1 G, 2 X, 3 mean [rows], 4 invstd [rows], 5 dgamma [D], 6 dbeta [D].
struct Params { rows: u32, d: u32, _p0: u32, _p1: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> invstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbeta: array<f32>;

// Invocations per workgroup (the declaration's wg axis).
override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let d = (wid.y * nwg.x + wid.x) * WG + lid;
  let D = params.d;
  if (d >= D) { return; }
  var sum_g = 0.0;
  var sum_gx = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    let i = r * D + d;
    let g = G[i];
    sum_g += g;
    sum_gx += g * (X[i] - mean[r]) * invstd[r];
  }
  dgamma[d] = sum_gx;
  dbeta[d] = sum_g;
}
