// Matmul epilogue of HAT's masked weight gradient (matmul 'tn': dW[row = out unit, col = input j]):
//   HAT_PRE:  dW = acc · (1 − min(post[row], pre[col / pre_repeat]))
//   else:     dW = acc · (1 − post[row])                 (first gated layer: no pre mask)
// post at binding 4, pre at binding 5 (the post buffer again when there is none); params.epi_u.x =
// pre_repeat, used only when HAT_REPEAT (a layer fed by a flattened conv output: H·W of that output,
// channel-major), so the usual case pays no division.
@group(0) @binding(4) var<storage, read> epi_post: array<f32>;
@group(0) @binding(5) var<storage, read> epi_pre: array<f32>;
override HAT_PRE: bool = true;
override HAT_REPEAT: bool = false;
fn epilogue_row(row: u32) -> vec4<f32> { return vec4<f32>(epi_post[row], 0.0, 0.0, 0.0); }
// Per column: the pre mask (a value above any mask when there is none, so min() keeps the post mask).
fn epilogue_col(col: u32) -> vec4<f32> {
  if (!HAT_PRE) { return vec4<f32>(2.0, 0.0, 0.0, 0.0); }
  var j = col;
  if (HAT_REPEAT) { j = col / params.epi_u.x; }
  return vec4<f32>(epi_pre[j], 0.0, 0.0, 0.0);
}
fn epilogue(row: u32, col: u32, acc: f32, rv: vec4<f32>, cv: vec4<f32>) -> f32 {
  return acc * (1.0 - min(rv.x, cv.x));
}
