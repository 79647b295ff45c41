// The comparison of issue 6: baseline approaches as trainer hooks, the forgetting ratio, and the report.
export * from './hooks.ts';
export * from './approaches.ts';
export * from './metrics.ts';
export * from './random.ts';
export * from './report.ts';
