// Loader for the matmul cores for any shape: ldA/ldB(e, lim) return elements e..e+3, component j set to 0
// unless j < lim (so a 4-chunk hanging over the end of a row, or a row past K, reads as zeros).
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
fn ldA(e: u32, lim: i32) -> vec4<f32> {
  return vec4<f32>(select(0.0, A[e], lim > 0), select(0.0, A[e + 1u], lim > 1),
                   select(0.0, A[e + 2u], lim > 2), select(0.0, A[e + 3u], lim > 3));
}
fn ldB(e: u32, lim: i32) -> vec4<f32> {
  return vec4<f32>(select(0.0, B[e], lim > 0), select(0.0, B[e + 1u], lim > 1),
                   select(0.0, B[e + 2u], lim > 2), select(0.0, B[e + 3u], lim > 3));
}
