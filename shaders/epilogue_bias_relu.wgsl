// Matmul epilogue: add bias[col] (binding 4, length N), then ReLU when the override RELU is true.
@group(0) @binding(4) var<storage, read> epi_bias: array<f32>;
override RELU: bool = true;
fn epilogue_row(row: u32) -> vec4<f32> { return vec4<f32>(); }
fn epilogue_col(col: u32) -> vec4<f32> { return vec4<f32>(epi_bias[col], 0.0, 0.0, 0.0); }
fn epilogue(row: u32, col: u32, acc: f32, rv: vec4<f32>, cv: vec4<f32>) -> f32 {
  let v = acc + cv.x;
  if (RELU) { return max(v, 0.0); }
  return v;
}
