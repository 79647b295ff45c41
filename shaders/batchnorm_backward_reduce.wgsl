// BatchNorm backward, the per-channel sums over X viewed as [outer, channels, inner], with
// xhat = (X − mean[c])·invstd[c]:   dgamma[c] = Σ G·xhat,   dbeta[c] = Σ G.
// EVAL = true: binding 4 holds the running variance (invstd = 1/sqrt(var + eps)).
// One 256-invocation workgroup per channel. Appended: workgroup_sum.
// Bindings: 1 G, 2 X, 3 mean [C], 4 invstd or running var [C], 5 dgamma [C], 6 dbeta [C].
struct Params { outer: u32, channels: u32, inner: u32, _p0: u32, eps: f32, _p1: u32, _p2: u32, _p3: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbeta: array<f32>;

#include "batchnorm_invstd"

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = wid.y * nwg.x + wid.x;        // uniform per workgroup: every invocation reaches the barriers
  if (c >= params.channels) { return; }
  let invstd = bn_invstd(scale[c], params.eps);
  let mu = mean[c];
  let M = params.outer * params.inner;
  var sum_g = 0.0;
  var sum_gx = 0.0;
  for (var m = lid; m < M; m += 256u) {
    let n = m / params.inner;
    let i = (n * params.channels + c) * params.inner + (m - n * params.inner);
    let g = G[i];
    sum_g += g;
    sum_gx += g * (X[i] - mu) * invstd;
  }
  let total_g = workgroup_sum(lid, sum_g);
  workgroupBarrier();                    // everyone has read the total before the next sum reuses the tree
  let total_gx = workgroup_sum(lid, sum_gx);
  if (lid == 0u) {
    dbeta[c] = total_g;
    dgamma[c] = total_gx;
  }
}
