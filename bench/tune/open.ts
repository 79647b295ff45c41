// Opening an engine's tune cache with the staleness check of built-in kernels wired in.
import type { Engine } from '../../src/runtime/engine.ts';
import type { ShaderSource } from '../../src/runtime/shaders.ts';
import { adapterIdentity } from './adapter.ts';
import { TuneCache } from './cache.ts';
import { currentBuiltinEntry } from './source-hash.ts';
import type { TuneStorage } from './storage.ts';

export function openTuneCache(engine: Engine, storage: TuneStorage, options: { shaderSource: ShaderSource; warn?: (message: string) => void }): Promise<TuneCache> {
  return TuneCache.open(adapterIdentity(engine.adapter), storage, { warn: options.warn, isCurrent: currentBuiltinEntry(options.shaderSource) });
}
