// maxpool2d forward (no padding, floor mode like PyTorch): out[n, c, oh, ow] = max over the window
// rows oh·SH .. oh·SH+KH−1, columns ow·SW .. ow·SW+KW−1, and argmax = ih·W + iw of the first maximum
// (index within the input plane), kept for the backward. One invocation per output element.
// Bindings: 1 X [N, C, H, W], 2 Y [N, C, OH, OW], 3 argmax (u32, same shape as Y).
#include "maxpool2d_params"
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> arg: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = pool_invocation(wid, nwg, lid);
  let ohw = params.oh * params.ow;
  if (i >= params.planes * ohw) { return; }
  let plane = i / ohw;
  let r = i - plane * ohw;
  let oh = r / params.ow;
  let ow = r - oh * params.ow;
  let W = params.w;
  let base = plane * params.h * W;
  let ih0 = oh * params.sh;
  let iw0 = ow * params.sw;
  var best = X[base + ih0 * W + iw0];
  var at = ih0 * W + iw0;
  for (var kh = 0u; kh < params.kh; kh++) {
    for (var kw = 0u; kw < params.kw; kw++) {
      let idx = (ih0 + kh) * W + iw0 + kw;
      let v = X[base + idx];
      if (v > best || (v != v && best == best)) { best = v; at = idx; }   // NaN propagates, like PyTorch
    }
  }
  Y[i] = best;
  arg[i] = at;
}
