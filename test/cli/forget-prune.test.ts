// Forgetting a task and pruning unused units (src/cli/forget.ts, prune.ts), on the trainer's snapshots and
// through the real CLI with eval: after forget the other tasks' accuracies are exactly what they were,
// the capacity in use drops, and a task trained after it takes capacity again; after prune every
// accuracy is the same with fewer units, and training continues from the pruned checkpoint.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { getEngine } from '../helpers.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { positionLabel, type TrainerSnapshot } from '../../src/train/state.ts';
import { createApproach } from '../../src/approaches/registry.ts';
import type { TrainConfig } from '../../src/config/train-config.ts';
import type { Task } from '../../src/data/task.ts';
import { capacityOf } from '../../src/eval/capacity.ts';
import { forgetTask, gateF32 } from '../../src/cli/forget.ts';
import { pruneSnapshot } from '../../src/cli/prune.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';
import { runCli, tempDir } from '../faults/_cli.ts';

/** Units per layer whose cumulative mask is above 0.5 (what the results' maskUsage counts). */
function unitsInUse(snap: TrainerSnapshot): number[] {
  return ['fc1', 'fc2'].map((l) => snap.tensors.get(`mask.${l}`)!.data.reduce((a, v) => a + (v > 0.5 ? 1 : 0), 0));
}

async function withTrainer<T>(tasks: Task[], config: TrainConfig, snap: TrainerSnapshot | null, f: (t: Trainer) => Promise<T>): Promise<T> {
  const trainer = new Trainer(await getEngine(), tasks, config, createApproach(config));
  try {
    if (snap) trainer.restore(snap);
    return await f(trainer);
  } finally {
    trainer.dispose();
  }
}

const accuracies = (tasks: Task[], which: number[]) => async (t: Trainer) => {
  const out: number[] = [];
  for (const u of which) out.push((await t.evaluate(u, tasks[u]!.test)).accuracy);
  return out;
};

async function snapshots(tasks: Task[], config: TrainConfig): Promise<TrainerSnapshot[]> {
  const snaps: TrainerSnapshot[] = [];
  await withTrainer(tasks, config, null, (t) => t.run({}, { checkpoint: (s) => { snaps.push(s); } }));
  return snaps;
}
const at = (snaps: TrainerSnapshot[], label: string) => snaps.find((s) => positionLabel(s.state) === label)!;

for (const approach of ['hat', 'adahat'] as const) {
  test(`${approach} forget: other tasks unchanged, capacity released, and taken again by the next task`, async () => {
    const tasks = clusterTasks(3, 31, 128);
    const config = smallConfig({ approach, hidden: [24, 24], epochs: 3, seed: 6 });
    const after2 = at(await snapshots(tasks, config), 'after task 2');
    const before = await withTrainer(tasks, config, after2, accuracies(tasks, [0, 1]));
    const forgot = forgetTask(after2, config, 0);
    // Masks: exactly task 2's gates now (the only task kept); AdaHAT's summative masks its binarised ones.
    for (const l of ['fc1', 'fc2']) {
      const e = forgot.tensors.get(`e${l}.1`)!.data;
      assert.equal(Array.from(forgot.tensors.get(`mask.${l}`)!.data), Array.from(e, (v) => gateF32(config.smax, v)), `mask.${l}`);
      if (approach === 'adahat') assert.equal(Array.from(forgot.tensors.get(`approach.summative.${l}`)!.data), Array.from(e, (v) => (v > 0 ? 1 : 0)), `summative.${l}`);
      assert.not.equal(Array.from(forgot.tensors.get(`e${l}.0`)!.data), Array.from(after2.tensors.get(`e${l}.0`)!.data), `e${l}.0 drawn afresh`);
    }
    assert.equal(forgot.state.approach, { forgotten: [0] });
    const inUse = [unitsInUse(after2), unitsInUse(forgot)];
    assert.ok(inUse[1]!.every((n, l) => n <= inUse[0]![l]!) && inUse[1]!.some((n, l) => n < inUse[0]![l]!), `capacity in use drops: ${inUse[0]} → ${inUse[1]}`);
    const afterForget = await withTrainer(tasks, config, forgot, accuracies(tasks, [1]));
    assert.is(afterForget[0], before[1], 'task 2 keeps its accuracy exactly');

    // Training continues from the forgotten checkpoint: task 3 claims units again.
    const done: TrainerSnapshot[] = [];
    const result = await withTrainer(tasks, config, null, (t) => t.run({}, { resume: forgot, checkpoint: (s) => { done.push(s); } }));
    const final = at(done, 'after task 3');
    assert.equal(final.state.approach, { forgotten: [0] }, 'the forgotten task stays listed');
    const grown = unitsInUse(final);
    assert.ok(grown.some((n, l) => n > inUse[1]![l]!), `capacity in use rises with task 3: ${inUse[1]} → ${grown}`);
    assert.ok(Math.abs(result.accuracy[2]![1]! - before[1]!) <= 0.02, `task 2 after task 3: ${result.accuracy[2]![1]} (was ${before[1]})`);
    assert.throws(() => forgetTask(forgot, config, 0), /forgotten already/);
    assert.throws(() => forgetTask(forgot, config, 2), /not learned yet/);
  });

  test(`${approach} prune: fewer units, every accuracy the same, and training continues`, async () => {
    const tasks = clusterTasks(3, 32, 128);
    const config = smallConfig({ approach, hidden: [40, 40], epochs: 3, seed: 7 });
    const snaps = await snapshots(tasks, config);
    for (const label of ['after task 2', 'after task 3']) {
      const snap = at(snaps, label);
      const learned = snap.state.task;
      const which = Array.from({ length: learned }, (_, t) => t);
      const pruned = pruneSnapshot(snap, config);
      assert.ok(pruned.hidden.every((w, l) => w < config.hidden[l]!), `${label}: widths ${config.hidden} → ${pruned.hidden}`);
      assert.ok(pruned.largestRemovedGate <= config.maskThreshold, `${label}: largest gate removed ${pruned.largestRemovedGate}`);
      const smaller = { ...config, hidden: pruned.hidden };
      const a = await withTrainer(tasks, config, snap, accuracies(tasks, which));
      const b = await withTrainer(tasks, smaller, pruned.snapshot, accuracies(tasks, which));
      assert.equal(b, a, `${label}: accuracies before and after pruning`);
      // Capacity: every unit left is used by some task.
      const layers = ['fc1', 'fc2'].map((name, l) => ({ name, units: pruned.hidden[l]!, embeddings: [0, 1, 2].map((t) => pruned.snapshot.tensors.get(`e${name}.${t}`)!.data) }));
      assert.ok(capacityOf(layers, which, { smax: config.smax, threshold: 0.5 }).total.every((l) => l.free === 0), `${label}: no free unit left`);
      if (learned === 2) {
        const r = await withTrainer(tasks, smaller, null, (t) => t.run({}, { resume: pruned.snapshot }));
        assert.is(r.accuracy.length, 3, 'task 3 trained on the pruned network');
        assert.ok(Math.abs(r.accuracy[2]![0]! - a[0]!) <= 0.02, `task 1 kept after task 3 on the pruned network (${a[0]} → ${r.accuracy[2]![0]})`);
      }
    }
  });
}

