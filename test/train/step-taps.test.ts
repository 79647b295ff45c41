// One HAT training step, checked from outside against an independent float64 implementation written
// from docs/hat.md: forward (gates), cross-entropy, backward, conditioning by the earlier task's masks,
// the regulariser's gradient and the compensation of the embeddings, clipping, SGD and the embedding
// clamp; and the logged loss (cross-entropy + c·R of the parameters the step started from).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, assertClose } from '../helpers.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import { tapStep } from '../../src/train/step-taps.ts';
import { setParameters } from '../../src/nn/parameters.ts';
import { makeDataset } from '../../src/data/dataset.ts';
import { Rng } from '../../src/data/rng.ts';
import type { Task } from '../../src/data/task.ts';
import { clusterTasks, smallConfig } from './fixtures.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
type Vec = Float64Array;

/** The reference step on a 2-layer gated MLP with one head, no dropout. Names as namedParameters(). */
function referenceStep(p: Record<string, Vec>, m: { fc1: Vec; fc2: Vec }, x: Vec, y: Int32Array, B: number, dims: { IN: number; H1: number; H2: number; C: number }, t: number, o: { s: number; smax: number; c: number; lr: number; clip: number }) {
  const { IN, H1, H2, C } = dims;
  const W1 = p['fc1.weight']!, b1 = p['fc1.bias']!, W2 = p['fc2.weight']!, b2 = p['fc2.bias']!, e1 = p[`efc1.${t}`]!, e2 = p[`efc2.${t}`]!;
  const Wh = p[`last.${t}.weight`]!, bh = p[`last.${t}.bias`]!;
  const a1 = e1.map((v) => sigmoid(o.s * v)), a2 = e2.map((v) => sigmoid(o.s * v));
  const z1 = new Float64Array(B * H1), h1 = new Float64Array(B * H1), z2 = new Float64Array(B * H2), h2 = new Float64Array(B * H2), logits = new Float64Array(B * C);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < H1; i++) { let z = b1[i]!; for (let j = 0; j < IN; j++) z += W1[i * IN + j]! * x[b * IN + j]!; z1[b * H1 + i] = z; h1[b * H1 + i] = Math.max(0, z) * a1[i]!; }
    for (let i = 0; i < H2; i++) { let z = b2[i]!; for (let j = 0; j < H1; j++) z += W2[i * H1 + j]! * h1[b * H1 + j]!; z2[b * H2 + i] = z; h2[b * H2 + i] = Math.max(0, z) * a2[i]!; }
    for (let k = 0; k < C; k++) { let z = bh[k]!; for (let j = 0; j < H2; j++) z += Wh[k * H2 + j]! * h2[b * H2 + j]!; logits[b * C + k] = z; }
  }
  // Cross-entropy (mean over the batch) and its gradient.
  let ce = 0;
  const dlog = new Float64Array(B * C);
  for (let b = 0; b < B; b++) {
    const row = logits.subarray(b * C, b * C + C);
    const mx = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - mx), 0);
    ce += (Math.log(sum) + mx - row[y[b]!]!) / B;
    for (let k = 0; k < C; k++) dlog[b * C + k] = (Math.exp(row[k]! - mx) / sum - (k === y[b] ? 1 : 0)) / B;
  }
  const g: Record<string, Vec> = {};
  const dWh = new Float64Array(C * H2), dbh = new Float64Array(C), dh2 = new Float64Array(B * H2);
  for (let b = 0; b < B; b++) for (let k = 0; k < C; k++) {
    const d = dlog[b * C + k]!;
    dbh[k] += d;
    for (let j = 0; j < H2; j++) { dWh[k * H2 + j] += d * h2[b * H2 + j]!; dh2[b * H2 + j] += d * Wh[k * H2 + j]!; }
  }
  // Through a gated layer: dz = dh·a·[z > 0]; dE = s·a·σ(−s·e)·Σ_b dh·relu(z).
  const layerBack = (dh: Vec, z: Vec, a: Vec, e: Vec, hin: Vec, W: Vec, U: number, I: number) => {
    const dz = new Float64Array(B * U), dE = new Float64Array(U), dW = new Float64Array(U * I), db = new Float64Array(U), dIn = new Float64Array(B * I);
    for (let b = 0; b < B; b++) for (let i = 0; i < U; i++) {
      const r = Math.max(0, z[b * U + i]!);
      dE[i] += dh[b * U + i]! * r * o.s * a[i]! * sigmoid(-o.s * e[i]!);
      dz[b * U + i] = z[b * U + i]! > 0 ? dh[b * U + i]! * a[i]! : 0;
    }
    for (let b = 0; b < B; b++) for (let i = 0; i < U; i++) {
      const d = dz[b * U + i]!;
      db[i] += d;
      for (let j = 0; j < I; j++) { dW[i * I + j] += d * hin[b * I + j]!; dIn[b * I + j] += d * W[i * I + j]!; }
    }
    return { dW, db, dE, dIn };
  };
  const L2 = layerBack(dh2, z2, a2, e2, h1, W2, H2, H1);
  const L1 = layerBack(L2.dIn, z1, a1, e1, x, W1, H1, IN);
  const raw = { 'fc1.weight': L1.dW, 'fc1.bias': L1.db, [`efc1.${t}`]: L1.dE, 'fc2.weight': L2.dW, 'fc2.bias': L2.db, [`efc2.${t}`]: L2.dE, [`last.${t}.weight`]: dWh, [`last.${t}.bias`]: dbh };
  // Conditioning: 1 − min(post, pre) for weights (1 − post for the first layer), 1 − post for biases.
  const cond: Record<string, Vec> = {};
  cond['fc1.weight'] = L1.dW.map((v, k) => v * (1 - m.fc1[Math.floor(k / IN)]!));
  cond['fc1.bias'] = L1.db.map((v, i) => v * (1 - m.fc1[i]!));
  cond['fc2.weight'] = L2.dW.map((v, k) => v * (1 - Math.min(m.fc2[Math.floor(k / H1)]!, m.fc1[k % H1]!)));
  cond['fc2.bias'] = L2.db.map((v, i) => v * (1 - m.fc2[i]!));
  for (const n of [`efc1.${t}`, `efc2.${t}`, `last.${t}.weight`, `last.${t}.bias`]) cond[n] = raw[n]!;
  // Embeddings: + c·dR/de, then the compensation; R over both layers against the masks.
  const den = [...m.fc1, ...m.fc2].reduce((s, v) => s + (1 - v), 0);
  const R = ([[a1, m.fc1], [a2, m.fc2]] as const).reduce((s, [a, mm]) => s + a.reduce((q, v, i) => q + v * (1 - mm[i]!), 0), 0) / den;
  const compensate = (e: Vec, dE: Vec, mm: Vec) => e.map((v, i) => {
    const reg = o.c * o.s * sigmoid(o.s * v) * sigmoid(-o.s * v) * (1 - mm[i]!) / den;
    return (dE[i]! + reg) * (o.smax / o.s) * (Math.cosh(Math.min(50, Math.max(-50, o.s * v))) + 1) / (Math.cosh(v) + 1);
  });
  const applied: Record<string, Vec> = { ...cond, [`efc1.${t}`]: compensate(e1, L1.dE, m.fc1), [`efc2.${t}`]: compensate(e2, L2.dE, m.fc2) };
  const norm = Math.sqrt(Object.values(applied).reduce((s, v) => s + v.reduce((q, w) => q + w * w, 0), 0));
  const clipFactor = Math.min(1, o.clip / (norm + 1e-6));
  const after: Record<string, Vec> = {};
  for (const [n, v] of Object.entries(applied)) {
    const next = p[n]!.map((w, i) => w - o.lr * clipFactor * v[i]!);
    after[n] = n.startsWith('e') ? next.map((w) => Math.min(6, Math.max(-6, w))) : next;
  }
  for (const k of Object.keys(g)) delete g[k];
  return { z1, z2, h1, h2, a1, a2, raw, cond, applied, norm, clipFactor, after, loss: ce + o.c * R };
}

