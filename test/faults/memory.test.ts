// Memory over long runs: 1,000 training steps hold the pool's live and free buffers, bytes, allocations
// and the live-tensor count flat after warm-up; and disposing everything (trainers, networks, masks,
// checkpoint restores) brings the live counters back to zero on a fresh engine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine } from '../helpers.ts';
import { createEngine } from '../../src/runtime/node.ts';
import { liveTensorCount, tidy } from '../../src/tensor.ts';
import { batches } from '../../src/data/dataset.ts';
import { Rng } from '../../src/data/rng.ts';
import type { TrainerSnapshot } from '../../src/train/state.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';

test('soak: 1,000 training steps (with loss readbacks) leave no growth in buffers, bytes or tensors after warm-up', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(2, 3, 128);
  const trainer = createTrainer(engine, tasks, smallConfig({ hidden: [16, 16], batch: 16 }));
  try {
    await trainer.finishTask(0); // task 1 trains under task 0's masks: the conditioned path
    await trainer.approach.prepareTask!(trainer, 1);
    const data = tasks[1]!.train;
    const rng = new Rng(1);
    const warmUp = 100, steps = 1000;
    let at: { stats: ReturnType<typeof engine.stats>; tensors: number } | null = null;
    let step = 0, lastLoss = 0;
    while (step < steps) {
      for (const b of batches(data, 16, rng)) {
        if (step === warmUp) { await engine.sync(); at = { stats: engine.stats(), tensors: liveTensorCount() }; }
        const loss = tidy(() => trainer.recordTrainStep(1, { ...b, head: 1, data }, { start: (step % 8) * 16, total: 128 }, 0.05, step % 10 === 0));
        if (loss) { lastLoss = await loss.item(); loss.dispose(); } else await engine.submit();
        if (++step === steps) break;
      }
    }
    await engine.sync();
    const end = engine.stats();
    assert.ok(Number.isFinite(lastLoss), `loss ${lastLoss}`);
    for (const k of ['liveBuffers', 'liveBytes', 'freeBuffers', 'freeBytes', 'allocations'] as const) {
      assert.is(end[k], at!.stats[k], `${k}: ${at!.stats[k]} after ${warmUp} steps, ${end[k]} after ${steps}`);
    }
    assert.is(liveTensorCount(), at!.tensors, 'live tensors grew');
    assert.ok(end.reuses - at!.stats.reuses > steps * 5, 'the pool should serve every step from its free lists');
  } finally {
    trainer.dispose();
  }
});

test('disposing everything returns the live counters to zero (train, checkpoint, resume, evaluate)', async () => {
  const tensorsBefore = liveTensorCount();
  const engine = await createEngine();
  try {
    const start = engine.stats();
    assert.is(start.liveBuffers, 0);
    const tasks = clusterTasks(2, 4, 64);
    const config = smallConfig({ epochs: 1 });
    const snaps: TrainerSnapshot[] = [];
    const a = createTrainer(engine, tasks, config);
    await a.run({}, { checkpoint: (s) => { snaps.push(s); } });
    a.dispose();
    const b = createTrainer(engine, tasks, config);
    await b.run({}, { resume: snaps[3]! }); // mid task 2: best copies uploaded, masks restored
    await b.evaluate(0, tasks[0]!.test);
    b.dispose();
    await engine.sync();
    const end = engine.stats();
    assert.is(end.liveBuffers, 0, `${end.liveBuffers} buffers still live`);
    assert.is(end.liveBytes, 0, `${end.liveBytes} bytes still live`);
    assert.is(liveTensorCount(), tensorsBefore, `${liveTensorCount() - tensorsBefore} tensors still live`);
    engine.pool.trim();
    assert.is(engine.stats().freeBuffers, 0);
  } finally {
    engine.destroy();
  }
});

test.run();
