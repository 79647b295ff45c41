// Counter-based dropout RNG: a stateless integer hash of (seed, element index). Append this file to any
// kernel that drops (the dropout kernel, a matmul epilogue) so that all of them draw bit-identical masks.
//
//   fn dropout_keep(seed: u32, index: u32, p: f32) -> bool
//     true when element `index` is kept at drop probability p, for the mask named by `seed`.
//     `index` is the element's linear (row-major) index in the tensor being dropped; `seed` is a per-call
//     value (derive one per step and layer on the CPU with dropoutSeed() in src/kernels/dropout.ts).
//     The draw u = (hash >> 8) / 2^24 is exact in f32; kept iff u >= p (so p = 0 keeps everything).
//   fn dropout_hash(seed: u32, index: u32) -> u32      the raw 32-bit draw.
// The hash is PCG's output permutation (Jarzynski & Olano, "Hash Functions for GPU Rendering", 2020)
// applied three times; src/kernels/dropout.ts has the same function in JavaScript.

fn dropout_pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn dropout_hash(seed: u32, index: u32) -> u32 {
  return dropout_pcg(dropout_pcg(index ^ dropout_pcg(seed)) + seed);
}

fn dropout_keep(seed: u32, index: u32, p: f32) -> bool {
  return f32(dropout_hash(seed, index) >> 8u) * (1.0 / 16777216.0) >= p;
}