test('tapStep: one HAT step (task 2, under task 1\'s masks) equals the float64 reference, every intermediate', async () => {
  const engine = await getEngine();
  const tasks = clusterTasks(2, 5, 64);
  for (const clip of [10000, 0.05]) {
    // Dropout off, so the reference needs no masks of its own.
    const config = smallConfig({ hidden: [12, 10], batch: 16, clipNorm: clip, seed: 4, dropout: false });
    const trainer = createTrainer(engine, tasks, config);
    try {
      // Task 1's embeddings near 0, so its masks σ(smax·e) lie strictly between 0 and 1 and condition task 2.
      const e0 = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7 + k) % 11 - 5) * 0.0015);
      setParameters(trainer.net, { 'efc1.0': e0(12, 1), 'efc2.0': e0(10, 2) });
      await trainer.finishTask(0);
      await trainer.prepareTask(1);
      const data = tasks[1]!.train;
      const B = 16, IN = 16;
      const batch = { images: data.images.subarray(0, B * IN), labels: data.labels.subarray(0, B), size: B, head: 1, data };
      const at = { start: 16, total: 64 };
      const before: Record<string, Float64Array> = {};
      for (const [n, p] of trainer.net.namedParameters()) before[n] = Float64Array.from(await p.float32());
      const masks = { fc1: Float64Array.from(await trainer.net.layers[0]!.prevMask!.float32()), fc2: Float64Array.from(await trainer.net.layers[1]!.prevMask!.float32()) };
      assert.ok(masks.fc1.some((v) => v > 0.05 && v < 0.95), 'the masks are neither 0 nor 1');
      const s = 1 / 400 + (400 - 1 / 400) * at.start / at.total;
      const lr = 0.05;
      const taps = await tapStep(trainer, 1, batch, at, lr);
      const ref = referenceStep(before, masks, Float64Array.from(batch.images), batch.labels, B, { IN, H1: 12, H2: 10, C: 2 }, 1, { s, smax: 400, c: 0.75, lr, clip });
      const what = `clip ${clip}`;
      assert.ok(Math.abs(taps.s - s) < 1e-9, `${what}: s`);
      assertClose(taps.layers[0]!.preActivation!, ref.z1, `${what} fc1 pre-activation`, { rtol: 1e-5, atol: 1e-6 });
      assertClose(taps.layers[1]!.preActivation!, ref.z2, `${what} fc2 pre-activation`, { rtol: 1e-5, atol: 1e-6 });
      assertClose(taps.layers[0]!.gate!, ref.a1, `${what} fc1 gate`, { rtol: 1e-6, atol: 1e-7 });
      assertClose(taps.layers[1]!.output, ref.h2, `${what} fc2 output`, { rtol: 1e-5, atol: 1e-6 });
      for (const [kind, expected] of [['raw', ref.raw], ['conditioned', ref.cond], ['applied', ref.applied]] as const) {
        const got = taps.gradients[kind];
        assert.equal(Object.keys(got).sort(), Object.keys(expected).sort(), `${what}: ${kind} gradients of these parameters`);
        for (const [n, v] of Object.entries(expected)) {
          const scale = Math.max(1e-8, ...Array.from(v, Math.abs));
          assertClose(got[n]!, v, `${what} ${kind} gradient ${n}`, { rtol: 1e-3, atol: 1e-4 * scale });
        }
      }
      assert.ok(Math.abs(taps.gradNorm - ref.norm) <= 1e-4 * ref.norm, `${what}: norm ${taps.gradNorm} vs ${ref.norm}`);
      assert.ok(Math.abs(taps.clipFactor - ref.clipFactor) <= 1e-4 * ref.clipFactor, `${what}: clip factor ${taps.clipFactor} vs ${ref.clipFactor}`);
      if (clip < 1) assert.ok(taps.clipFactor < 1, 'the small clip is active');
      for (const [n, v] of Object.entries(ref.after)) assertClose(taps.parametersAfter[n]!, v, `${what} ${n} after the step`, { rtol: 1e-4, atol: 1e-6 });
      assert.ok(Math.abs(taps.loss - ref.loss) <= 1e-4 * ref.loss, `${what}: logged loss ${taps.loss} vs CE + c·R before the step ${ref.loss}`);
    } finally {
      trainer.dispose();
    }
  }
});

