// PathNet: frozen best paths, re-initialised free modules, the path forward, the parameter budget, path
// draws and mutation, and end-to-end runs on the MLP and the AlexNet.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, getEngine } from '../helpers.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import { referenceParameterCount, type NetworkConfig } from '../../src/nn/network.ts';
import { mutatePath, pathnetApproach, randomPath } from '../../src/approaches/pathnet.ts';
import { PathNetNetwork, moduleWidths } from '../../src/nn/pathnet-network.ts';
import { Rng } from '../../src/data/rng.ts';
import { makeDataset } from '../../src/data/dataset.ts';
import type { Task } from '../../src/data/task.ts';
import { tensor } from '../../src/tensor.ts';
import { noGrad } from '../../src/autograd.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';

/** Every module parameter's values, by name. */
async function moduleValues(net: PathNetNetwork): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, p] of net.namedParameters()) if (!name.startsWith('last.')) out.set(name, Array.from(await p.float32()));
  return out;
}

/** Names of the parameters of module m in layer l. */
function moduleNames(net: PathNetNetwork, l: number, m: number): string[] {
  const layer = net.pathLayers[l]!.name;
  return [`${layer}.m${m}.weight`, `${layer}.m${m}.bias`];
}

test('best paths stay bit-identical, free modules restart from their initial values, old accuracies never move', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(3);
  const trainer = createTrainer(engine, tasks, smallConfig({ approach: 'pathnet', epochs: 4 }), { generations: 2 });
  const net = trainer.net as PathNetNetwork;
  try {
    const initial = await moduleValues(net);
    let kept = new Map<string, number[]>();
    const accuracies: number[][] = [];
    for (let t = 0; t < tasks.length; t++) {
      if (t > 0) {
        // Scribble on a free module so that the re-initialisation has something to undo.
        let free = 0;
        while (net.isFrozen(0, free)) free++;
        const w = net.pathLayers[0]!.modules[free]!.weight;
        engine.upload(w.buffer, new Float32Array(w.size).fill(7));
      }
      await trainer.approach.beforeTask!(trainer, t);
      const now = await moduleValues(net);
      for (let l = 0; l < net.depth; l++) {
        for (let m = 0; m < net.modules; m++) {
          for (const name of moduleNames(net, l, m)) {
            if (net.isFrozen(l, m)) assert.equal(now.get(name), kept.get(name), `${name} (on a best path) changed since it was frozen`);
            else assert.equal(now.get(name), initial.get(name), `${name} (on no best path) was not re-initialised before task ${t}`);
          }
        }
      }
      await trainer.approach.trainTask!(trainer, t, {});
      const path = net.bestPaths[t]!;
      assert.ok(path, `task ${t} got no best path`);
      kept = await moduleValues(net);
      if (t === 0) {
        const moved = path.some((row, l) => row.some((m) => moduleNames(net, l, m).some((n) => kept.get(n)!.some((v, i) => v !== initial.get(n)![i]))));
        assert.ok(moved, 'task 0 trained none of its path modules');
      }
      const row: number[] = [];
      for (let u = 0; u <= t; u++) row.push((await trainer.evaluate(u, tasks[u]!.test)).accuracy);
      for (let u = 0; u < t; u++) assert.is(row[u], accuracies[t - 1]![u], `task ${u}'s accuracy changed while task ${t} trained`);
      accuracies.push(row);
    }
    const usage = await net.capacityUsage();
    assert.ok(usage.every((u) => u > 0 && u <= 1), `capacity usage ${usage}`);
  } finally {
    trainer.dispose();
  }
});

test('forward with a fixed path (a module listed twice) matches a float64 CPU reference', async () => {
  const engine = await getEngine();
  const config: NetworkConfig = { kind: 'mlp', inputShape: [1, 2, 3], classesPerTask: [3, 2], hidden: [8, 6], gated: false, seed: 5 };
  const net = new PathNetNetwork(engine, config, { modules: 3, active: 2 });
  try {
    const path = [[2, 0], [1, 1]];
    net.setTrainingPath(1, path);
    const batch = 4;
    const xs = Float32Array.from({ length: batch * 6 }, (_, i) => Math.sin(i * 1.7));
    const logits = noGrad(() => net.forward(tensor(engine, xs, [batch, 1, 2, 3]), { task: 1, s: 1, training: false, step: 3, fused: true }));
    const got = await logits.float32();
    const values = new Map<string, Float32Array>();
    for (const [name, p] of net.namedParameters()) values.set(name, await p.float32());
    const dense = (x: number[][], w: Float32Array, b: Float32Array, relu: boolean) => x.map((row) => Array.from(b, (bias, j) => {
      let s = bias;
      for (let i = 0; i < row.length; i++) s += row[i]! * w[j * row.length + i]!;
      return relu ? Math.max(0, s) : s;
    }));
    let h = Array.from({ length: batch }, (_, b) => Array.from(xs.subarray(b * 6, b * 6 + 6)));
    path.forEach((row, l) => {
      const name = net.pathLayers[l]!.name;
      const outs = row.map((m) => dense(h, values.get(`${name}.m${m}.weight`)!, values.get(`${name}.m${m}.bias`)!, true));
      h = outs[0]!.map((r, b) => r.map((_, j) => outs.reduce((a, o) => a + o[b]![j]!, 0)));
    });
    const expected = dense(h, values.get('last.1.weight')!, values.get('last.1.bias')!, false).flat();
    assertClose(got, expected, 'pathnet logits', { rtol: 1e-4, atol: 1e-5 });
    logits.dispose();
    // Without a training path, a task with no best path has no forward pass.
    net.clearTrainingPath();
    assert.throws(() => net.pathFor(0), /no path/);
  } finally {
    net.dispose();
  }
});

