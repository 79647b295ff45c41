// ResNet-18-HAT (src/nn/resnet.ts) with task-indexed BatchNorm (src/nn/task-norm.ts): its layers and
// names, the per-task normalisation, and a two-task sequence read from CIFAR-format files, trained at a
// small width, after which the first task keeps its accuracy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEngine } from '../helpers.ts';
import { tensor, tidy } from '../../src/tensor.ts';
import { backward, noGrad } from '../../src/autograd.ts';
import { Rng } from '../../src/data/rng.ts';
import { loadSequenceFile } from '../../src/data/sequence-file.ts';
import { ResNet18, resnet18ParameterCount } from '../../src/nn/resnet.ts';
import { readNetworkTensors, loadNetworkTensors } from '../../src/nn/parameters.ts';
import { softmaxCrossEntropy } from '../../src/ops/loss.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { createApproach } from '../../src/approaches/registry.ts';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/config/index.ts';
import type { NetworkConfig } from '../../src/nn/network.ts';

const WIDTH = 4;

function smallResNet(engine: Awaited<ReturnType<typeof getEngine>>, tasks = 2): ResNet18 {
  return new ResNet18(engine, { inputShape: [3, 32, 32], classesPerTask: Array(tasks).fill(2), gated: true, seed: 3, width: WIDTH });
}

test('layers, pre-masks and parameter names: stem, 8 blocks, 3 downsample shortcuts', async () => {
  const engine = await getEngine();
  const net = smallResNet(engine);
  try {
    assert.is(net.layers.length, 1 + 16 + 3);
    const byName = new Map(net.layers.map((l, i) => [l.name, i]));
    const pre = (name: string) => net.layers[net.layers[byName.get(name)!]!.pre]?.name ?? null;
    assert.is(pre('conv1'), null);
    assert.is(pre('layer1.0.conv1'), 'conv1');
    assert.is(pre('layer1.0.conv2'), 'layer1.0.conv1');
    // A block's input is the previous block's output, gated by that block's conv2.
    assert.is(pre('layer1.1.conv1'), 'layer1.0.conv2');
    assert.is(pre('layer2.0.conv1'), 'layer1.1.conv2');
    assert.is(pre('layer2.0.downsample.0'), 'layer1.1.conv2');
    assert.not.ok(byName.has('layer1.0.downsample.0'), 'stage 1 keeps its width and stride: identity shortcut');
    assert.equal(net.layers.map((l) => l.units).slice(-1), [8 * WIDTH]);
    const names = net.namedParameters().map(([n]) => n);
    for (const n of ['conv1.weight', 'econv1.1', 'bn1.weight.0', 'bn1.bias.1', 'bn1.running_mean.0', 'bn1.running_var.1', 'layer2.0.downsample.0.weight', 'layer2.0.downsample.1.weight.0', 'layer4.1.bn2.running_var.1', 'last.1.weight']) {
      assert.ok(names.includes(n), `missing ${n}`);
    }
    assert.is(new Set(names).size, names.length, 'names are unique');
    const params = new Map(net.namedParameters());
    assert.is(params.get('bn1.running_mean.0')!.requiresGrad, false);
    assert.is(params.get('bn1.weight.0')!.requiresGrad, true);
    assert.is(net.parameterCount(), resnet18ParameterCount({ inputShape: [3, 32, 32], classesPerTask: [2, 2], width: WIDTH }));
    // Width 64, one task of 10 classes: the CIFAR ResNet-18's 11,173,962 parameters (convs, BatchNorms, fc).
    assert.is(resnet18ParameterCount({ inputShape: [3, 32, 32], classesPerTask: [10] }), 11_173_962);
  } finally {
    net.dispose();
  }
});

test('a training-mode forward of task 0 moves task 0 running statistics only; evaluation reads them', async () => {
  const engine = await getEngine();
  const net = smallResNet(engine);
  try {
    const rng = new Rng(5);
    const x = tensor(engine, Float32Array.from({ length: 4 * 3 * 32 * 32 }, () => 2 + rng.normal()), [4, 3, 32, 32]).keep();
    const params = new Map(net.namedParameters());
    const before = { m0: await params.get('bn1.running_mean.0')!.float32(), m1: await params.get('bn1.running_mean.1')!.float32(), v0: await params.get('bn1.running_var.0')!.float32() };
    const evalLogits = async () => {
      const y = noGrad(() => net.forward(x, { task: 0, s: 400, training: false, step: 0, fused: true }));
      const v = await y.float32();
      y.dispose();
      return v;
    };
    const e0 = await evalLogits();
    tidy(() => {
      const y = net.forward(x, { task: 0, s: 1, training: true, step: 0, fused: true });
      backward(softmaxCrossEntropy(y, tensor(engine, [0, 1, 0, 1], [4], 'i32')));
    });
    const after = { m0: await params.get('bn1.running_mean.0')!.float32(), m1: await params.get('bn1.running_mean.1')!.float32(), v0: await params.get('bn1.running_var.0')!.float32() };
    assert.equal([...after.m1], [...before.m1], 'task 1 running mean moved');
    assert.ok(after.m0.some((v, i) => Math.abs(v - before.m0[i]!) > 1e-4), 'task 0 running mean did not move');
    assert.ok(after.v0.some((v, i) => Math.abs(v - before.v0[i]!) > 1e-4), 'task 0 running var did not move');
    // Only task 0's BatchNorm parameters and embeddings got gradients.
    assert.ok(params.get('bn1.weight.0')!.grad, 'task 0 gamma has no gradient');
    assert.is(params.get('bn1.weight.1')!.grad, null);
    assert.is(params.get('econv1.1')!.grad, null);
    assert.is(params.get('bn1.running_mean.0')!.grad, null);
    const e1 = await evalLogits();
    assert.ok(e1.some((v, i) => Math.abs(v - e0[i]!) > 1e-6), 'evaluation ignores the updated running statistics');
    // Export and import by name carry the running statistics.
    const saved = await readNetworkTensors(net);
    assert.ok(saved.has('layer3.0.downsample.1.running_var.0'));
    const other = smallResNet(engine);
    loadNetworkTensors(other, saved, 'test');
    const y = noGrad(() => other.forward(x, { task: 0, s: 400, training: false, step: 0, fused: true }));
    assert.equal([...(await y.float32())], [...e1]);
    y.dispose();
    other.dispose();
    x.dispose();
    for (const [, p] of net.namedParameters()) { p.grad?.dispose(); p.grad = null; }
  } finally {
    net.dispose();
  }
});

