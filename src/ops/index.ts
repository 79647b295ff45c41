export * from './elementwise.ts';
export * from './reduce.ts';
export * from './loss.ts';
export * from './dropout.ts';
export * from './conv.ts';
export * from './linear.ts';
export * from './hat.ts';
export * from './continual.ts';