test('parameters: within 2 % of the HAT network for split-MNIST MLP and the 10-task AlexNet', async () => {
  const engine = await getEngine();
  const configs: NetworkConfig[] = [
    { kind: 'mlp', inputShape: [1, 28, 28], classesPerTask: [2, 2, 2, 2, 2], hidden: [2000, 2000], gated: false, seed: 0 },
    { kind: 'alexnet', inputShape: [3, 32, 32], classesPerTask: Array(10).fill(10), gated: false, seed: 0 },
  ];
  for (const config of configs) {
    const net = new PathNetNetwork(engine, config, { modules: 16, active: 3 });
    try {
      const target = referenceParameterCount(config);
      const count = net.namedParameters().reduce((a, [, p]) => a + p.size, 0);
      assert.is(net.parameterCount(), count);
      assert.ok(Math.abs(count - target) / target < 0.02, `${config.kind}: ${count} parameters, the HAT network ${target}`);
    } finally {
      net.dispose();
    }
  }
  // About 316-unit modules for the MLP (317 is the closest to the budget), expand factor ≈ 0.258 for AlexNet.
  const mlp = moduleWidths(configs[0]!, 16);
  assert.ok(mlp.length === 2 && mlp.every((w) => w >= 315 && w <= 318), `MLP module widths ${mlp}`);
  const alex = moduleWidths(configs[1]!, 16);
  assert.ok(alex.every((w, i) => Math.abs(w / [64, 128, 256, 2048, 2048][i]! - 0.258) < 0.03), `AlexNet module widths ${alex}`);
});

test('paths: N distinct modules per layer; mutation moves entries by at most 2 within [0, M)', () => {
  const rng = new Rng(3);
  const M = 7, N = 3, L = 4;
  let mutated = 0;
  for (let i = 0; i < 500; i++) {
    const path = randomPath(rng, L, M, N);
    assert.is(path.length, L);
    for (const row of path) {
      assert.is(new Set(row).size, N, `repeated module in ${row}`);
      assert.ok(row.every((m) => Number.isInteger(m) && m >= 0 && m < M));
    }
    const child = mutatePath(rng, path, M);
    child.forEach((row, l) => row.forEach((m, k) => {
      assert.ok(Number.isInteger(m) && m >= 0 && m < M, `mutated entry ${m}`);
      const step = (m - path[l]![k]! + M) % M;
      assert.ok([0, 1, 2, M - 1, M - 2].includes(step), `entry moved by ${step} (mod ${M})`);
      if (step) mutated++;
    }));
  }
  // Each entry moves with probability 1/(N·L), by a nonzero amount 4 times in 5: ≈ 400 of 6000.
  assert.ok(mutated > 250 && mutated < 550, `${mutated} entries mutated`);
  assert.throws(() => pathnetApproach({ modules: 2, active: 3, generations: 1, paths: 2 }), /N = 3/);
  assert.throws(() => pathnetApproach({ modules: 4, active: 2, generations: 0, paths: 2 }), /generations/);
});

test('end to end: trainer.run learns every task well above chance', async () => {
  const engine = await getEngine();
  const trainer = createTrainer(engine, clusterTasks(3), smallConfig({ approach: 'pathnet', epochs: 4 }), { generations: 2 });
  try {
    const r = await trainer.run();
    const last = r.accuracy[r.accuracy.length - 1]!;
    assert.is(last.length, 3);
    assert.ok(last.every((a) => a > 0.8), `final accuracies ${last}`);
    assert.ok(r.epochs.length > 0 && r.maskUsage.length === 3);
  } finally {
    trainer.dispose();
  }
});

test('AlexNet smoke: two tiny 3×32×32 tasks train, and task 1 leaves task 0 untouched', async () => {
  const engine = await getEngine();
  const rng = new Rng(11);
  const set = (n: number) => {
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    const images = Float32Array.from({ length: n * 3 * 32 * 32 }, (_, i) => rng.normal() + (labels[Math.floor(i / 3072)]! ? 0.5 : -0.5));
    return makeDataset({ images, labels, n, channels: 3, height: 32, width: 32, classes: 2 });
  };
  const tasks: Task[] = [0, 1].map((t) => ({ name: `noise-${t}`, classes: [0, 1], nClasses: 2, inputShape: [3, 32, 32], train: set(32), valid: set(16), test: set(16) }));
  const trainer = createTrainer(engine, tasks, smallConfig({ approach: 'pathnet', net: 'alexnet', epochs: 1, batch: 16 }), { generations: 1 });
  try {
    const r = await trainer.run();
    assert.is(r.accuracy.length, 2);
    assert.is(r.accuracy[1]![0], r.accuracy[0]![0], 'task 0 accuracy changed');
    assert.ok(r.accuracy.flat().every((a) => Number.isFinite(a)));
    assert.is((trainer.net as PathNetNetwork).pathLayers.length, 5);
  } finally {
    trainer.dispose();
  }
});

test.run();
