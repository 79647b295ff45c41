// Reductions of x viewed as [O, A, K, C] over the axes A and C, keeping O and K:
//   out[out_offset + o*K + k] = FINAL(COMBINE over a < A, c < C of MAP(x[((o*A + a)*K + k)*C + c]))
// Global (O=K=1), over rows (A=rows, K=cols), over columns (K=rows, C=cols), per NCHW channel
// (A=N, K=C, C=H*W) and any single run of kept axes between reduced ones are all this one view.
// Deterministic: every output is combined in a fixed order; no atomics.
//
// Two entry points:
//  - `tree`: one workgroup per (output, chunk of `chunk` reduction elements); 256 invocations stride
//    through the chunk, then a fixed-shape tree in workgroup memory. With P > 1 chunks per output it
//    writes partials laid out [O*K, P] (a later stage reduces them as O=1, A=1, K=O*K, C=P).
//  - `per_thread`: one invocation per output, looping over a (its chunk of `chunk` values of a) and c;
//    partials laid out [P, O*K] (reduced next as O=1, A=P, K=O*K, C=1). No workgroup memory: best
//    when there are many outputs and each reduction is short (bias gradients).
// FINAL is applied only when `apply_final` is 1 (the last stage).
struct Params {
  O: u32, A: u32, K: u32, C: u32,
  P: u32, chunk: u32, out_offset: u32, apply_final: u32,
  scale: f32, _pad0: u32, _pad1: u32, _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

// 0: C == 1 (stride K along the reduction); 1: A == 1 (contiguous); 2: general (one division).
override MODE: u32 = 2u;

const IDENTITY: f32 = {{IDENTITY}};

fn map_value(x: f32) -> f32 {
  return {{MAP}};
}

fn combine(a: f32, b: f32) -> f32 {
  return {{COMBINE}};
}

fn finish(v: f32, scale: f32) -> f32 {
  return {{FINAL}};
}

fn result(v: f32) -> f32 {
  if (params.apply_final == 1u) {
    return finish(v, params.scale);
  }
  return v;
}

const TREE_WG: u32 = 256u;
var<workgroup> shared_acc: array<f32, TREE_WG>;

@compute @workgroup_size(TREE_WG)
fn tree(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let w = wid.y * groups.x + wid.x;
  let total = params.O * params.K;
  let j = w / params.P;
  let p = w % params.P;
  var acc = IDENTITY;
  if (j < total) {
    let o = j / params.K;
    let k = j % params.K;
    let R = params.A * params.C;
    let KC = params.K * params.C;
    let base = o * params.A * KC + k * params.C;
    let start = p * params.chunk;
    let end = min(R, start + params.chunk);
    for (var r = start + lid; r < end; r += TREE_WG) {
      var idx: u32;
      if (MODE == 0u) {
        idx = base + r * KC;
      } else if (MODE == 1u) {
        idx = base + r;
      } else {
        idx = base + (r / params.C) * KC + r % params.C;
      }
      acc = combine(acc, map_value(x[idx]));
    }
  }
  shared_acc[lid] = acc;
  workgroupBarrier();
  for (var s = TREE_WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      shared_acc[lid] = combine(shared_acc[lid], shared_acc[lid + s]);
    }
    workgroupBarrier();
  }
  if (lid == 0u && j < total) {
    // With P == 1, w == j: the output itself; otherwise the partial [j, p].
    out[params.out_offset + w] = result(shared_acc[0]);
  }
}

const THREAD_WG: u32 = 64u;

@compute @workgroup_size(THREAD_WG)
fn per_thread(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let w = wid.y * groups.x + wid.x;
  let total = params.O * params.K;
  let blocks = (total + THREAD_WG - 1u) / THREAD_WG;
  let p = w / blocks;
  let j = (w % blocks) * THREAD_WG + lid;
  if (j >= total || p >= params.P) {
    return;
  }
  let o = j / params.K;
  let k = j % params.K;
  let a0 = p * params.chunk;
  let a1 = min(params.A, a0 + params.chunk);
  let C = params.C;
  let KC = params.K * C;
  var acc = IDENTITY;
  var row = (o * params.A + a0) * KC + k * C;
  for (var a = a0; a < a1; a++) {
    for (var c = 0u; c < C; c++) {
      acc = combine(acc, map_value(x[row + c]));
    }
    row += KC;
  }
  out[params.out_offset + p * total + j] = result(acc);
}
