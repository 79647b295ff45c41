// A sampler takes one timing sample of `units` repetitions of some work and returns the time per unit.
// The sampling loops (bench-kernel.ts, compare.ts) see only this, so they run the same on GPU
// timestamps, on a wall clock, on a peer library's device, or on a fake clock in the tests.
import type { Engine } from '../../src/runtime/engine.ts';
import { PassTimer } from '../../src/runtime/timestamps.ts';
import type { ClockChoice, ClockKind, KernelWork } from './work.ts';

export interface Sampler {
  name: string;
  clock: ClockKind;
  /** How the clock was read, in words, for reports (filled in once the sampler has run). */
  clockNote(): string;
  /** Runs `units` units of work as one sample; resolves to milliseconds per unit. */
  sample(units: number): Promise<number>;
  flops?: number;
  bytes?: number;
}

/** Wall clock around `run(units)`, which must do the work and resolve once the device has finished it. */
export function wallSampler(name: string, run: (units: number) => Promise<void>, extra: { flops?: number; bytes?: number; note?: string } = {}): Sampler {
  let lastUnits = 1;
  return {
    name,
    clock: 'wall',
    flops: extra.flops,
    bytes: extra.bytes,
    clockNote: () => extra.note ?? `wall clock from recording ${lastUnits} unit(s) until the queue drained, divided by ${lastUnits}`,
    async sample(units) {
      lastUnits = units;
      const t0 = performance.now();
      await run(units);
      return (performance.now() - t0) / units;
    },
  };
}

function recordUnits(engine: Engine, work: KernelWork, units: number): void {
  for (let u = 0; u < units; u++) work.record(engine);
}

/** The engine's work on the wall clock: record `units` units, submit once, wait for the queue to drain. */
export function engineWallSampler(engine: Engine, work: KernelWork): Sampler {
  const tag = `kernel lab ${work.name}`;
  return wallSampler(work.name, async (units) => {
    recordUnits(engine, work, units);
    await engine.sync(tag);
  }, { flops: work.flops, bytes: work.bytes });
}

/**
 * The engine's work on GPU timestamps: `units` units recorded, submitted once, the compute passes timed
 * (timestamps.ts), the reading of an empty pass subtracted per pass, divided by `units`.
 */
export function engineTimestampSampler(engine: Engine, work: KernelWork, timer: PassTimer, emptyPassNs: number): Sampler {
  let last = { units: 1, passes: 1 };
  return {
    name: work.name,
    clock: 'gpu-timestamp',
    flops: work.flops,
    bytes: work.bytes,
    clockNote: () => `GPU timestamps at the beginning and end of each compute pass; ${last.units} unit(s) in ${last.passes} pass(es) per sample, an empty pass's reading (${(emptyPassNs / 1000).toFixed(1)} µs) subtracted per pass, divided by ${last.units}`,
    async sample(units) {
      const { ns, passes } = await timer.measure(async () => {
        recordUnits(engine, work, units);
        await engine.submit();
      });
      last = { units, passes };
      return Math.max(0, ns - passes * emptyPassNs) / 1e6 / units;
    },
  };
}

const timers = new WeakMap<Engine, Promise<{ timer: PassTimer; emptyPassNs: number }>>();

/** One pass timer per engine, with its empty-pass reading measured once. */
function passTimerOf(engine: Engine): Promise<{ timer: PassTimer; emptyPassNs: number }> {
  let t = timers.get(engine);
  if (!t) {
    t = (async () => {
      await engine.submit(); // work recorded before must not land in the empty-pass reading
      const timer = new PassTimer(engine.device);
      return { timer, emptyPassNs: await timer.emptyPassNs() };
    })();
    timers.set(engine, t);
  }
  return t;
}

/** The clock `choice` resolves to on this engine ('gpu-timestamp' without the feature is an error). */
export function resolveClock(engine: Engine, choice: ClockChoice): ClockKind {
  if (choice === 'auto') return engine.hasTimestamps ? 'gpu-timestamp' : 'wall';
  if (choice === 'gpu-timestamp' && !engine.hasTimestamps) throw new Error(`clock gpu-timestamp: this device (${engine.describe()}) has no timestamp-query feature; use the wall clock`);
  return choice;
}

export async function engineSampler(engine: Engine, work: KernelWork, choice: ClockChoice = 'auto'): Promise<Sampler> {
  if (resolveClock(engine, choice) === 'wall') return engineWallSampler(engine, work);
  const { timer, emptyPassNs } = await passTimerOf(engine);
  return engineTimestampSampler(engine, work, timer, emptyPassNs);
}
