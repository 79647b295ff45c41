// The task sequence a run trains on: a built-in benchmark by name, or a task-sequence JSON file.
import { existsSync } from 'node:fs';
import { BENCHMARKS, UsageError, checkBenchmark, type TrainArgs } from '../config/index.ts';
import type { Task } from '../data/task.ts';

export async function loadBenchmark(a: Pick<TrainArgs, 'benchmark' | 'tasks' | 'fashionDir' | 'config'>): Promise<Task[]> {
  checkBenchmark(a.benchmark);
  const data = await import('../data/node.ts');
  const opts = { seed: a.config.seed };
  const name = a.benchmark as (typeof BENCHMARKS)[number];
  switch (name) {
    case 'split-mnist': return data.splitMnist(opts);
    case 'mnist2': return data.mnist2(opts);
    case 'pmnist': return data.pmnist(a.tasks, a.config.seed);
    case 'split-fashion': return data.splitFashion(a.fashionDir, opts);
    case 'mnist-fashion': return data.mnistThenFashion({ ...opts, ...(a.fashionDir ? { fashionDir: a.fashionDir } : {}) });
    default:
      // checkBenchmark let it through: a task-sequence file.
      if (!existsSync(a.benchmark)) throw new UsageError(`--benchmark: file not found: ${a.benchmark}`);
      return data.loadSequenceFile(a.benchmark, a.config.seed);
  }
}
