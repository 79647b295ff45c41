// The params of the conv2d weight-gradient kernel and of the reduction of its split partials: shapes, the
// tiles along C·KH·KW, the split of the N·OH·OW reduction, tiles per slice, KH·KW and the output count
// (the last two used by the reduction only), the epilogue's values.
struct ConvParams {
  n: u32, c: u32, h: u32, w: u32,
  o: u32, oh: u32, ow: u32, tiles_k: u32,
  split: u32, tiles_ok: u32, kk: u32, count: u32,
  epi_f: vec4<f32>, epi_u: vec4<u32>,
}
@group(0) @binding(0) var<uniform> params: ConvParams;
