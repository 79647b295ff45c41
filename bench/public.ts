// `webgpu-hat/bench`: the kernel lab for researchers — time any unit of GPU work (benchKernel), compare
// variants in one interleaved run (compareKernels) with ratios and intervals, and tune a kernel's
// specialisation per adapter (tuneKernel, a cache in IndexedDB or memory). Browser-safe; Node's entry
// (public.node.ts) adds the tune cache in the user's cache folder.
export * from './lab/index.ts';
export * from './tune/index.ts';
export { indexedDbTuneStorage } from './tune/indexeddb-storage.ts';
