// maxpool2d backward, gather form: dX[n, c, ih, iw] = Σ over the windows that contain (ih, iw) and whose
// argmax is this pixel of dY. Correct for overlapping windows (stride < kernel) without atomics, and
// writes every element of dX (no separate zero fill). One invocation per input element.
// Bindings: 1 dY [N, C, OH, OW], 2 argmax (u32), 3 dX [N, C, H, W].
#include "maxpool2d_params"
@group(0) @binding(1) var<storage, read> dY: array<f32>;
@group(0) @binding(2) var<storage, read> arg: array<u32>;
@group(0) @binding(3) var<storage, read_write> dX: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = pool_invocation(wid, nwg, lid);
  let hw = params.h * params.w;
  if (i >= params.planes * hw) { return; }
  let plane = i / hw;
  let idx = i - plane * hw;
  let ih = idx / params.w;
  let iw = idx - ih * params.w;
  // Windows oh with oh·SH <= ih < oh·SH + KH, clipped to [0, OH).
  let oh_lo = select(0u, (ih + 1u - params.kh + params.sh - 1u) / params.sh, ih + 1u > params.kh);
  let oh_hi = min(ih / params.sh + 1u, params.oh);
  let ow_lo = select(0u, (iw + 1u - params.kw + params.sw - 1u) / params.sw, iw + 1u > params.kw);
  let ow_hi = min(iw / params.sw + 1u, params.ow);
  let ybase = plane * params.oh * params.ow;
  var s = 0.0;
  for (var oh = oh_lo; oh < oh_hi; oh++) {
    for (var ow = ow_lo; ow < ow_hi; ow++) {
      let j = ybase + oh * params.ow + ow;
      if (arg[j] == idx) { s += dY[j]; }
    }
  }
  dX[i] = s;
}
