// conv2d forward as an implicit GEMM: out[n, o, oh, ow] = epilogue(n, o, oh·OW + ow, Σ_{c,kh,kw} W[o,c,kh,kw]·X[n,c,ih,iw])
// with ih = oh·SH − PH + kh, iw = ow·SW − PW + kw (zero outside). NCHW input, OIHW weight (PyTorch layouts).
// Each invocation owns a register block of TO output channels × TP output pixels (pixels flattened over
// N·OH·OW, so small feature maps still fill the block); every loaded input value is reused TO times and
// every loaded weight TP times — on lavapipe per-lane storage loads are the cost, not arithmetic.
// Defines: {{TO}}, {{TP}}, {{WG}}. Overrides: KH, KW, SH, SW, PH, PW. Appended: an epilogue snippet
// defining epilogue_channel(o) -> vec4<f32> (computed once per channel of a block) and
// epilogue(n, o, pixel, acc, ch) -> f32, whose own buffers start at @binding(4).
// Grid folded: invocation g = (wid.y·nwg.x + wid.x)·WG + lid; tile_p = g % tiles_p, tile_o = g / tiles_p.
#include "conv2d_params"
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;

const TO: u32 = {{TO}}u;
const TP: u32 = {{TP}}u;
const WG: u32 = {{WG}}u;
#include "conv2d_geometry"

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = (wid.y * nwg.x + wid.x) * WG + lid;
  let C = params.c; let H = params.h; let W = params.w; let O = params.o;
  let OHW = params.oh * params.ow;
  let P = params.n * OHW;
  let tile_p = g % params.tiles;
  let tile_o = g / params.tiles;
  let p0 = tile_p * TP;
  let o0 = tile_o * TO;
  if (p0 >= P || o0 >= O) { return; }
  let HW = H * W;
  let KK = KH * KW;
  let CKK = C * KK;
  let padded = PH > 0u || PW > 0u;

  // Per pixel: base address of its window's top-left corner in X (channel 0) and, with padding, its corner.
  var xb: array<i32, TP>;
  var ih0: array<i32, TP>;
  var iw0: array<i32, TP>;
  for (var j = 0u; j < TP; j++) {
    let p = min(p0 + j, P - 1u);
    let n = p / OHW;
    let r = p - n * OHW;
    let oh = r / params.ow;
    let ow = r - oh * params.ow;
    ih0[j] = i32(oh * SH) - i32(PH);
    iw0[j] = i32(ow * SW) - i32(PW);
    xb[j] = i32(n * C * HW) + ih0[j] * i32(W) + iw0[j];
  }
  var wb: array<u32, TO>;
  for (var i = 0u; i < TO; i++) { wb[i] = min(o0 + i, O - 1u) * CKK; }

  var acc: array<f32, TO * TP>;
  for (var c = 0u; c < C; c++) {
    let xc = i32(c * HW);
    for (var kh = 0u; kh < KH; kh++) {
      for (var kw = 0u; kw < KW; kw++) {
        let k = (c * KH + kh) * KW + kw;
        let xo = xc + i32(kh * W + kw);
        var wv: array<f32, TO>;
        for (var i = 0u; i < TO; i++) { wv[i] = Wt[wb[i] + k]; }
        for (var j = 0u; j < TP; j++) {
          var x: f32;
          if (padded) {
            let ih = ih0[j] + i32(kh);
            let iw = iw0[j] + i32(kw);
            let inside = ih >= 0 && ih < i32(H) && iw >= 0 && iw < i32(W);
            x = select(0.0, X[u32(select(0, xb[j] + xo, inside))], inside);
          } else {
            x = X[u32(xb[j] + xo)];
          }
          for (var i = 0u; i < TO; i++) { acc[i * TP + j] += wv[i] * x; }
        }
      }
    }
  }

  // The epilogue's per-channel values (bias, gate) once per block, not once per element.
  var ch: array<vec4<f32>, TO>;
  for (var i = 0u; i < TO; i++) { ch[i] = epilogue_channel(min(o0 + i, O - 1u)); }
  for (var j = 0u; j < TP; j++) {
    let p = p0 + j;
    if (p >= P) { break; }
    let n = p / OHW;
    let pix = p - n * OHW;
    for (var i = 0u; i < TO; i++) {
      let o = o0 + i;
      if (o < O) { Y[(n * O + o) * OHW + pix] = epilogue(n, o, pix, acc[i * TP + j], ch[i]); }
    }
  }
}
