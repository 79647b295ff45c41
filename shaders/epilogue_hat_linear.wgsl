// Matmul epilogue of HAT's gated linear forward ('nt': row = sample, col = unit):
//   h = dropout(relu(acc + bias[col])) · σ(s · e[col])
// bias at binding 4, the task embedding e at binding 5. params.epi_f = (s, p, 1/(1−p), 0), params.epi_u =
// (seed, dropout on, 0, 0); the dropout draw is dropout_keep(seed, row·N + col, p), the same as the dropout
// kernel's on the [B, N] output. Appended before it: hat_common (hat_sigmoid), dropout_hash (dropout_keep).
@group(0) @binding(4) var<storage, read> epi_bias: array<f32>;
@group(0) @binding(5) var<storage, read> epi_emb: array<f32>;
// GATED = false gives the same layer without HAT (bias, ReLU, dropout): the control that HAT's overhead is
// measured against, and the plain network's layer.
override GATED: bool = true;
fn epilogue_row(row: u32) -> vec4<f32> { return vec4<f32>(); }
// Per column: the bias and the gate σ(s·e[col]) (1 without HAT).
fn epilogue_col(col: u32) -> vec4<f32> {
  var gate = 1.0;
  if (GATED) { gate = hat_sigmoid(params.epi_f.x * epi_emb[col]); }
  return vec4<f32>(epi_bias[col], gate, 0.0, 0.0);
}
fn epilogue(row: u32, col: u32, acc: f32, rv: vec4<f32>, cv: vec4<f32>) -> f32 {
  var v = max(acc + cv.x, 0.0);
  if (params.epi_u.y != 0u) {
    v = select(0.0, v * params.epi_f.z, dropout_keep(params.epi_u.x, row * params.n + col, params.epi_f.y));
  }
  return v * cv.y;
}
