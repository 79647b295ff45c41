// The dropout draw on the CPU, bit-identical to shaders/dropout_hash.wgsl: the float64 references and the
// dropout seeds use it (kept apart from dropout.ts so that references import no kernel binding).

/** PCG output permutation, as in dropout_hash.wgsl. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> (((state >>> 28) + 4) & 31)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** The 32-bit draw for (seed, index), bit-identical to dropout_hash() in WGSL. */
export function dropoutHash(seed: number, index: number): number {
  return pcgHash((pcgHash(((index >>> 0) ^ pcgHash(seed)) >>> 0) + (seed >>> 0)) >>> 0);
}

/** Whether element `index` is kept at drop probability p (CPU mirror of WGSL dropout_keep). */
export function dropoutKeep(seed: number, index: number, p: number): boolean {
  return (dropoutHash(seed, index) >>> 8) * (1 / 16777216) >= Math.fround(p);
}
