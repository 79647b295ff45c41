// Seeded inputs for the declarations' generators: mulberry32, the same stream as the tests' randomArray,
// so a failing (shape, seed) reported by checkKernel can be rerun exactly.

/** n uniform numbers in [lo, hi), rounded to f32 (what a kernel sees). */
export function seededFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from(seededUniforms(n, seed, lo, hi));
}

/** n uniform numbers in [lo, hi) in float64 (mulberry32): the stream behind every seeded input. */
export function seededUniforms(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** A seed for one input of one case: distinct inputs of a case get unrelated streams. */
export function streamSeed(seed: number, stream: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(stream + 1, 0x85ebca77)) >>> 0;
}
