// tunedChoice: the lookup the kernel registry calls (src/kernels/registry.ts). Kernels sit on a floor
// below the tuner and never import it; the tuner installs its lookup into the registry's hook instead
// (installTuneCache), e.g. when the CLI starts.
import type { Engine } from '../../src/runtime/engine.ts';
import type { Specialisation } from '../../src/kernels/declaration.ts';
import { setTunedChoiceProvider } from '../../src/kernels/registry.ts';
import type { TuneCache } from './cache.ts';

const caches = new WeakMap<Engine, TuneCache>();

/** The tuned specialisation of `kernelName` for this engine's adapter and a shape class, or null. */
export function tunedChoice(engine: Engine, kernelName: string, shapeClass: string): Specialisation | null {
  return caches.get(engine)?.choice(kernelName, shapeClass) ?? null;
}

/** Makes the engine's kernels use `cache`'s choices (and installs the lookup into the registry). */
export function installTuneCache(engine: Engine, cache: TuneCache): void {
  caches.set(engine, cache);
  setTunedChoiceProvider(tunedChoice);
}

export function tuneCacheOf(engine: Engine): TuneCache | null {
  return caches.get(engine) ?? null;
}
