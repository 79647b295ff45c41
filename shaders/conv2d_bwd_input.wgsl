// conv2d input gradient, gather form (a transposed convolution without scatter):
//   dX[n, c, ih, iw] = Σ_{kh,kw} Σ_o W[o, c, kh, kw] · dY[n, o, oh, ow]   where oh·SH = ih + PH − kh, ow·SW = iw + PW − kw
// (taps with a non-integer or out-of-range oh/ow contribute nothing). Each invocation owns TC input channels
// × TQ input pixels (flattened over N·H·W); per (kh, kw) the per-pixel dY offsets and validity are computed
// once, then the o loop loads TC weights and TQ gradients and does TC·TQ multiply-adds.
// Defines: {{TC}}, {{TQ}}, {{WG}}. Overrides: KH, KW, SH, SW, PH, PW. Bindings: 1 dY, 2 W, 3 dX.
#include "conv2d_params"
@group(0) @binding(1) var<storage, read> dY: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<f32>;
@group(0) @binding(3) var<storage, read_write> dX: array<f32>;

const TC: u32 = {{TC}}u;
const TQ: u32 = {{TQ}}u;
const WG: u32 = {{WG}}u;
#include "conv2d_geometry"

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = (wid.y * nwg.x + wid.x) * WG + lid;
  let C = params.c; let H = params.h; let W = params.w; let O = params.o;
  let OH = params.oh; let OW = params.ow;
  let OHW = OH * OW;
  let HW = H * W;
  let Q = params.n * HW;
  let tile_q = g % params.tiles;
  let tile_c = g / params.tiles;
  let q0 = tile_q * TQ;
  let c0 = tile_c * TC;
  if (q0 >= Q || c0 >= C) { return; }
  let KK = KH * KW;
  let CKK = C * KK;

  var ybase: array<u32, TQ>;     // n·O·OHW of each pixel
  var ihp: array<i32, TQ>;       // ih + PH
  var iwp: array<i32, TQ>;
  for (var j = 0u; j < TQ; j++) {
    let q = min(q0 + j, Q - 1u);
    let n = q / HW;
    let r = q - n * HW;
    let ih = r / W;
    ihp[j] = i32(ih + PH);
    iwp[j] = i32(r - ih * W + PW);
    ybase[j] = n * O * OHW;
  }
  var wb: array<u32, TC>;
  for (var i = 0u; i < TC; i++) { wb[i] = min(c0 + i, C - 1u) * KK; }

  var acc: array<f32, TC * TQ>;
  for (var kh = 0u; kh < KH; kh++) {
    for (var kw = 0u; kw < KW; kw++) {
      var yoff: array<u32, TQ>;
      var mask: array<f32, TQ>;
      var any = false;
      for (var j = 0u; j < TQ; j++) {
        let th = ihp[j] - i32(kh);
        let tw = iwp[j] - i32(kw);
        let oh = th / i32(SH);
        let ow = tw / i32(SW);
        let ok = th >= 0 && tw >= 0 && oh * i32(SH) == th && ow * i32(SW) == tw && oh < i32(OH) && ow < i32(OW);
        yoff[j] = select(0u, ybase[j] + u32(oh) * OW + u32(ow), ok);
        mask[j] = select(0.0, 1.0, ok);
        any = any || ok;
      }
      if (!any) { continue; }
      let kk = kh * KW + kw;
      for (var o = 0u; o < O; o++) {
        var wv: array<f32, TC>;
        let wo = o * CKK + kk;
        for (var i = 0u; i < TC; i++) { wv[i] = Wt[wo + wb[i]]; }
        let yo = o * OHW;
        for (var j = 0u; j < TQ; j++) {
          let y = dY[yoff[j] + yo] * mask[j];
          for (var i = 0u; i < TC; i++) { acc[i * TQ + j] += wv[i] * y; }
        }
      }
    }
  }

  for (var j = 0u; j < TQ; j++) {
    let q = q0 + j;
    if (q >= Q) { break; }
    let n = q / HW;
    let pix = q - n * HW;
    for (var i = 0u; i < TC; i++) {
      let c = c0 + i;
      if (c < C) { dX[(n * C + c) * HW + pix] = acc[i * TQ + j]; }
    }
  }
}