test('tapStep on ResNet-18: every gated unit reported, no pre-activation (batch norm and shortcuts sit before the gate), the step taken', async () => {
  const engine = await getEngine();
  // An 8×8 image (the smallest ResNet-18 takes): random values, two classes.
  const rng = new Rng(6), n = 32, size = 64;
  const split = (count: number) => makeDataset({ images: Float32Array.from({ length: count * size }, () => rng.normal()), labels: Int32Array.from({ length: count }, (_, i) => i % 2), n: count, channels: 1, height: 8, width: 8, classes: 2 });
  const tasks: Task[] = [{ name: 'noise', classes: [0, 1], nClasses: 2, inputShape: [1, 8, 8], train: split(n), valid: split(8), test: split(8) }];
  const trainer = createTrainer(engine, tasks, smallConfig({ net: 'resnet18', width: 4, batch: 8, seed: 2, dropout: false }));
  try {
    await trainer.prepareTask(0);
    const data = tasks[0]!.train;
    const B = 8;
    const batch = { images: data.images.subarray(0, B * size), labels: data.labels.subarray(0, B), size: B, head: 0, data };
    const before = new Map<string, Float32Array>();
    for (const [n, p] of trainer.net.namedParameters()) before.set(n, await p.float32());
    const taps = await tapStep(trainer, 0, batch, { start: 0, total: 32 }, 0.05);
    assert.is(taps.layers.length, trainer.net.layers.length, 'one tap per gated unit');
    for (const layer of taps.layers) {
      assert.is(layer.preActivation, null, `${layer.name}: no pre-activation`);
      assert.ok(layer.output.length > 0 && layer.output.every(Number.isFinite), `${layer.name}: a finite output`);
      assert.ok(layer.gate && layer.gate.every((g) => g > 0 && g < 1), `${layer.name}: gates in (0, 1)`);
    }
    assert.ok(Number.isFinite(taps.loss) && taps.gradNorm > 0, `loss ${taps.loss}, norm ${taps.gradNorm}`);
    const moved = [...before].filter(([n, v]) => taps.parametersAfter[n]!.some((x, i) => x !== v[i]));
    assert.ok(moved.length > 0, 'the step changed parameters');
  } finally {
    trainer.dispose();
  }
});

test.run();
