// HAT gate backward, one pass over the layer output h viewed as [outer, units, inner] (linear: [B, U, 1];
// conv: [N, C, OH·OW]), with g = dL/dh and a = σ(s·e[u]):
//   dz = g · a/(1−p) · [h ≠ 0]          (h ≠ 0 ⇔ ReLU active, dropout kept and a > 0)
//   dE_raw[u] = s · (1 − a) · Σ g·h      (the gate's gradient through a = σ(s·e))
//   db[u] = (1 − post[u]) · Σ dz         (bias conditioning; without post the factor is 1)
// Entry points: `per_unit` (one invocation per unit looping over outer × inner: rows are contiguous across
// lanes; for linear layers and small maps) and `per_group` (one workgroup per unit, invocations stride
// through outer × inner, then a tree in workgroup memory; for conv maps). Appended: hat_common.
struct Params { outer: u32, units: u32, inner: u32, has_post: u32, s: f32, inv_keep: f32, _p0: u32, _p1: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> h: array<f32>;
@group(0) @binding(3) var<storage, read> emb: array<f32>;
@group(0) @binding(4) var<storage, read> post: array<f32>;
@group(0) @binding(5) var<storage, read_write> dz: array<f32>;
@group(0) @binding(6) var<storage, read_write> de: array<f32>;
@group(0) @binding(7) var<storage, read_write> db: array<f32>;

// GATED = false: the same layer without HAT (a = 1, no embedding gradient): ReLU/dropout backward and db.
override GATED: bool = true;

fn gate_of(u: u32) -> f32 {
  if (GATED) {
    return hat_sigmoid(params.s * emb[u]);
  }
  return 1.0;
}

fn finish(u: u32, a: f32, sum_gh: f32, sum_dz: f32) {
  if (GATED) {
    // 1 − a as σ(−s·e): exact where the gate saturates (1.0 − a would round to 0 past s·e ≈ 16.6).
    de[u] = params.s * hat_sigmoid(-params.s * emb[u]) * sum_gh;
  }
  var keep = 1.0;
  if (params.has_post != 0u) { keep = 1.0 - post[u]; }
  db[u] = keep * sum_dz;
}

const UNIT_WG: u32 = 64u;

@compute @workgroup_size(UNIT_WG)
fn per_unit(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let u = (wid.y * groups.x + wid.x) * UNIT_WG + lid;
  let U = params.units;
  if (u >= U) { return; }
  let P = params.inner;
  let a = gate_of(u);
  let scale = a * params.inv_keep;
  var sum_gh = 0.0;
  var sum_dz = 0.0;
  var row = u * P;
  let stride = U * P;
  for (var n = 0u; n < params.outer; n++) {
    for (var p = 0u; p < P; p++) {
      let i = row + p;
      let gv = g[i];
      let hv = h[i];
      sum_gh += gv * hv;
      let d = select(0.0, gv * scale, hv != 0.0);
      dz[i] = d;
      sum_dz += d;
    }
    row += stride;
  }
  finish(u, a, sum_gh, sum_dz);
}

const GROUP_WG: u32 = 64u;
var<workgroup> red_gh: array<f32, GROUP_WG>;
var<workgroup> red_dz: array<f32, GROUP_WG>;

@compute @workgroup_size(GROUP_WG)
fn per_group(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let u = wid.y * groups.x + wid.x;          // uniform per workgroup: every invocation reaches the barriers
  let U = params.units;
  let live = u < U;
  let uu = min(u, U - 1u);
  let P = params.inner;
  let a = gate_of(uu);
  let scale = a * params.inv_keep;
  // Invocation lid walks the flat index lid, lid + WG, … over (n, p) without a division per step.
  let step_n = GROUP_WG / P;
  let step_p = GROUP_WG % P;
  var n = lid / P;
  var p = lid % P;
  let stride = U * P;
  var sum_gh = 0.0;
  var sum_dz = 0.0;
  if (live) {
    while (n < params.outer) {
      let i = n * stride + uu * P + p;
      let gv = g[i];
      let hv = h[i];
      sum_gh += gv * hv;
      let d = select(0.0, gv * scale, hv != 0.0);
      dz[i] = d;
      sum_dz += d;
      p += step_p;
      n += step_n;
      if (p >= P) { p -= P; n += 1u; }
    }
  }
  red_gh[lid] = sum_gh;
  red_dz[lid] = sum_dz;
  workgroupBarrier();
  for (var w = GROUP_WG / 2u; w > 0u; w = w >> 1u) {
    if (lid < w) {
      red_gh[lid] += red_gh[lid + w];
      red_dz[lid] += red_dz[lid + w];
    }
    workgroupBarrier();
  }
  if (lid == 0u && live) { finish(uu, a, red_gh[0], red_dz[0]); }
}
