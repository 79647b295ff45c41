// out[i] = value, for any 32-bit dtype (the value arrives as its bit pattern).
struct Params { count: u32, value: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  // Grids over 65,535 workgroups fold into y; the linear index unfolds them.
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i < params.count) {
    out[i] = params.value;
  }
}
