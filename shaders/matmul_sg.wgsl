enable subgroups;
// GEMM core for CPU adapters with subgroups of 8 (lavapipe: one subgroup = one 256-bit SIMD register).
// On such drivers every storage load is scalarised per lane, so loads dominate. Here a subgroup computes a
// (8·TM)×TN tile: lane l owns rows l·TM .. l·TM+TM-1 and loads only its own A values; the TN-wide slice of B
// is loaded once per subgroup (each lane loads 1/8 of it) and handed to every lane by subgroupShuffle with
// lane indices that are constant after unrolling. Per lane and 4 k: TM + TN/8 vec4 loads for 4·TM·TN FMAs.
//   FORM 0 = nn: A M×K, B K×N     FORM 1 = nt: A M×K, B N×K     FORM 2 = tn: A K×M, B K×N (all row-major)
// Defines: {{FORM}}, {{TM}} (multiple of 4), {{TN}} (multiple of 32), {{WX}} (must be 8: the subgroup),
// {{WY}} (subgroups per workgroup, each takes the next TN columns). Appended: loader, matmul_store (the block store through the epilogue), epilogue.
struct MatmulParams { m: u32, n: u32, k: u32, tiles_n: u32, epi_f: vec4<f32>, epi_u: vec4<u32> }
@group(0) @binding(0) var<uniform> params: MatmulParams;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;

const FORM: u32 = {{FORM}}u;
const TM: u32 = {{TM}}u;
const TN: u32 = {{TN}}u;
const TN4: u32 = TN / 4u;
const WX: u32 = {{WX}}u;
const WY: u32 = {{WY}}u;
const SG: u32 = 8u;
const QB: u32 = TN / SG;                       // B vec4 loaded per lane per 4 k

var<private> acc: array<vec4<f32>, TM * TN4>;   // acc[i·TN4 + jv] = C[r0 + i][c0 + 4jv .. +3]
var<private> a: array<vec4<f32>, TM>;           // this lane's A values for the current 4 k
var<private> mine: array<vec4<f32>, QB>;        // this lane's share of the subgroup's B values

// nt, column group jv: B rows 4jv..4jv+3 of the tile from the lanes that loaded them, TM×4 dot products.
fn nt_cols(jv: u32) {
  if (jv >= TN4) { return; }
  let b0 = subgroupShuffle(mine[(jv * 4u) / SG], (jv * 4u) % SG);
  let b1 = subgroupShuffle(mine[(jv * 4u + 1u) / SG], (jv * 4u + 1u) % SG);
  let b2 = subgroupShuffle(mine[(jv * 4u + 2u) / SG], (jv * 4u + 2u) % SG);
  let b3 = subgroupShuffle(mine[(jv * 4u + 3u) / SG], (jv * 4u + 3u) % SG);
  for (var i = 0u; i < TM; i++) {
    acc[i * TN4 + jv] += vec4<f32>(dot(a[i], b0), dot(a[i], b1), dot(a[i], b2), dot(a[i], b3));
  }
}

// nn / tn, k + kk: the TN-wide B row from the lanes that loaded it, outer product with this lane's A.
fn nn_row(kk: u32) {
  for (var jv = 0u; jv < TN4; jv++) {
    let t = kk * TN4 + jv;
    let b = subgroupShuffle(mine[t / SG], t % SG);
    for (var i = 0u; i < TM; i++) {
      var x: f32;
      if (FORM == 0u) { x = a[i][kk]; } else { x = a[kk * (TM / 4u) + i / 4u][i % 4u]; }
      acc[i * TN4 + jv] += x * b;
    }
  }
}

@compute @workgroup_size(WX, WY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = params.m; let N = params.n; let K = params.k;
  let lin = wid.y * nwg.x + wid.x;
  let tile_n = lin % params.tiles_n;
  let tile_m = lin / params.tiles_n;
  if (tile_m * SG * TM >= M) { return; }       // whole workgroup: padding of a folded grid
  let lane = lid.x;
  let r0 = tile_m * SG * TM + lane * TM;       // this lane's rows
  let c0 = (tile_n * WY + lid.y) * TN;         // the subgroup's columns
  for (var t = 0u; t < TM * TN4; t++) { acc[t] = vec4<f32>(0.0); }
  if (FORM == 1u) {                            // nt: everything vec4 along k
    for (var k = 0u; k < K; k += 4u) {
      let lim = i32(K - k);
      for (var i = 0u; i < TM; i++) { a[i] = ldA((r0 + i) * K + k, lim); }
      for (var q = 0u; q < QB; q++) { mine[q] = ldB((c0 + q * SG + lane) * K + k, lim); }   // B rows c0 + 8q + lane
      // Written out so that every loop nest is small enough for NIR to unroll (constant shuffle lanes,
      // constant accumulator indices).
      nt_cols(0u); nt_cols(1u); nt_cols(2u); nt_cols(3u); nt_cols(4u); nt_cols(5u); nt_cols(6u); nt_cols(7u);
      if (TN4 > 8u) { nt_cols(8u); nt_cols(9u); nt_cols(10u); nt_cols(11u); nt_cols(12u); nt_cols(13u); nt_cols(14u); nt_cols(15u); }
    }
  } else {                                     // nn / tn: B vec4 along n, 4 rows of k at a time
    for (var k = 0u; k < K; k += 4u) {
      let lim = i32(K - k);
      if (FORM == 0u) {                        // a[i] = A[row i][k..k+3]
        for (var i = 0u; i < TM; i++) { a[i] = ldA((r0 + i) * K + k, lim); }
      } else {                                 // a[kk·TM/4 + iv] = A[k+kk][rows 4iv .. 4iv+3]
        for (var kk = 0u; kk < 4u; kk++) {
          for (var iv = 0u; iv < TM / 4u; iv++) {
            let v = ldA((k + kk) * M + r0 + iv * 4u, i32(M - r0 - iv * 4u));
            a[kk * (TM / 4u) + iv] = select(vec4<f32>(0.0), v, i32(kk) < lim);
          }
        }
      }
      for (var q = 0u; q < QB; q++) {          // piece t = 8q + lane of the 4×TN4 block: row t / TN4, column group t % TN4
        let t = q * SG + lane;
        let kk = t / TN4;
        let c = c0 + (t % TN4) * 4u;
        let v = ldB((k + kk) * N + c, select(0, i32(N) - i32(c), i32(kk) < lim));
        mine[q] = select(vec4<f32>(0.0), v, i32(kk) < lim);
      }
      nn_row(0u); nn_row(1u); nn_row(2u); nn_row(3u);
    }
  }

  store_block(r0, c0, M, N);
}
