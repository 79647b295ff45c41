// Evaluation of continual-learning runs: the forgetting ratio and its summary over seeds, and the
// random-guessing baseline it is measured against.
export * from './metrics.ts';
export * from './random.ts';
