// Core GEMM: C = op(A) · op(B), one register block of TM×TN outputs per invocation, no workgroup memory.
//   FORM 0 = nn: A M×K, B K×N     FORM 1 = nt: A M×K, B N×K     FORM 2 = tn: A K×M, B K×N (all row-major)
// Textual defines: {{FORM}} (0/1/2), {{TM}}, {{TN}} (multiples of 4, TN ≤ 32), {{WX}}, {{WY}} (workgroup = WX×WY
// invocations, x fastest). Appended before compiling: a loader (matmul_load_vec4 / matmul_load_scalar:
// binds A and B, defines ldA/ldB), matmul_store (stores the block through the epilogue) and an epilogue
// (defines epilogue_row(row) and epilogue_col(col) -> vec4<f32>, and epilogue(row, col, acc, rv, cv) -> f32).
// The workgroup grid is folded: linear id = wid.y·num_workgroups.x + wid.x; tile = (lin / tiles_n, lin % tiles_n).
struct MatmulParams { m: u32, n: u32, k: u32, tiles_n: u32, epi_f: vec4<f32>, epi_u: vec4<u32> }
@group(0) @binding(0) var<uniform> params: MatmulParams;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;

const FORM: u32 = {{FORM}}u;
const TM: u32 = {{TM}}u;
const TN: u32 = {{TN}}u;
const TN4: u32 = TN / 4u;
const WX: u32 = {{WX}}u;
const WY: u32 = {{WY}}u;

var<private> acc: array<vec4<f32>, TM * TN4>;   // acc[i·TN4 + jv] = C[r0 + i][c0 + 4jv .. +3]
var<private> a: array<vec4<f32>, TM>;           // the A values of the current k step(s)

// nt, column group jv (< TN4): 4 B rows, TM×4 dot products.
fn nt_cols(jv: u32, c0: u32, k: u32, K: u32, lim: i32) {
  if (jv >= TN4) { return; }
  let cj = c0 + jv * 4u;
  let b0 = ldB(cj * K + k, lim);
  let b1 = ldB((cj + 1u) * K + k, lim);
  let b2 = ldB((cj + 2u) * K + k, lim);
  let b3 = ldB((cj + 3u) * K + k, lim);
  for (var i = 0u; i < TM; i++) {
    acc[i * TN4 + jv] += vec4<f32>(dot(a[i], b0), dot(a[i], b1), dot(a[i], b2), dot(a[i], b3));
  }
}

// nn, k + kk (kk < 4): one B row of TN, outer product with column kk of the A values.
fn nn_row(kk: u32, c0: u32, k: u32, N: u32, lim: i32) {
  let live = i32(kk) < lim;
  for (var jv = 0u; jv < TN4; jv++) {
    let c = c0 + jv * 4u;
    let b = ldB((k + kk) * N + c, select(0, i32(N - c), live));
    for (var i = 0u; i < TM; i++) { acc[i * TN4 + jv] += a[i][kk] * b; }
  }
}

@compute @workgroup_size(WX, WY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = params.m; let N = params.n; let K = params.k;
  let lin = wid.y * nwg.x + wid.x;
  let tile_n = lin % params.tiles_n;
  let tile_m = lin / params.tiles_n;
  let r0 = (tile_m * WY + lid.y) * TM;
  let c0 = (tile_n * WX + lid.x) * TN;
  if (r0 >= M || c0 >= N) { return; }          // also drops the padding workgroups of a folded grid
  for (var t = 0u; t < TM * TN4; t++) { acc[t] = vec4<f32>(0.0); }
  if (FORM == 1u) {                            // nt: dot products along contiguous k
    for (var k = 0u; k < K; k += 4u) {
      let lim = i32(K - k);
      for (var i = 0u; i < TM; i++) { a[i] = ldA((r0 + i) * K + k, lim); }
      // One call per column group, written out: NIR unrolls only small loop nests, and a loop left
      // rolled indexes the accumulators dynamically (a per-lane gather/scatter on lavapipe).
      nt_cols(0u, c0, k, K, lim); nt_cols(1u, c0, k, K, lim);
      if (TN4 > 2u) { nt_cols(2u, c0, k, K, lim); nt_cols(3u, c0, k, K, lim); }
      if (TN4 > 4u) { nt_cols(4u, c0, k, K, lim); nt_cols(5u, c0, k, K, lim); nt_cols(6u, c0, k, K, lim); nt_cols(7u, c0, k, K, lim); }
    }
  } else if (FORM == 0u) {                     // nn: A vec4 along k, B vec4 along n
    for (var k = 0u; k < K; k += 4u) {
      let lim = i32(K - k);
      for (var i = 0u; i < TM; i++) { a[i] = ldA((r0 + i) * K + k, lim); }
      nn_row(0u, c0, k, N, lim); nn_row(1u, c0, k, N, lim); nn_row(2u, c0, k, N, lim); nn_row(3u, c0, k, N, lim);
    }
  } else {                                     // tn: A vec4 along m, B vec4 along n, one k at a time
    for (var k = 0u; k < K; k++) {
      for (var iv = 0u; iv < TM / 4u; iv++) { a[iv] = ldA(k * M + r0 + iv * 4u, i32(M - r0 - iv * 4u)); }
      for (var jv = 0u; jv < TN4; jv++) {
        let c = c0 + jv * 4u;
        let b = ldB(k * N + c, i32(N - c));
        for (var i = 0u; i < TM; i++) { acc[i * TN4 + jv] += a[i / 4u][i % 4u] * b; }
      }
    }
  }

  store_block(r0, c0, M, N);
}
