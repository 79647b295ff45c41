// AdaHAT as an approach, and the HAT family's mask options: AdaHAT's first task is HAT's to the bit; after
// it, HAT freezes the weights between units an earlier task uses while AdaHAT lets them move a little;
// the gradient AdaHAT adjusts is the loss's own (finite differences); fused and unfused kernels train
// alike; a run resumes exactly from its checkpoints (the summative masks travel in them); the s
// schedules, embedding inits and mask threshold do what docs/hat.md says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, finiteDifference, getEngine } from '../helpers.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { positionLabel, type TrainerSnapshot, type TrainerState } from '../../src/train/state.ts';
import { createApproach } from '../../src/approaches/registry.ts';
import { GatedHatNetwork, scheduledS } from '../../src/approaches/hat.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.ts';
import { noGrad, backward } from '../../src/autograd.ts';
import { softmaxCrossEntropy } from '../../src/ops/loss.ts';
import { tensor, tidy } from '../../src/tensor.ts';
import type { TrainConfig } from '../../src/config/train-config.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';

async function params(trainer: Trainer): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, p] of trainer.net.namedParameters()) out.set(name, await p.float32());
  return out;
}

/** Trains `config` on `tasks`, keeping every checkpoint (in memory) and the final parameters. */
async function trainAll(config: TrainConfig, tasks = clusterTasks(3, 21, 96)) {
  const engine = await getEngine();
  const snaps: TrainerSnapshot[] = [];
  const trainer = new Trainer(engine, tasks, config, createApproach(config, {}));
  try {
    const result = await trainer.run({}, { checkpoint: (s) => { snaps.push(s); } });
    return { result, snaps, params: await params(trainer) };
  } finally {
    trainer.dispose();
  }
}

const after = (snaps: TrainerSnapshot[], task: number) => snaps.find((s) => positionLabel(s.state) === `after task ${task}`)!;

test('AdaHAT: its first task is HAT\'s exactly; then HAT freezes the weights old units share and AdaHAT moves them a little', async () => {
  const base = smallConfig({ epochs: 2, hidden: [16, 16], seed: 3 });
  const hat = await trainAll({ ...base, approach: 'hat' });
  const ada = await trainAll({ ...base, approach: 'adahat' });
  const [h1, a1] = [after(hat.snaps, 1), after(ada.snaps, 1)];
  for (const [name, t] of h1.tensors) {
    if (name.startsWith('approach.')) continue;
    assert.equal(Array.from(a1.tensors.get(name)!.data), Array.from(t.data), `after task 1: ${name}`);
  }
  assert.ok(a1.tensors.has('approach.summative.fc1') && a1.tensors.has('approach.summative.fc2'), 'AdaHAT checkpoints its summative masks');

  // fc2.weight[i, j] between units task 1 uses on both sides (mask 1 at smax), over tasks 2 and 3.
  const moved = (run: typeof hat, first: TrainerSnapshot) => {
    const m1 = first.tensors.get('mask.fc1')!.data, m2 = first.tensors.get('mask.fc2')!.data;
    const w0 = first.tensors.get('fc2.weight')!.data, w = run.params.get('fc2.weight')!;
    let shared = 0, free = 0, count = 0;
    for (let i = 0; i < m2.length; i++) {
      for (let j = 0; j < m1.length; j++) {
        const d = Math.abs(w[i * m1.length + j]! - w0[i * m1.length + j]!);
        if (m2[i] === 1 && m1[j] === 1) { shared = Math.max(shared, d); count++; } else if (m2[i]! < 1e-3) free = Math.max(free, d);
      }
    }
    return { shared, free, count };
  };
  const mh = moved(hat, h1), ma = moved(ada, a1);
  assert.ok(mh.count > 0 && ma.count > 0, 'task 1 uses some units of both layers');
  assert.is(mh.shared, 0, 'HAT: weights between units task 1 uses do not move');
  assert.ok(ma.shared > 0, `AdaHAT: they move (max |Δ| ${ma.shared})`);
  assert.ok(ma.shared < 1e-2 * ma.free, `AdaHAT: far less than free weights (${ma.shared} vs ${ma.free})`);
  // At the paper's α = 1e-6 the old units move so little that AdaHAT's accuracies stay HAT's.
  assertClose(ada.result.accuracy.flat(), hat.result.accuracy.flat(), 'accuracies, AdaHAT vs HAT', { rtol: 0, atol: 0.05 });
});

test('AdaHAT: fused and unfused kernels train alike', async () => {
  const base = smallConfig({ approach: 'adahat', epochs: 2, hidden: [16, 16], seed: 4, dropout: false });
  const fused = await trainAll(base, clusterTasks(2, 22, 96));
  const unfused = await trainAll({ ...base, fused: false }, clusterTasks(2, 22, 96));
  assertClose(fused.result.accuracy.flat(), unfused.result.accuracy.flat(), 'accuracies', { rtol: 0, atol: 0.02 });
  for (const [name, p] of fused.params) assertClose(p, unfused.params.get(name)!, name, { rtol: 1e-2, atol: 1e-3 });
});

