// BatchNorm backward to the input, one invocation per element of X viewed as [outer, channels, inner],
// M = outer·inner values per channel, xhat = (X − mean[c])·invstd[c]:
//   training (batch statistics):  DX = gamma[c]·invstd[c]·(G − dbeta[c]/M − xhat·dgamma[c]/M)
//   EVAL (running statistics, constants of x):  DX = gamma[c]·invstd[c]·G
// with dgamma, dbeta from batchnorm_backward_reduce. EVAL: binding 4 holds the running variance.
// Bindings: 1 G, 2 X, 3 mean [C], 4 invstd or running var [C], 5 gamma [C], 6 dgamma [C], 7 dbeta [C], 8 DX.
struct Params { count: u32, channels: u32, inner: u32, _p0: u32, eps: f32, inv_m: f32, _p1: u32, _p2: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read> gamma: array<f32>;
@group(0) @binding(6) var<storage, read> dgamma: array<f32>;
@group(0) @binding(7) var<storage, read> dbeta: array<f32>;
@group(0) @binding(8) var<storage, read_write> DX: array<f32>;

#include "batchnorm_invstd"

// Invocations per workgroup (the declaration's wg axis).
override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= params.count) { return; }
  let c = (i / params.inner) % params.channels;
  let invstd = bn_invstd(scale[c], params.eps);
  if (EVAL) {
    DX[i] = gamma[c] * invstd * G[i];
    return;
  }
  let xhat = (X[i] - mean[c]) * invstd;
  DX[i] = gamma[c] * invstd * (G[i] - (dbeta[c] + xhat * dgamma[c]) * params.inv_m);
}
