// BatchNorm normalisation, one invocation per element of X viewed as [outer, channels, inner]:
//   Y = (X − mean[c]) · invstd[c] · gamma[c] + beta[c]
// Training passes the batch's mean and invstd (batchnorm_stats); EVAL = true passes the running mean and
// running variance, and the kernel takes invstd = 1/sqrt(var + eps) itself.
// Bindings: 1 X, 2 mean [C], 3 invstd or running var [C], 4 gamma [C], 5 beta [C], 6 Y.
struct Params { count: u32, channels: u32, inner: u32, _p0: u32, eps: f32, _p1: u32, _p2: u32, _p3: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> beta: array<f32>;
@group(0) @binding(6) var<storage, read_write> Y: array<f32>;

#include "batchnorm_invstd"

// Invocations per workgroup (the declaration's wg axis).
override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= params.count) { return; }
  let c = (i / params.inner) % params.channels;
  let invstd = bn_invstd(scale[c], params.eps);
  Y[i] = (X[i] - mean[c]) * invstd * gamma[c] + beta[c];
}
