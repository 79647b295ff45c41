// The quadratic penalty of EWC (w = Fisher) and of the L2 transfer of IMM and LFL (w = 1), and its
// gradient, in one pass over one tensor:
//   d = theta[i] - anchor[i]        w = fisher[i] (EWC) or 1.0 (L2)
//   partials[partial_offset + group] = sum over the group's 256 elements of w * d^2  (fixed tree order)
//   gradient, by variant: nothing | grad[i] += lambda * w * d (in place) | dx[i] = grad_out[0] * lambda * w * d
// The caller sums every tensor's partials with one reduction (reduce.wgsl) scaled by lambda / 2:
// deterministic, no atomics (workgroup_sum.wgsl, appended). Bindings 3.. (fisher, grad or grad_out + dx,
// partials) depend on the variant and are declared by src/kernels/continual.ts.
struct Params { count: u32, partial_offset: u32, lambda: f32, _pad: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> theta: array<f32>;
@group(0) @binding(2) var<storage, read> anchor: array<f32>;
{{BINDINGS}}

const WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let group = wid.y * groups.x + wid.x;
  let i = group * WG + lid;
  var v = 0.0;
  if (i < params.count) {
    let d = theta[i] - anchor[i];
    let w = {{WEIGHT}};
    v = w * d * d;
    {{GRAD}}
  }
  if ({{PARTIALS}}) {
    let total = workgroup_sum(lid, v);
    if (lid == 0u && group * WG < params.count) {
      {{STORE_PARTIAL}}
    }
  }
}
