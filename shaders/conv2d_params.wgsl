// The params of the conv2d forward and input-gradient kernels (src/kernels/declarations/conv2d-family.ts
// declares the same fields): shapes, the tiles along the flattened pixel axis, the epilogue's values.
struct ConvParams {
  n: u32, c: u32, h: u32, w: u32,
  o: u32, oh: u32, ow: u32, tiles: u32,
  epi_f: vec4<f32>, epi_u: vec4<u32>,
}
@group(0) @binding(0) var<uniform> params: ConvParams;
