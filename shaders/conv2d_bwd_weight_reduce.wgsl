// Sums the SPLIT partial weight gradients [split, O, C·KH·KW] of conv2d_bwd_weight and applies the
// weight-gradient epilogue. Bindings match conv2d_bwd_weight so epilogue snippets bind at 4..:
// 1 partials, 2 partials again (unused; keeps the binding numbers), 3 dW.
#include "conv2d_split_params"
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read> part2: array<f32>;
@group(0) @binding(3) var<storage, read_write> dW: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 64u + lid;
  let count = params.count;
  if (i >= count) { return; }
  var s = 0.0;
  for (var t = 0u; t < params.split; t++) { s += part[t * count + i]; }
  if (params.split == 0xffffffffu) { s += part2[0]; }   // never: only makes binding 2 part of the layout
  let ckk = params.c * params.kk;
  let o = i / ckk;
  let k = i - o * ckk;
  let c = k / params.kk;
  dW[i] = epilogue(o, c, k - c * params.kk, s);
}
