export * from './baselines.ts';
export * from './defaults.ts';
export * from '../eval/metrics.ts';
export * from '../eval/random.ts';
export * from '../report/report.ts';
