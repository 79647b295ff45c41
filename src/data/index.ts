/**
 * The browser-safe part of the data layer: no Node imports here or below (test/data/purity.test.ts
 * checks). Node loaders are re-exported from node.ts.
 */
export * from './rng.ts';
export * from './dataset.ts';
export * from './idx.ts';
export * from './cifar.ts';
export * from './mnist.ts';
export * from './task.ts';
export * from './sequence-spec.ts';
export * from './errors.ts';
