/**
 * Seeded pseudo-random numbers, shared by the data layer and the trainer.
 *
 * The generator is splitmix32: a 32-bit Weyl sequence passed through an avalanche mix. Unlike plain
 * mulberry32 it gives unrelated streams for neighbouring seeds (0, 1, 2, ...), which matters because
 * seeds here are small integers (the run seed, a task index). Pure: no Node or browser APIs.
 */

const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/** Mixes any number of integers into one 32-bit seed, so sub-streams (seed, task, purpose) differ. */
export function deriveSeed(...parts: number[]): number {
  let h = 0x12345678;
  for (const part of parts) {
    if (!Number.isFinite(part)) throw new Error(`deriveSeed: non-finite seed part ${part}`);
    // Fold both 32-bit halves so seeds above 2^32 are not silently truncated.
    const low = part >>> 0;
    const high = Math.floor(part / TWO_POW_32) >>> 0;
    h = mix32((h ^ low) + GOLDEN_GAMMA);
    h = mix32((h ^ high) + GOLDEN_GAMMA);
  }
  return h >>> 0;
}

function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Any typed or plain array that `shuffle` can permute in place. */
export type ShuffleableArray<T> =
  | T[]
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

export class Rng {
  private state: number;
  /** Box–Muller yields pairs; the second value is kept for the next `normal` call. */
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.state = deriveSeed(seed);
  }

  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    this.state = (this.state + GOLDEN_GAMMA) >>> 0;
    return mix32(this.state);
  }

  /** Uniform float in [low, high); default [0, 1). Uses 32 random bits. */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * (this.nextU32() / TWO_POW_32);
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Reject the top partial bucket so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Normal sample (Box–Muller), default N(0, 1). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    // 1 - u lies in (0, 1], so the log is finite.
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** Fisher–Yates shuffle, in place; returns the same array. */
  shuffle<A extends ShuffleableArray<unknown>>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    return this.shuffle(perm);
  }

  /** A new generator whose stream is independent of this one's future draws. */
  fork(): Rng {
    return new Rng(this.nextU32());
  }
}
