// webgpu-hat kernel gated-matmul spec {"core":"matmul","loader":"scalar"} files matmul+matmul_load_scalar+matmul_store+hat_common+dropout_hash+epilogue_hat_linear
// The variant (docs/kernel-research.md): the built-in's files as `webgpu-hat kernel show gated-matmul`
// printed them, with the HAT epilogue at the end rewritten. The gate and the dropout scale 1/(1−p) are
// folded into one multiplier per column (computed once per register block), and the dropout hash is
// drawn only for elements that survive ReLU. Same values as the built-in, within one rounding.
// h [B, out] = dropout(relu(x Wᵀ + b)) · σ(s·e), one GEMM with the HAT epilogue. From shaders/matmul.wgsl, shaders/matmul_load_scalar.wgsl, shaders/matmul_store.wgsl, shaders/hat_common.wgsl, shaders/dropout_hash.wgsl, shaders/epilogue_hat_linear.wgsl; double-braced placeholders are filled per call, #include lines pull shared snippets. Check it with: webgpu-hat kernel check FILE.wgsl --as gated-matmul
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

// HAT helpers shared by the hat_* kernels and the HAT epilogues (appended to them).
// hat_sigmoid: the gate a = σ(x) without overflow: exp of a non-positive argument only, so a very negative
// s·e gives exactly 0 and a very positive one exactly 1 (no inf in between).
fn hat_sigmoid(x: f32) -> f32 {
  let z = exp(-abs(x));
  let r = 1.0 / (1.0 + z);
  return select(z * r, r, x >= 0.0);
}

// Counter-based dropout RNG: a stateless integer hash of (seed, element index). Append this file to any
// kernel that drops (the dropout kernel, a matmul epilogue) so that all of them draw bit-identical masks.
//
//   fn dropout_keep(seed: u32, index: u32, p: f32) -> bool
//     true when element `index` is kept at drop probability p, for the mask named by `seed`.
//     `index` is the element's linear (row-major) index in the tensor being dropped; `seed` is a per-call
//     value (derive one per step and layer on the CPU with dropoutSeed() in src/kernels/dropout.ts).
//     The draw u = (hash >> 8) / 2^24 is exact in f32; kept iff u >= p (so p = 0 keeps everything).
//   fn dropout_hash(seed: u32, index: u32) -> u32      the raw 32-bit draw.
// The hash is PCG's output permutation (Jarzynski & Olano, "Hash Functions for GPU Rendering", 2020)
// applied three times; src/kernels/dropout.ts has the same function in JavaScript.

fn dropout_pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn dropout_hash(seed: u32, index: u32) -> u32 {
  return dropout_pcg(dropout_pcg(index ^ dropout_pcg(seed)) + seed);
}

fn dropout_keep(seed: u32, index: u32, p: f32) -> bool {
  return f32(dropout_hash(seed, index) >> 8u) * (1.0 / 16777216.0) >= p;
}

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
// Per column, once per register block: the bias and one multiplier, the gate σ(s·e[col]) times the
// dropout scale 1/(1−p), so each element pays one multiply where the built-in pays two.
fn epilogue_col(col: u32) -> vec4<f32> {
  var gate = 1.0;
  if (GATED) { gate = hat_sigmoid(params.epi_f.x * epi_emb[col]); }
  let scale = select(1.0, params.epi_f.z, params.epi_u.y != 0u);
  return vec4<f32>(epi_bias[col], gate * scale, 0.0, 0.0);
}
// An element ReLU sets to 0 stays 0 whether it is dropped or not: the dropout hash (three PCG rounds) is
// drawn only for the elements that survive ReLU, about half of them.
fn epilogue(row: u32, col: u32, acc: f32, rv: vec4<f32>, cv: vec4<f32>) -> f32 {
  let v = max(acc + cv.x, 0.0);
  if (v == 0.0 || params.epi_u.y == 0u) { return v * cv.y; }
  return select(0.0, v * cv.y, dropout_keep(params.epi_u.x, row * params.n + col, params.epi_f.y));
}
