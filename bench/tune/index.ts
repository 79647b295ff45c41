// Autotuning: per-adapter storage of the fastest correct specialisation of each kernel and shape class,
// the search that finds it, and tunedChoice, the lookup the kernel registry calls once installed.
// Node's file backend is in ./file-storage.ts (not re-exported here, so a browser bundle stays free of
// node:fs); IndexedDB's in ./indexeddb-storage.ts.
export { adapterHash, adapterIdentity, type AdapterIdentity } from './adapter.ts';
export { TuneCache, type OpenTuneCacheOptions } from './cache.ts';
export { TUNE_CACHE_VERSION, entryKey, parseTuneDocument, type TuneDocument, type TuneEntry } from './format.ts';
export { memoryTuneStorage, type TuneStorage } from './storage.ts';
export { installTuneCache, tuneCacheOf, tunedChoice } from './provider.ts';
export { currentBuiltinEntry, declarationSourceHash, kernelSourceHash } from './source-hash.ts';
export { searchCandidates, type SearchOutcome, type SearchPlan } from './search.ts';
export { nearestFirst, overDeviceLimits, tuneKernel, workgroupShape, type TuneOptions } from './tune.ts';
export { openTuneCache } from './open.ts';
