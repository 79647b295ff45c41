// HAT helpers shared by the hat_* kernels and the HAT epilogues (appended to them).
// hat_sigmoid: the gate a = σ(x) without overflow: exp of a non-positive argument only, so a very negative
// s·e gives exactly 0 and a very positive one exactly 1 (no inf in between).
fn hat_sigmoid(x: f32) -> f32 {
  let z = exp(-abs(x));
  let r = 1.0 / (1.0 + z);
  return select(z * r, r, x >= 0.0);
}
