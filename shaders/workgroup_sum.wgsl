// The sum over a 256-invocation workgroup of one value per invocation, in a fixed tree order (the same
// bits every run, no atomics). Call it from uniform control flow, every invocation with its value (0 when
// it has none); every invocation gets the total. Appended to the kernels that reduce (ewc_penalty,
// lateral_scale_grad).
var<workgroup> workgroup_sum_acc: array<f32, 256>;

fn workgroup_sum(lid: u32, v: f32) -> f32 {
  workgroup_sum_acc[lid] = v;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      workgroup_sum_acc[lid] = workgroup_sum_acc[lid] + workgroup_sum_acc[lid + s];
    }
    workgroupBarrier();
  }
  return workgroup_sum_acc[0];
}
