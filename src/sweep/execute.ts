// One run of a sweep on this machine's engine: the task sequence (the last one kept, since runs come
// seed by seed), the trainer of the spec's approach, its results JSON. The CLI passes in how tasks are
// loaded and how results are written, so a sweep's runs leave the same files as `train`'s.
import { createTrainer } from '../approaches/registry.ts';
import type { TrainConfig } from '../config/index.ts';
import type { Task } from '../data/task.ts';
import { randomResults } from '../eval/random.ts';
import { networkCapacity } from '../eval/capacity.ts';
import type { RunResult } from '../eval/metrics.ts';
import type { Engine } from '../runtime/engine.ts';
import type { TrainResult } from '../train/state.ts';
import type { RunSpec } from './spec.ts';

export interface ExecutorParts {
  engine: Engine;
  /** The tasks of a spec whose files, if any, are already confined (data-root.ts). */
  loadTasks(spec: RunSpec): Promise<Task[]>;
  /** The results JSON `train` writes. */
  resultsJson(benchmark: string, config: TrainConfig, tasks: Task[], result: TrainResult, engine: Engine): object;
}

/** Trains `spec` (tasks loaded from `load`, which may name confined paths) and returns its results. */
export type RunExecutor = (spec: RunSpec, load?: RunSpec) => Promise<RunResult>;

export function runExecutor(parts: ExecutorParts): RunExecutor {
  let cached: { key: string; tasks: Task[] } | null = null;
  const tasksOf = async (spec: RunSpec) => {
    const key = JSON.stringify([spec.benchmark, spec.seed, spec.tasks, spec.fashionDir ?? null]);
    if (cached?.key !== key) cached = { key, tasks: await parts.loadTasks(spec) };
    return cached.tasks;
  };
  return async (spec, load = spec) => {
    const tasks = await tasksOf(load);
    if (spec.approach === 'random' || spec.config === null) return randomResults(spec.benchmark, tasks, spec.seed);
    const trainer = createTrainer(parts.engine, tasks, spec.config, spec.approachOptions);
    try {
      const result = await trainer.run();
      const json = parts.resultsJson(spec.benchmark, spec.config, tasks, result, parts.engine) as RunResult;
      // Per task and layer, the units each task uses, shares and leaves free (networks with task gates).
      if (trainer.net.layers.some((l) => l.embeddings.length > 0)) {
        json.capacity = await networkCapacity(trainer.net, tasks.map((_, t) => t), { smax: spec.config.smax, threshold: spec.config.maskThreshold });
      }
      // The mask-usage plot names HAT's gated layers; a worker's results carry them to the producer.
      return spec.approach === 'hat' ? { ...json, layerNames: trainer.net.layers.map((l) => l.name) } : json;
    } finally {
      trainer.dispose();
    }
  };
}
