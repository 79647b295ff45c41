// Stores a GEMM core's TM×TN register block `acc` at (r0, c0) through the epilogue (appended to
// shaders/matmul.wgsl and shaders/matmul_sg.wgsl, which declare acc, TM, TN, TN4 and C).
// The epilogue's per-column values (bias, gate, mask) are computed once per block and its per-row values
// once per row, not once per element: each storage load costs a lane several cycles on CPU adapters.
fn store_block(r0: u32, c0: u32, M: u32, N: u32) {
  var cv: array<vec4<f32>, TN>;
  for (var j = 0u; j < TN; j++) { cv[j] = epilogue_col(min(c0 + j, N - 1u)); }
  for (var i = 0u; i < TM; i++) {
    let row = r0 + i;
    if (row >= M) { break; }
    let rv = epilogue_row(row);
    for (var jv = 0u; jv < TN4; jv++) {
      let v = acc[i * TN4 + jv];
      for (var e = 0u; e < 4u; e++) {
        let col = c0 + jv * 4u + e;
        if (col < N) { C[row * N + col] = epilogue(row, col, v[e], rv, cv[jv * 4u + e]); }
      }
    }
  }
}