test('capacityOf: used, shared, claimed and free per task and layer', () => {
  const smax = 400;
  const on = 1, off = -1;
  const layers = [{ name: 'fc1', units: 4, embeddings: [[on, on, off, off], [off, on, on, off], [on, on, on, off]] }];
  const r = capacityOf(layers, [0, 1, 2], { smax, threshold: 0.5 });
  assert.equal(r.tasks.map((t) => t.layers[0]), [
    { layer: 'fc1', units: 4, used: 2, shared: 0, claimed: 2, free: 2 },
    { layer: 'fc1', units: 4, used: 2, shared: 1, claimed: 1, free: 1 },
    { layer: 'fc1', units: 4, used: 3, shared: 3, claimed: 0, free: 1 },
  ]);
  assert.equal(r.total, [{ layer: 'fc1', units: 4, used: 3, free: 1 }]);
  // Leaving task 1 out (forgotten) frees unit 0 until task 3 takes it.
  assert.equal(capacityOf(layers, [1], { smax, threshold: 0.5 }).total, [{ layer: 'fc1', units: 4, used: 2, free: 2 }]);
});

test('CLI: eval, forget and prune on a split-MNIST checkpoint', () => {
  const dir = tempDir('forget-prune');
  try {
    const ck = join(dir, 'ck'), forgot = join(dir, 'forgot'), pruned = join(dir, 'pruned');
    const train = runCli(['train', '--benchmark', 'split-mnist', '--hidden', '24,24', '--epochs', '1', '--checkpoint-dir', ck, '--out', join(dir, 'r.json')], 300_000);
    assert.is(train.status, 0, train.stderr);
    const evalJson = (from: string) => {
      const r = runCli(['eval', '--checkpoint', from, '--json']);
      assert.is(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { tasks: { name: string; accuracy: number | null; forgotten: boolean }[]; capacity: { total: { free: number }[] } };
    };
    const original = evalJson(ck);
    assert.is(original.tasks.length, 5);
    const text = runCli(['eval', '--checkpoint', ck]);
    assert.match(text.stdout, /mnist-23 +\d+\.\d\d %/);
    assert.match(text.stdout, /fc2 +uses +\d+ of 24/);

    const f = runCli(['forget', '--checkpoint', ck, '--task', 'mnist-23', '--out', forgot]);
    assert.is(f.status, 0, f.stderr);
    const afterForget = evalJson(forgot);
    assert.equal(afterForget.tasks.map((t) => t.forgotten), [false, true, false, false, false]);
    assert.equal(afterForget.tasks.filter((t) => !t.forgotten).map((t) => t.accuracy), original.tasks.filter((t) => t.name !== 'mnist-23').map((t) => t.accuracy));
    assert.match(runCli(['eval', '--checkpoint', forgot]).stdout, /mnist-23 +forgotten/);
    assert.match(runCli(['forget', '--checkpoint', forgot, '--task', '2', '--out', join(dir, 'again')]).stderr, /forgotten already/);

    const p = runCli(['prune', '--checkpoint', ck, '--out', pruned]);
    assert.is(p.status, 0, p.stderr);
    assert.match(p.stdout, /--hidden \d+,\d+/);
    const afterPrune = evalJson(pruned);
    assert.equal(afterPrune.tasks.map((t) => t.accuracy), original.tasks.map((t) => t.accuracy), 'eval before and after prune');
    assert.ok(afterPrune.capacity.total.every((l) => l.free === 0), 'no free unit left');
    assert.match(runCli(['prune', '--checkpoint', ck, '--out', pruned]).stderr, /already holds checkpoints/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
