// Forward transfer's references (docs/metrics.md): each task of a sequence trained alone, from random
// initialisation, with the same seed and settings as the runs it is compared with. The trainer runs a
// one-task sequence per task; the approach is the caller's (compare uses plain SGD: the same network
// without anything carried over from earlier tasks).
import type { Engine } from '../runtime/engine.ts';
import type { Task } from '../data/task.ts';
import type { TrainConfig } from '../config/train-config.ts';
import type { Approach } from './approach.ts';
import type { Progress } from './state.ts';
import { Trainer } from './trainer.ts';

/** The single-task references of one seed: what a results folder caches (references/seed<seed>.json). */
export interface SingleTaskReferences {
  /** The approach each task was trained alone with. */
  approach: string;
  seed: number;
  /** The task names, in order: a cache is valid only for the same sequence. */
  tasks: string[];
  /** The settings that change a single-task result (a cache is valid only for the same ones). */
  settings: ReferenceSettings;
  /** accuracy[u]: task u's test accuracy after training on it alone. */
  accuracy: number[];
}

/** The parts of a TrainConfig a single-task result depends on. */
export type ReferenceSettings = Pick<TrainConfig, 'net' | 'hidden' | 'epochs' | 'batch' | 'lr' | 'lrMin' | 'lrFactor' | 'patience' | 'clipNorm' | 'seed' | 'dropout'>;

export function referenceSettings(c: TrainConfig): ReferenceSettings {
  const { net, hidden, epochs, batch, lr, lrMin, lrFactor, patience, clipNorm, seed, dropout } = c;
  return { net, hidden: [...hidden], epochs, batch, lr, lrMin, lrFactor, patience, clipNorm, seed, dropout };
}

/** Whether cached references were made for these tasks, settings and approach. */
export function referencesMatch(cached: SingleTaskReferences, tasks: readonly Pick<Task, 'name'>[], config: TrainConfig, approach: string): boolean {
  return cached.approach === approach && cached.seed === config.seed
    && JSON.stringify(cached.tasks) === JSON.stringify(tasks.map((t) => t.name))
    && JSON.stringify(cached.settings) === JSON.stringify(referenceSettings(config))
    && Array.isArray(cached.accuracy) && cached.accuracy.length === tasks.length && cached.accuracy.every((a) => Number.isFinite(a));
}

/**
 * Trains each task alone (a fresh network and approach from `makeApproach` per task, with `config`'s seed)
 * and returns its test accuracies. `progress` sees each one-task run, its task numbered 0.
 */
export async function trainSingleTaskReferences(engine: Engine, tasks: readonly Task[], config: TrainConfig, makeApproach: () => Approach, progress: (u: number) => Progress = () => ({})): Promise<SingleTaskReferences> {
  const accuracy: number[] = [];
  let name = '';
  for (let u = 0; u < tasks.length; u++) {
    const approach = makeApproach();
    name = approach.name;
    const trainer = new Trainer(engine, [tasks[u]!], config, approach);
    try {
      const r = await trainer.run(progress(u));
      accuracy.push(r.accuracy[0]![0]!);
    } finally {
      trainer.dispose();
    }
  }
  return { approach: name, seed: config.seed, tasks: tasks.map((t) => t.name), settings: referenceSettings(config), accuracy };
}
