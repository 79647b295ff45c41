// The Node entry: everything in index.ts, plus Dawn (npm `webgpu`) and the file-reading data loaders.
export * from './index.ts';
export { createEngine, nodeShaderSource } from './runtime/node.ts';
export * as nodeData from './data/node.ts';
