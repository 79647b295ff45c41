// conv2d weight gradient, a GEMM whose reduction runs over every output pixel of the batch (K = N·OH·OW):
//   dW[o, c, kh, kw] = epilogue(o, c, kh·KW + kw, Σ_{n,oh,ow} dY[n, o, oh, ow] · X[n, c, oh·SH − PH + kh, ow·SW − PW + kw])
// Each invocation owns TO output channels × TK flattened (c, kh, kw) indices; per output pixel it loads TO
// gradients and TK inputs and does TO·TK multiply-adds. Optionally the reduction is split in SPLIT slices
// (partials [SPLIT, O, C·KH·KW] reduced by conv2d_bwd_weight_reduce) so that small weight tensors still
// spread over all cores. Defines: {{TO}}, {{TK}}, {{WG}}, {{PARTIAL}} (true: write raw partial sums,
// no epilogue). Overrides: KH, KW, SH, SW, PH, PW. Bindings: 1 dY, 2 X, 3 dW (or partials), 4.. epilogue.
#include "conv2d_split_params"
@group(0) @binding(1) var<storage, read> dY: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> dW: array<f32>;

const TO: u32 = {{TO}}u;
const TK: u32 = {{TK}}u;
const WG: u32 = {{WG}}u;
const PARTIAL: bool = {{PARTIAL}};
#include "conv2d_geometry"

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g0 = (wid.y * nwg.x + wid.x) * WG + lid;
  let slice = g0 / params.tiles_ok;
  let g = g0 - slice * params.tiles_ok;
  let C = params.c; let H = params.h; let W = params.w; let O = params.o;
  let OH = params.oh; let OW = params.ow;
  let OHW = OH * OW;
  let HW = H * W;
  let KK = KH * KW;
  let CKK = C * KK;
  let tile_k = g % params.tiles_k;
  let tile_o = g / params.tiles_k;
  let k0 = tile_k * TK;
  let o0 = tile_o * TO;
  if (slice >= params.split || k0 >= CKK || o0 >= O) { return; }
  let padded = PH > 0u || PW > 0u;

  var koff: array<i32, TK>;      // c·HW + kh·W + kw
  var kh_: array<i32, TK>;
  var kw_: array<i32, TK>;
  for (var j = 0u; j < TK; j++) {
    let k = min(k0 + j, CKK - 1u);
    let c = k / KK;
    let r = k - c * KK;
    let kh = r / KW;
    let kw = r - kh * KW;
    kh_[j] = i32(kh);
    kw_[j] = i32(kw);
    koff[j] = i32(c * HW + kh * W + kw);
  }
  var yb: array<u32, TO>;
  for (var i = 0u; i < TO; i++) { yb[i] = min(o0 + i, O - 1u) * OHW; }

  // This slice's share of the N·OH·OW reduction, walked as (n, oh, ow) without divisions in the loop.
  let P = params.n * OHW;
  let per = (P + params.split - 1u) / params.split;
  let pa = min(slice * per, P);
  let pb = min(pa + per, P);
  var n = pa / OHW;
  var r = pa - n * OHW;
  var oh = r / OW;
  var ow = r - oh * OW;
  var acc: array<f32, TO * TK>;
  for (var p = pa; p < pb; p++) {
    let ybase = n * O * OHW + oh * OW + ow;
    let ih0 = i32(oh * SH) - i32(PH);
    let iw0 = i32(ow * SW) - i32(PW);
    let xbase = i32(n * C * HW) + ih0 * i32(W) + iw0;
    var yv: array<f32, TO>;
    for (var i = 0u; i < TO; i++) { yv[i] = dY[ybase + yb[i]]; }
    for (var j = 0u; j < TK; j++) {
      var x: f32;
      if (padded) {
        let ih = ih0 + kh_[j];
        let iw = iw0 + kw_[j];
        let inside = ih >= 0 && ih < i32(H) && iw >= 0 && iw < i32(W);
        x = select(0.0, X[u32(select(0, xbase + koff[j], inside))], inside);
      } else {
        x = X[u32(xbase + koff[j])];
      }
      for (var i = 0u; i < TO; i++) { acc[i * TK + j] += yv[i] * x; }
    }
    ow++;
    if (ow == OW) { ow = 0u; oh++; if (oh == OH) { oh = 0u; n++; } }
  }

  for (var i = 0u; i < TO; i++) {
    let o = o0 + i;
    if (o >= O) { break; }
    for (var j = 0u; j < TK; j++) {
      let k = k0 + j;
      if (k < CKK) {
        if (PARTIAL) {
          dW[(slice * O + o) * CKK + k] = acc[i * TK + j];
        } else {
          let c = k / KK;
          dW[o * CKK + k] = epilogue(o, c, k - c * KK, acc[i * TK + j]);
        }
      }
    }
  }
}