/**
 * CIFAR-10 records (label byte, then 3×32×32 channel-major bytes) of four classes: each class a seeded
 * smooth colour pattern, each record that pattern plus noise.
 */
function cifarRecords(perClass: number, seed: number): Uint8Array {
  const patterns = [0, 1, 2, 3].map((k) => {
    const r = new Rng(100 + k);
    const [fx, fy, phase] = [r.uniform(0.1, 0.4), r.uniform(0.1, 0.4), r.uniform(0, 6.28)];
    const colour = [[1, -1, 0], [-1, 1, 0], [0, 1, -1], [0, -1, 1]][k]!;
    return Float32Array.from({ length: 3072 }, (_, i) => {
      const c = Math.floor(i / 1024), y = Math.floor((i % 1024) / 32), x = i % 32;
      return colour[c]! * (1 + Math.sin(fx * x + fy * y + phase));
    });
  });
  const rng = new Rng(seed);
  const n = perClass * 4;
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    const label = i % 4;
    out[i * 3073] = label;
    for (let p = 0; p < 3072; p++) out[i * 3073 + 1 + p] = Math.max(0, Math.min(255, Math.round(128 + 40 * patterns[label]![p]! + 40 * rng.normal())));
  }
  return out;
}

test('ResNet-18-HAT learns two CIFAR-format tasks and keeps the first within 0.5 points', async () => {
  const engine = await getEngine();
  const dir = mkdtempSync(join(tmpdir(), 'webgpu-hat-resnet-'));
  try {
    writeFileSync(join(dir, 'train.bin'), cifarRecords(60, 1));
    writeFileSync(join(dir, 'test.bin'), cifarRecords(25, 2));
    const dataset = { format: 'cifar10', train: { files: ['train.bin'] }, test: { files: ['test.bin'] } };
    writeFileSync(join(dir, 'seq.json'), JSON.stringify({
      name: 'cifar-like 2 tasks',
      tasks: [{ name: 'classes 0,1', dataset, classes: [0, 1], validation: 0.1 }, { name: 'classes 2,3', dataset, classes: [2, 3], validation: 0.1 }],
    }));
    const tasks = loadSequenceFile(join(dir, 'seq.json'), 0);
    assert.equal(tasks[0]!.inputShape, [3, 32, 32]);
    // Embeddings from U(0, 2): every gate starts open. With N(0, 1) half of every layer's channels start
    // closed, the residual stream's among them, and at width 4 whole layers can start shut (docs/networks.md).
    const config: TrainConfig = { ...DEFAULT_CONFIG, net: 'resnet18', epochs: 3, batch: 24, lr: 0.05, embeddingInit: 'uniform' };
    const base = createApproach(config);
    // The trainer builds the network from the settings; the width is the test's (64 in the papers).
    const approach = { ...base, createNetwork: (e: typeof engine, c: NetworkConfig) => base.createNetwork(e, { ...c, width: WIDTH }) };
    const trainer = new Trainer(engine, tasks, config, approach);
    try {
      assert.ok(trainer.net instanceof ResNet18);
      const t0 = performance.now();
      const r = await trainer.run();
      const seconds = (performance.now() - t0) / 1000;
      const [afterFirst, afterSecond] = r.accuracy;
      console.log(`resnet18-hat width ${WIDTH}: accuracy after task 1 ${afterFirst}, after task 2 ${afterSecond}; mask usage ${r.maskUsage.map((u) => (u.reduce((a, b) => a + b, 0) / u.length).toFixed(2)).join(', ')}; ${seconds.toFixed(1)} s`);
      assert.ok(afterFirst![0]! > 0.7, `task 1 not learned: ${afterFirst![0]}`);
      assert.ok(afterSecond![1]! > 0.7, `task 2 not learned: ${afterSecond![1]}`);
      assert.ok(Math.abs(afterSecond![0]! - afterFirst![0]!) <= 0.005, `task 1 went from ${afterFirst![0]} to ${afterSecond![0]}`);
    } finally {
      trainer.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
