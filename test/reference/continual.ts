// The float64 references live beside the kernels (src/kernels/reference/), where users get them too.
export * from '../../src/kernels/reference/continual.ts';
