export * from './elementwise.ts';
export * from './matmul.ts';
export * from './conv.ts';
export * from './pool.ts';
export * from './reduce.ts';
export * from './loss.ts';
export * from './dropout.ts';
export * from './optim.ts';
export * as hat from './hat.ts';
