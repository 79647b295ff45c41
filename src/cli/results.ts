// What a run leaves: the accuracy matrix as a table (stdout) and the results JSON (README: "Train").
import type { TrainConfig } from '../config/index.ts';
import type { Task } from '../data/task.ts';
import type { Engine } from '../runtime/engine.ts';
import type { TrainResult } from '../train/state.ts';

export function accuracyTable(tasks: Task[], accuracy: number[][]): string {
  const names = tasks.map((t) => t.name);
  const w = Math.max(8, ...names.map((n) => n.length));
  const lines = [`${'after \\ on'.padEnd(w)}  ${names.map((n) => n.padStart(w)).join('  ')}`];
  accuracy.forEach((row, t) => lines.push(`${names[t]!.padEnd(w)}  ${row.map((a) => (100 * a).toFixed(1).padStart(w)).join('  ')}`));
  return lines.join('\n');
}

/** The results JSON of one run; `config` is the TrainConfig the trainer ran with. */
export function resultsJson(benchmark: string, c: TrainConfig, tasks: Task[], result: TrainResult, engine: Engine) {
  return {
    benchmark, approach: c.approach, seed: c.seed, config: c,
    tasks: tasks.map((t) => ({ name: t.name, classes: t.classes, nTrain: t.train.n, nValid: t.valid.n, nTest: t.test.n })),
    accuracy: result.accuracy, maskUsage: result.maskUsage, epochs: result.epochs,
    trainSeconds: round(result.trainSeconds), samplesPerSecond: Math.round(result.samplesPerSecond),
    adapter: engine.adapter, date: new Date().toISOString(),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
