// Per-row argmax of x [B, N] (the first index of the maximum), one invocation per row. With CORRECT,
// writes 1.0 where the argmax equals the int32 label and 0.0 elsewhere instead (summed afterwards into
// the number of correct predictions, so a trainer reads back one number).
struct Params { B: u32, N: u32, _pad0: u32, _pad1: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
{{BINDINGS}}

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = (wid.y * groups.x + wid.x) * WG + lid;
  if (b >= params.B) {
    return;
  }
  let base = b * params.N;
  var best = x[base];
  var arg = 0u;
  for (var j = 1u; j < params.N; j++) {
    let v = x[base + j];
    if (v > best) {
      best = v;
      arg = j;
    }
  }
  {{STORE}}
}
