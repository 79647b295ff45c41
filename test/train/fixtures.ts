// Small synthetic task sequences for trainer tests: Gaussian clusters, one per class, in 16 features.
import { makeDataset, type Dataset } from '../../src/data/dataset.ts';
import { Rng } from '../../src/data/rng.ts';
import type { Task } from '../../src/data/task.ts';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/config/index.ts';

function clusters(n: number, centres: Float32Array[], rng: Rng, noise: number): Dataset {
  const d = centres[0]!.length;
  const images = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % centres.length;
    labels[i] = k;
    for (let j = 0; j < d; j++) images[i * d + j] = centres[k]![j]! + noise * rng.normal();
  }
  return makeDataset({ images, labels, n, channels: 1, height: 4, width: 4, classes: centres.length });
}

/** `count` two-class tasks whose class centres differ per task (so a shared network interferes). */
export function clusterTasks(count: number, seed = 1, samples = 256): Task[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, t) => {
    const centres = [0, 1].map(() => Float32Array.from({ length: 16 }, () => rng.normal()));
    return {
      name: `clusters-${t}`, classes: [0, 1], nClasses: 2, inputShape: [1, 4, 4] as [number, number, number],
      train: clusters(samples, centres, rng, 1.0), valid: clusters(64, centres, rng, 1.0), test: clusters(128, centres, rng, 1.0),
    };
  });
}

export function smallConfig(over: Partial<TrainConfig> = {}): TrainConfig {
  return { ...DEFAULT_CONFIG, hidden: [32, 32], epochs: 3, batch: 32, ...over };
}
