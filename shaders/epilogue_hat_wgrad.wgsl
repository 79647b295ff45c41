// Matmul epilogue of HAT's masked weight gradient (matmul 'tn': dW[row = out unit, col = input j]):
//   dW = acc · (1 − min(post[row], pre[col / pre_repeat]))      (epi_u.x = 1: both masks)
//   dW = acc · (1 − post[row])                                  (epi_u.x = 0: first gated layer, no pre mask)
// post at binding 4, pre at binding 5 (the post buffer again when there is none); epi_u.y = pre_repeat
// (a layer fed by a flattened conv output: H·W of that output, channel-major).
@group(0) @binding(4) var<storage, read> epi_post: array<f32>;
@group(0) @binding(5) var<storage, read> epi_pre: array<f32>;
fn epilogue(row: u32, col: u32, acc: f32) -> f32 {
  var m = epi_post[row];
  if (params.epi_u.x != 0u) { m = min(m, epi_pre[col / params.epi_u.y]); }
  return acc * (1.0 - m);
}
