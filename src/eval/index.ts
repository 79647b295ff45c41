// Evaluation of continual-learning runs: the forgetting ratio and its summary over seeds, average accuracy,
// backward and forward transfer and forgetting (accuracy-metrics.ts), and the
// random-guessing baseline it is measured against.
export * from './metrics.ts';
export * from './random.ts';
export * from './accuracy-metrics.ts';
export * from './capacity.ts';
