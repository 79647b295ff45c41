// conv2d forward epilogue: add bias[o] (binding 4, length O), then ReLU when the override RELU is true.
@group(0) @binding(4) var<storage, read> epi_bias: array<f32>;
override RELU: bool = true;
fn epilogue(n: u32, o: u32, pixel: u32, acc: f32) -> f32 {
  let v = acc + epi_bias[o];
  if (RELU) { return max(v, 0.0); }
  return v;
}
