// Loader for the matmul cores when each operand's contiguous dimension is a multiple of 4:
// ldA/ldB(e, lim) return elements e..e+3 (e a multiple of 4) as one vec4 load. `lim` (how many of the 4 are
// inside the row) is ignored: the cores only read past an edge where the result is never stored.
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
fn ldA(e: u32, lim: i32) -> vec4<f32> { return A[e >> 2u]; }
fn ldB(e: u32, lim: i32) -> vec4<f32> { return B[e >> 2u]; }
