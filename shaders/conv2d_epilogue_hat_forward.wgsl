// conv2d forward epilogue of HAT's gated conv layer (before pooling: the gate is positive, so
// maxpool(z)·a = maxpool(z·a)):  y = dropout(relu(acc + bias[o])) · σ(s · e[o])
// bias at binding 4, the task embedding e at binding 5. params.epi_f = (s, p, 1/(1−p), 0), params.epi_u =
// (seed, dropout on, 0, 0); the dropout draw uses the linear NCHW index (n·O + o)·OH·OW + pixel, the same as
// the dropout kernel's on the output. Appended before it: hat_common, dropout_hash.
@group(0) @binding(4) var<storage, read> epi_bias: array<f32>;
@group(0) @binding(5) var<storage, read> epi_emb: array<f32>;
// GATED = false: the same layer without HAT (bias, ReLU, dropout).
override GATED: bool = true;
// Per channel: the bias and the gate σ(s·e[o]) (1 without HAT).
fn epilogue_channel(o: u32) -> vec4<f32> {
  var gate = 1.0;
  if (GATED) { gate = hat_sigmoid(params.epi_f.x * epi_emb[o]); }
  return vec4<f32>(epi_bias[o], gate, 0.0, 0.0);
}
fn epilogue(n: u32, o: u32, pixel: u32, acc: f32, ch: vec4<f32>) -> f32 {
  var v = max(acc + ch.x, 0.0);
  if (params.epi_u.y != 0u) {
    let index = (n * params.o + o) * (params.oh * params.ow) + pixel;
    v = select(0.0, v * params.epi_f.z, dropout_keep(params.epi_u.x, index, params.epi_f.y));
  }
  return v * ch.y;
}
