// Every approach resumes exactly: a run continued from any of its checkpoints (start, mid-task, between
// tasks) ends with the uninterrupted run's accuracies, losses and parameters. The baselines' own state
// (EWC's Fisher and anchors, IMM's old and Fisher-summed models, the old model of LwF and LFL, PathNet's
// best paths, which progressive column trains) travels in the checkpoint.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine } from '../helpers.ts';
import { Trainer } from '../../src/train/trainer.ts';
import type { Approach } from '../../src/config/train-config.ts';
import { positionLabel, type TrainerState } from '../../src/train/state.ts';
import { createApproach } from '../../src/approaches/registry.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';

const APPROACHES: Approach[] = ['ewc', 'imm-mean', 'imm-mode', 'lwf', 'lfl', 'sgd-frozen', 'joint', 'pathnet', 'progressive'];

async function outcome(trainer: Trainer, r: Awaited<ReturnType<Trainer['run']>>) {
  const params: number[][] = [];
  for (const [, p] of trainer.net.namedParameters()) params.push(Array.from(await p.float32()));
  return { accuracy: r.accuracy, losses: r.epochs.map((e) => [e.trainLoss, e.validLoss, e.lr]), params, steps: trainer.steps };
}

for (const approach of APPROACHES) {
  test(`${approach}: resuming from its checkpoints ends exactly as the uninterrupted run`, async () => {
    const engine = await getEngine();
    const tasks = clusterTasks(3, 11, 96);
    const config = smallConfig({ approach, epochs: 2, hidden: [16, 16], seed: 2 });
    const hooks = () => createApproach(config, { generations: 1 });
    const files: Uint8Array[] = [];
    const full = new Trainer(engine, tasks, config, hooks());
    let reference;
    try {
      const r = await full.run({}, { checkpoint: (s) => { files.push(encodeCheckpoint({ ...s, meta: { benchmark: 'clusters', config: { ...config }, taskNames: tasks.map((t) => t.name), label: positionLabel(s.state), seq: 0, createdAt: '' } })); } });
      reference = await outcome(full, r);
    } finally {
      full.dispose();
    }
    const checkpoints = files.map((b) => decodeCheckpoint<TrainerState>(b, 'memory'));
    // Between tasks 2 and 3 (the approach's state is about two tasks), and in the middle of task 3 where
    // the approach checkpoints there (PathNet's search does not).
    const picks = checkpoints.filter((c) => ['after task 2', 'task 3 epoch 1'].includes(c.meta.label));
    assert.ok(picks.length === (approach === 'pathnet' ? 1 : 2), `checkpoints: ${checkpoints.map((c) => c.meta.label).join(', ')}`);
    for (const c of picks) {
      const trainer = new Trainer(engine, tasks, config, hooks());
      try {
        const got = await outcome(trainer, await trainer.run({}, { resume: c }));
        assert.equal(got, reference, `resumed from "${c.meta.label}"`);
      } finally {
        trainer.dispose();
      }
    }
  });
}

test('a checkpoint carries the approach state it needs: EWC its Fisher and anchors, LwF its old model, PathNet its paths', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(2, 12, 64);
  const names = async (approach: Approach) => {
    let last: Parameters<NonNullable<Parameters<Trainer['run']>[1]>['checkpoint'] & {}>[0] | null = null;
    const config = smallConfig({ approach, epochs: 1, hidden: [8, 8] });
    const trainer = new Trainer(engine, tasks, config, createApproach(config, { generations: 1 }));
    try {
      await trainer.run({}, { checkpoint: (s) => { last = s; } });
    } finally {
      trainer.dispose();
    }
    return { tensors: [...last!.tensors.keys()].filter((k) => k.startsWith('approach.')), json: last!.state.approach };
  };
  const ewc = await names('ewc');
  assert.ok(ewc.tensors.includes('approach.fisher.fc1.weight') && ewc.tensors.includes('approach.anchor.last.1.bias'), ewc.tensors.join(', '));
  const lwf = await names('lwf');
  assert.ok(lwf.tensors.includes('approach.old.fc2.weight'), lwf.tensors.join(', '));
  const pathnet = await names('pathnet');
  const paths = (pathnet.json as { bestPaths: (number[][] | null)[] }).bestPaths;
  assert.is(paths.length, 2);
  assert.ok(paths.every((p) => p && p.length === 2 && p.every((row) => row.length === 3)), JSON.stringify(paths));
});

test.run();
