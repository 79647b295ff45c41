// `webgpu-hat/testing`: check a kernel (a built-in by name, or a researcher's own declaration) against
// its float64 reference or another kernel over a sweep of shapes and seeds, with unwritten elements and
// out-of-bounds writes caught; the project's own kernel tests use the same functions.
export * from './check-kernel.ts';
