// conv2d weight-gradient epilogue of HAT's conditioning: dW[o, c, kh, kw] = acc · (1 − min(post[o], pre[c]))
// broadcast over (kh, kw); without HAT_PRE (first gated layer, no pre mask) acc · (1 − post[o]).
// post at binding 4, pre at binding 5 (the post buffer again when there is none).
@group(0) @binding(4) var<storage, read> epi_post: array<f32>;
@group(0) @binding(5) var<storage, read> epi_pre: array<f32>;
override HAT_PRE: bool = true;
fn epilogue(o: u32, c: u32, khw: u32, acc: f32) -> f32 {
  var m = epi_post[o];
  if (HAT_PRE) { m = min(m, epi_pre[c]); }
  return acc * (1.0 - m);
}
