// Each baseline's defining property on a small network.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { getEngine } from '../helpers.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import type { HatNetwork } from '../../src/nn/network.ts';
import { createApproach } from '../../src/approaches/registry.ts';
import { Rng } from '../../src/data/rng.ts';
import { parseSeeds, runArgs } from '../../src/cli/compare.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';
import { BIN, ROOT, tempDir, writeIdxSequence } from '../faults/_cli.ts';

test('sgd-frozen: after task 1 no shared weight changes, the new head does', async () => {
  const engine = await getEngine();
  const trainer = createTrainer(engine, clusterTasks(2), smallConfig({ approach: 'sgd-frozen', epochs: 2 }));
  try {
    await trainer.trainTask(0);
    const before = await Promise.all(trainer.net.sharedParameters().map((p) => p.float32()));
    const head1 = await (trainer.net as HatNetwork).heads[1]!.weight.float32();
    await trainer.trainTask(1);
    const after = await Promise.all(trainer.net.sharedParameters().map((p) => p.float32()));
    after.forEach((a, i) => assert.equal(Array.from(a), Array.from(before[i]!), `shared parameter ${i} changed`));
    assert.not.equal(Array.from(await (trainer.net as HatNetwork).heads[1]!.weight.float32()), Array.from(head1));
  } finally {
    trainer.dispose();
  }
});

test('joint: an epoch of task t sees every sample of every task ≤ t once, each on its own head', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(3, 1, 100);
  const config = smallConfig({ approach: 'joint' });
  const hooks = createApproach(config);
  const trainer = new Trainer(engine, tasks, config, hooks);
  try {
    const seen = new Map<number, number>();
    for (const b of hooks.epochBatches!(trainer, 2, new Rng(1))) {
      assert.is(b.data, tasks[b.head]!.train, 'a batch is scored on the head of the task it came from');
      seen.set(b.head, (seen.get(b.head) ?? 0) + b.size);
    }
    assert.equal([...seen.entries()].sort(), [[0, 100], [1, 100], [2, 100]]);
  } finally {
    trainer.dispose();
  }
});

test('ewc and imm: after the first task the penalty enters the validation loss; lwf trains the old heads', async () => {
  const engine = await getEngine();
  for (const approach of ['ewc', 'imm-mean', 'lwf'] as const) {
    const config = smallConfig({ approach, epochs: 1 });
    const hooks = createApproach(config);
    const trainer = new Trainer(engine, clusterTasks(2), config, hooks);
    try {
      await trainer.trainTask(0);
      await hooks.afterTask?.(trainer, 0);
      await hooks.beforeTask?.(trainer, 1);
      const head0 = await (trainer.net as HatNetwork).heads[0]!.weight.float32();
      await trainer.trainTask(1);
      assert.ok((await hooks.validationPenalty!(trainer, 1)) > 0, `${approach}: no penalty after a task`);
      const moved = Array.from(await (trainer.net as HatNetwork).heads[0]!.weight.float32()).some((v, i) => v !== head0[i]);
      assert.is(moved, approach === 'lwf', `${approach}: the old head ${moved ? 'moved' : 'did not move'}`);
    } finally {
      trainer.dispose();
    }
  }
});

test('compare: runs every approach and seed plus joint and random, writes the table and plots, skips finished runs', () => {
  assert.equal(parseSeeds('0-2,5'), [0, 1, 2, 5]);
  const dir = tempDir('compare');
  try {
    const seq = writeIdxSequence(dir, { tasks: 2, train: 800, test: 80 });
    const out = join(dir, 'cmp');
    const args = [BIN, 'compare', '--benchmark', seq, '--approaches', 'hat,sgd', '--seeds', '0-1', '--hidden', '16,16', '--epochs', '3', '--out', out];
    const first = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: '/tmp' } });
    assert.is(first.status, 0, first.stderr);
    for (const f of ['metrics.md', 'metrics.csv', 'forgetting.md', 'forgetting.csv', 'forgetting.svg', 'forgetting.png', 'mask-usage.svg', 'mask-usage.png', 'accuracy-hat.svg', 'accuracy-hat.png']) assert.ok(existsSync(join(out, f)), `missing ${f}`);
    // One results file per run, named by the hash of its configuration: hat, sgd, joint and random × 2 seeds.
    const runs = readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(out, 'runs', f), 'utf8')) as { approach: string; seed: number });
    assert.equal(runs.map((r) => `${r.approach} ${r.seed}`).sort(), ['hat 0', 'hat 1', 'joint 0', 'joint 1', 'random 0', 'random 1', 'sgd 0', 'sgd 1']);
    assert.match(readFileSync(join(out, 'forgetting.csv'), 'utf8'), /hat/);
    const second = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: '/tmp' } });
    assert.is(second.status, 0, second.stderr);
    assert.equal(readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.json')).length, 8, 'a finished run ran again');
    assert.not.match(second.stderr, /epoch 1\//, `the second compare trained again:\n${second.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lfl: its network has no dropout on the penultimate activations (the reference\'s LFL network); the others do', async () => {
  const engine = await getEngine();
  const config = { kind: 'mlp' as const, inputShape: [1, 4, 4] as [number, number, number], classesPerTask: [2, 2], hidden: [8, 8], gated: false, seed: 0 };
  const lflNet = createApproach(smallConfig({ approach: 'lfl' })).createNetwork(engine, config) as HatNetwork;
  const sgdNet = createTrainer(engine, clusterTasks(2), smallConfig({ approach: 'sgd', hidden: [8, 8] })).net as HatNetwork;
  try {
    assert.equal(lflNet.layers.map((l) => l.dropout), [0.5, 0]);
    assert.equal(sgdNet.layers.map((l) => l.dropout), [0.5, 0.5]);
  } finally {
    lflNet.dispose();
    sgdNet.dispose();
  }
});

test('compare: every approach runs with its own reference clip unless --clip sets one', () => {
  const clip = (flags: string[], approach: Parameters<typeof runArgs>[2]) => runArgs(flags, 3, approach).config.clipNorm;
  assert.is(clip([], 'hat'), 10000);
  assert.is(clip([], 'lfl'), 200);
  assert.is(clip([], 'ewc'), 100);
  assert.is(clip([], 'pathnet'), 1000);
  assert.is(clip(['--clip', '5'], 'lfl'), 5);
  assert.is(runArgs(['--hidden', '16'], 3, 'lwf').config.seed, 3);
});

test.run();
