/** The whole data layer for Node: the pure modules plus the file loaders and benchmark builders. */
export * from './index.ts';
export * from './node-files.ts';
export * from './mnist-node.ts';
export * from './tasks.ts';
export { loadSequenceFile, readSequenceSpec } from './sequence-file.ts';
