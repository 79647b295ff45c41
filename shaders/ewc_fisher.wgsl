// Empirical Fisher accumulation (EWC, IMM-mode), in place over one parameter tensor:
//   fisher[i] = beta * fisher[i] + alpha * grad[i]^2
// With alpha = (batch size) / N per batch of the mean loss's gradient, the sum over a task's batches is
// the reference's diagonal empirical Fisher (src/continual/approaches.ts explains the choice).
struct Params { count: u32, alpha: f32, beta: f32, _pad: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> fisher: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i < params.count) {
    let g = grad[i];
    fisher[i] = params.beta * fisher[i] + params.alpha * g * g;
  }
}
