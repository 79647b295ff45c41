// The params of the maxpool2d forward and backward kernels: planes (N·C), input and output sizes, window
// and stride. One invocation per element, 64 a workgroup, the grid folded into y.
struct PoolParams { planes: u32, h: u32, w: u32, oh: u32, ow: u32, kh: u32, kw: u32, sh: u32, sw: u32, _p0: u32, _p1: u32, _p2: u32 }
@group(0) @binding(0) var<uniform> params: PoolParams;

fn pool_invocation(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * 64u + lid;
}
