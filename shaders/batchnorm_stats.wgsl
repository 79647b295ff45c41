// BatchNorm statistics per channel of X viewed as [outer, channels, inner] (NCHW: [N, C, H·W]; [N, C]:
// inner 1), over the M = outer·inner values of each channel, in two passes (mean, then the mean squared
// deviation, which stays accurate where E[x²] − E[x]² would cancel):
//   mean[c], invstd[c] = 1/sqrt(var[c] + eps)            (var biased, as the normalisation uses)
// and, when params.update is 1, PyTorch's running statistics with momentum m:
//   running_mean = (1 − m)·running_mean + m·mean;  running_var = (1 − m)·running_var + m·var·M/(M − 1)
// One 256-invocation workgroup per channel. Appended: workgroup_sum.
// Bindings: 1 X, 2 mean [C], 3 invstd [C], 4 running_mean [C], 5 running_var [C].
struct Params { outer: u32, channels: u32, inner: u32, update: u32, eps: f32, momentum: f32, _p0: u32, _p1: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(3) var<storage, read_write> invstd_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> running_mean: array<f32>;
@group(0) @binding(5) var<storage, read_write> running_var: array<f32>;

fn at(c: u32, m: u32) -> u32 {
  let n = m / params.inner;
  return (n * params.channels + c) * params.inner + (m - n * params.inner);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = wid.y * nwg.x + wid.x;        // uniform per workgroup: every invocation reaches the barriers
  if (c >= params.channels) { return; }
  let M = params.outer * params.inner;
  var acc = 0.0;
  for (var m = lid; m < M; m += 256u) { acc += X[at(c, m)]; }
  let mean = workgroup_sum(lid, acc) / f32(M);
  workgroupBarrier();                    // everyone has read the total before the next sum reuses the tree
  acc = 0.0;
  for (var m = lid; m < M; m += 256u) { let d = X[at(c, m)] - mean; acc += d * d; }
  let variance = workgroup_sum(lid, acc) / f32(M);
  if (lid == 0u) {
    mean_out[c] = mean;
    invstd_out[c] = inverseSqrt(variance + params.eps);
    if (params.update != 0u) {
      let m = params.momentum;
      let unbiased = select(variance, variance * f32(M) / f32(M - 1u), M > 1u);
      running_mean[c] = (1.0 - m) * running_mean[c] + m * mean;
      running_var[c] = (1.0 - m) * running_var[c] + m * unbiased;
    }
  }
}
