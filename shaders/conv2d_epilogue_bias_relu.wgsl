// conv2d forward epilogue: add bias[o] (binding 4, length O), then ReLU when the override RELU is true.
@group(0) @binding(4) var<storage, read> epi_bias: array<f32>;
override RELU: bool = true;
fn epilogue_channel(o: u32) -> vec4<f32> { return vec4<f32>(epi_bias[o], 0.0, 0.0, 0.0); }
fn epilogue(n: u32, o: u32, pixel: u32, acc: f32, ch: vec4<f32>) -> f32 {
  let v = acc + ch.x;
  if (RELU) { return max(v, 0.0); }
  return v;
}
