// Matmul epilogue: add bias[col] (binding 4, length N), then ReLU when the override RELU is true.
@group(0) @binding(4) var<storage, read> epi_bias: array<f32>;
override RELU: bool = true;
fn epilogue(row: u32, col: u32, acc: f32) -> f32 {
  let v = acc + epi_bias[col];
  if (RELU) { return max(v, 0.0); }
  return v;
}
