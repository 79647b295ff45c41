// A sampler on a fake clock for the lab's tests: each sample returns the next synthetic time and advances
// the fake clock by what the sample "took", so budgets and stop rules run without a GPU or real time.
import type { Sampler } from '../../bench/lab/sampler.ts';

export class FakeClock {
  t = 0;
  readonly now = () => this.t;
}

/** `times(i, units)`: ms per unit of the i-th sample (warm-up included). Records every call. */
export function fakeSampler(name: string, clock: FakeClock, times: (i: number, units: number) => number, log: string[] = []): Sampler & { calls: number[] } {
  const calls: number[] = [];
  return {
    name,
    clock: 'wall',
    flops: 2e6,
    bytes: 4e6,
    calls,
    clockNote: () => 'fake clock',
    async sample(units) {
      const ms = times(calls.length, units);
      calls.push(units);
      log.push(name);
      clock.t += ms * units;
      return ms;
    },
  };
}

/** Deterministic standard normal numbers (Box–Muller on a mulberry32 stream). */
export function normals(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