test('AdaHAT: resuming from its checkpoints ends exactly as the uninterrupted run', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(3, 23, 96);
  const config = smallConfig({ approach: 'adahat', epochs: 2, hidden: [16, 16], seed: 5 });
  const files: Uint8Array[] = [];
  const full = new Trainer(engine, tasks, config, createApproach(config));
  let reference;
  try {
    const r = await full.run({}, { checkpoint: (s) => { files.push(encodeCheckpoint({ ...s, meta: { benchmark: 'clusters', config: { ...config }, taskNames: tasks.map((t) => t.name), label: positionLabel(s.state), seq: 0, createdAt: '' } })); } });
    reference = { accuracy: r.accuracy, params: await params(full) };
  } finally {
    full.dispose();
  }
  const picks = files.map((b) => decodeCheckpoint<TrainerState>(b, 'memory')).filter((c) => ['after task 2', 'task 3 epoch 1'].includes(c.meta.label));
  assert.is(picks.length, 2);
  for (const c of picks) {
    const trainer = new Trainer(engine, tasks, config, createApproach(config));
    try {
      const r = await trainer.run({}, { resume: c });
      assert.equal(r.accuracy, reference.accuracy, `accuracies resumed from ${c.meta.label}`);
      assert.equal(await params(trainer), reference.params, `parameters resumed from ${c.meta.label}`);
    } finally {
      trainer.dispose();
    }
  }
});

test('the gradient AdaHAT adjusts is the loss\'s own (finite differences), where HAT\'s conditioned one is 0', async () => {
  const engine = await getEngine();
  const [task] = clusterTasks(1, 24, 32);
  const config = { kind: 'mlp' as const, inputShape: task!.inputShape, classesPerTask: [2], hidden: [6, 5], gated: true, seed: 7, dropout: { input: 0, layers: 0 } };
  const x = tensor(engine, task!.train.images.slice(0, 16 * 16), [16, 1, 4, 4]);
  const y = tensor(engine, task!.train.labels.slice(0, 16), [16], 'i32');
  const grads: Float32Array[] = [];
  let fd: Float64Array | null = null;
  for (const conditioned of [false, true]) {
    const net = new GatedHatNetwork(engine, config, 0.5, conditioned);
    try {
      for (const l of net.layers) l.prevMask = tensor(engine, new Float32Array(l.units).fill(1), [l.units]).keep();
      const ctx = { task: 0, s: 2, training: true, step: 0, fused: true };
      tidy(() => backward(softmaxCrossEntropy(net.forward(x, ctx), y)));
      const w = net.layers[1]!.weight;
      grads.push(await w.grad!.float32());
      if (!conditioned) {
        const w0 = Float64Array.from(await w.float32());
        const loss = async (v: Float64Array) => {
          engine.upload(w.buffer, Float32Array.from(v));
          const l = noGrad(() => softmaxCrossEntropy(net.forward(x, { ...ctx, training: false }), y));
          const value = await l.item();
          l.dispose();
          return value;
        };
        fd = await finiteDifference(loss, w0, 1e-2, [0, 7, 13, 29]);
      }
    } finally {
      net.dispose();
    }
  }
  for (const i of [0, 7, 13, 29]) assertClose([grads[0]![i]!], [fd![i]!], `fc2.weight[${i}] unconditioned vs finite difference`, { rtol: 2e-2, atol: 2e-4 });
  assert.ok(grads[0]!.some((g) => g !== 0), 'the unconditioned gradient is not 0');
  assert.ok(grads[1]!.every((g) => g === 0), 'HAT conditions it to 0 where both masks are 1');
  x.dispose();
  y.dispose();
});

test('s schedules: each runs from 1/smax to smax, rising; linear is annealS', () => {
  const smax = 400;
  for (const schedule of ['linear', 'exp', 'cosine'] as const) {
    assertClose([scheduledS(schedule, 0, 100, smax)], [1 / smax], `${schedule} at 0`, { rtol: 1e-12, atol: 0 });
    assertClose([scheduledS(schedule, 100, 100, smax)], [smax], `${schedule} at the end`, { rtol: 1e-12, atol: 0 });
    let prev = 0;
    for (let i = 0; i <= 100; i += 5) {
      const s = scheduledS(schedule, i, 100, smax);
      assert.ok(s > prev, `${schedule} rises at ${i}`);
      prev = s;
    }
  }
  assertClose([scheduledS('exp', 50, 100, smax)], [1], 'exp: the geometric middle is 1', { rtol: 1e-12, atol: 0 });
  assertClose([scheduledS('cosine', 50, 100, smax)], [(smax + 1 / smax) / 2], 'cosine: the arithmetic middle', { rtol: 1e-12, atol: 0 });
  assertClose([scheduledS('linear', 37, 100, smax)], [1 / smax + (smax - 1 / smax) * 0.37], 'linear', { rtol: 1e-12, atol: 0 });
});

test('embedding inits and the mask threshold reach the network', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(2, 25, 64);
  const embeddings = async (embeddingInit: TrainConfig['embeddingInit']) => {
    const config = smallConfig({ approach: 'hat', hidden: [40, 40], embeddingInit });
    const trainer = new Trainer(engine, tasks, config, createApproach(config));
    try {
      return Float64Array.from(await trainer.net.layers[0]!.embeddings[1]!.float32());
    } finally {
      trainer.dispose();
    }
  };
  const normal = await embeddings('normal'), uniform = await embeddings('uniform'), constant = await embeddings('constant');
  assert.ok(normal.some((v) => v < 0) && normal.some((v) => v > 2), 'normal: N(0, 1) values on both sides');
  assert.ok(uniform.every((v) => v >= 0 && v <= 2) && new Set(uniform).size > 30, 'uniform: U(0, 2)');
  assert.ok(constant.every((v) => v === 0), 'constant: 0');

  const usage = async (maskThreshold: number) => {
    const config = smallConfig({ approach: 'hat', hidden: [16, 16], epochs: 1, maskThreshold });
    return (await trainAll(config, clusterTasks(1, 26, 64))).result.maskUsage.at(-1)!;
  };
  const [low, mid, high] = [await usage(1e-6), await usage(0.5), await usage(1 - 1e-6)];
  for (let l = 0; l < 2; l++) assert.ok(low[l]! >= mid[l]! && mid[l]! >= high[l]!, `layer ${l}: usage falls as the threshold rises (${low[l]}, ${mid[l]}, ${high[l]})`);
});

test.run();
