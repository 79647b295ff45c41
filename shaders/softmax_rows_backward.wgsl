// The shared frame of the softmax backward kernels over logits [B, N] (softmax cross-entropy, LwF's
// distillation): one invocation per element, the incoming gradient of the batch-mean loss at
// grad_out[0], and dx[i] = row_gradient(i, b) which the including kernel defines for its loss.
// The including kernel declares `params` with fields B and N, and its own bindings 2 and 3.
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read> grad_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= params.B * params.N) {
    return;
  }
  dx[i] = row_gradient(i, i / params.N);
}
