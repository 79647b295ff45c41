// Plain SGD step in place, with optional global-norm clipping read from a buffer (no readback):
//   w[i] -= lr * c * g[i],  c = min(1, max_norm / (norm[0] + 1e-6)) when CLIP, else 1
// (torch.nn.utils.clip_grad_norm_ semantics, fused with the step). {{T}} is f32, or vec4<f32> when the
// size is a multiple of 4: a vec4 load costs a CPU adapter's lane less per element than four scalar ones.
alias T = {{T}};
struct Params { count: u32, lr: f32, max_norm: f32, clip: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> g: array<T>;
@group(0) @binding(2) var<storage, read_write> w: array<T>;
@group(0) @binding(3) var<storage, read> norm: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= params.count) {
    return;
  }
  var step = params.lr;
  if (params.clip == 1u) {
    step = step * min(1.0, params.max_norm / (norm[0] + 1e-6));
  }
  w[i] = w[i] - step * g[i];
}
