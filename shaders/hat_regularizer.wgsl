// HAT regulariser, one layer per dispatch, one workgroup: adds this layer's Σ a·(1 − prev) and Σ (1 − prev)
// (a = σ(s·e); without prev both factors are 1) to acc[0], acc[1]; the first layer's dispatch starts them
// from 0 (flags bit 1 clear) and the last one (flags bit 2) writes out[0] = acc[0] / acc[1]:
//   R = Σ_l Σ_i a_i (1 − prev_i) / Σ_l Σ_i (1 − prev_i)
// Dispatches in one pass run in order, so acc carries the sums from layer to layer. Appended: hat_common.
struct Params { count: u32, flags: u32, s: f32, _p0: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> emb: array<f32>;
@group(0) @binding(2) var<storage, read> prev: array<f32>;
@group(0) @binding(3) var<storage, read_write> acc: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;
var<workgroup> red_num: array<f32, WG>;
var<workgroup> red_den: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let has_prev = (params.flags & 1u) != 0u;
  var num = 0.0;
  var den = 0.0;
  for (var i = lid; i < params.count; i += WG) {
    let a = hat_sigmoid(params.s * emb[i]);
    var free = 1.0;
    if (has_prev) { free = 1.0 - prev[i]; }
    num += a * free;
    den += free;
  }
  red_num[lid] = num;
  red_den[lid] = den;
  workgroupBarrier();
  for (var w = WG / 2u; w > 0u; w = w >> 1u) {
    if (lid < w) {
      red_num[lid] += red_num[lid + w];
      red_den[lid] += red_den[lid + w];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    var n = red_num[0];
    var d = red_den[0];
    if ((params.flags & 2u) != 0u) { n += acc[0]; d += acc[1]; }
    acc[0] = n;
    acc[1] = d;
    if ((params.flags & 4u) != 0u) { out[0] = n / d; }
  }
}
