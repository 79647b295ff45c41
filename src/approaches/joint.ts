// Joint training, the upper reference of the forgetting ratio: for task t, from a fresh initialisation,
// on the union of tasks ≤ t, each batch from one task and scored on its head (batches in proportion to
// each task's size, so the per-task losses weigh by sample count); validation over the union.
import { batches } from '../data/dataset.ts';
import { deriveSeed, type Rng } from '../data/rng.ts';
import { HatNetwork } from '../nn/network.ts';
import type { Approach, HeadBatch } from '../train/approach.ts';
import { hatNetworkOf, plainNetwork } from './shared.ts';

export function jointApproach(): Approach {
  return {
    name: 'joint',
    createNetwork: plainNetwork,
    async beforeTask(run, t) {
      // From scratch: a network initialised from another seed per task, copied into the run's.
      const fresh = new HatNetwork(run.engine, { ...hatNetworkOf(run, 'joint').config, seed: deriveSeed(run.config.seed, 0x101, t) });
      const source = new Map(fresh.namedParameters());
      for (const [name, p] of run.net.namedParameters()) run.engine.copy(source.get(name)!.buffer, p.buffer, p.bytes, `re-init ${name}`);
      await run.engine.submit();
      fresh.dispose();
    },
    *epochBatches(run, t, rng: Rng): Iterable<HeadBatch> {
      const all: HeadBatch[] = [];
      for (let u = 0; u <= t; u++) {
        const data = run.tasks[u]!.train;
        for (const b of batches(data, run.config.batch, rng)) all.push({ images: b.images, labels: b.labels, size: b.size, head: u, data });
      }
      rng.shuffle(all);
      yield* all;
    },
    async validate(run, t) {
      let loss = 0, accuracy = 0, n = 0;
      for (let u = 0; u <= t; u++) {
        const valid = run.tasks[u]!.valid;
        const r = await run.evaluate(u, valid);
        loss += r.loss * valid.n;
        accuracy += r.accuracy * valid.n;
        n += valid.n;
      }
      return { loss: loss / n, accuracy: accuracy / n };
    },
  };
}
