// AdaHAT's adaptive adjustment of one shared weight's or bias's gradient (Wang et al. 2024, eq. 8–9), in
// place, one invocation per element. The gradient is viewed as [units, pre, repeat] (a linear weight:
// repeat 1, or the pixels of a flattened conv channel; a conv kernel: KH·KW; a bias: pre = repeat = 1):
//   g[i, c, k] *= r / (I + r)      I = min(sum_post[i], sum_pre[c])   (no pre layer: I = sum_post[i])
//   r = α / (ε + sparsity)         sparsity: this layer's share of its free units the task's gates take
// sum_* are the summative masks (how many earlier tasks use each unit): a parameter no earlier task uses
// keeps its whole gradient (I = 0), one that k tasks use keeps r / (k + r) of it.
// flags: bit 0 a pre mask is bound, bit 1 the sparsity is read from sparsity[0] (else it is 0).
struct Params { count: u32, pre: u32, repeat: u32, flags: u32, alpha: f32, epsilon: f32, _p0: u32, _p1: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> grad: array<f32>;
@group(0) @binding(2) var<storage, read> sum_post: array<f32>;
@group(0) @binding(3) var<storage, read> sum_pre: array<f32>;
@group(0) @binding(4) var<storage, read> sparsity: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.y * groups.x + wid.x) * WG + lid;
  if (idx >= params.count) { return; }
  var importance = sum_post[idx / (params.pre * params.repeat)];
  if ((params.flags & 1u) != 0u) { importance = min(importance, sum_pre[(idx / params.repeat) % params.pre]); }
  var s = 0.0;
  if ((params.flags & 2u) != 0u) { s = sparsity[0]; }
  let r = params.alpha / (params.epsilon + s);
  grad[idx] = grad[idx] * (r / (importance + r));
}
