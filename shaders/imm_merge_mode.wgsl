// IMM-mode merge (the paper's Fisher-weighted mode; the reference's code never applies it), in place,
// one step of the running merge over tasks' models with each Fisher floored by eps:
//   f_old = fisher_acc[i] + eps * W              (W = sum of the earlier tasks' alpha)
//   f_new = alpha * (fisher[i] + eps)
//   theta[i]      = (f_old * old[i] + f_new * theta[i]) / (f_old + f_new)
//   fisher_acc[i] = fisher_acc[i] + alpha * fisher[i]
// so that after every task theta = sum_t alpha_t (F_t + eps) theta_t / sum_t alpha_t (F_t + eps): where
// no task's Fisher says anything (all zero) it is the alpha-weighted mean merge, never 0 / 0.
struct Params { count: u32, w_old: f32, alpha: f32, eps: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> old: array<f32>;
@group(0) @binding(2) var<storage, read> fisher: array<f32>;
@group(0) @binding(3) var<storage, read_write> theta: array<f32>;
@group(0) @binding(4) var<storage, read_write> fisher_acc: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i < params.count) {
    let f_old = fisher_acc[i] + params.eps * params.w_old;
    let f_new = params.alpha * (fisher[i] + params.eps);
    theta[i] = (f_old * old[i] + f_new * theta[i]) / (f_old + f_new);
    fisher_acc[i] = fisher_acc[i] + params.alpha * fisher[i];
  }
}
