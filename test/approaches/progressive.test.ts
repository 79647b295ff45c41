// Progressive networks: the forward and the lateral adapters' gradients against a float64 reference,
// the reference's parameter budget, frozen earlier columns (their tasks never forget) and end-to-end runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, getEngine, randomArray } from '../helpers.ts';
import { tensor, tidy } from '../../src/tensor.ts';
import { backward } from '../../src/autograd.ts';
import { softmaxCrossEntropy } from '../../src/ops/loss.ts';
import { makeDataset } from '../../src/data/dataset.ts';
import type { Task } from '../../src/data/task.ts';
import { Rng } from '../../src/data/rng.ts';
import { referenceParameterCount, type NetworkConfig } from '../../src/nn/network.ts';
import { Trainer } from '../../src/train/trainer.ts';
import type { TrainerSnapshot } from '../../src/train/state.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import { ProgressiveNetwork, progressiveParameterCount, progressiveWidth } from '../../src/nn/progressive-network.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';

type Params = Map<string, Float64Array>;

/** y = x·Wᵀ + b for x [B, in] (row-major), W [out, in]. */
function dense(x: Float64Array, batch: number, w: Float64Array, b: Float64Array): Float64Array {
  const out = b.length, inF = w.length / out;
  const y = new Float64Array(batch * out);
  for (let r = 0; r < batch; r++) {
    for (let o = 0; o < out; o++) {
      let s = b[o]!;
      for (let i = 0; i < inF; i++) s += x[r * inF + i]! * w[o * inF + i]!;
      y[r * out + o] = s;
    }
  }
  return y;
}

const reluOf = (a: Float64Array) => a.map((v) => Math.max(0, v));
const plus = (a: Float64Array, b: Float64Array) => a.map((v, i) => v + b[i]!);

/** U(ReLU?(Σ_j V_j(α_j h_j) + b_V)) + b_U, written as the reference does: V over the concatenation. */
function lateralRef(p: Params, prefix: string, sources: Float64Array[], batch: number, withRelu: boolean): Float64Array {
  const alpha = p.get(`${prefix}.alpha`)!;
  const f = sources[0]!.length / batch, t = sources.length;
  const concat = new Float64Array(batch * t * f);
  const vConcat = new Float64Array(f * t * f);
  for (let j = 0; j < t; j++) {
    const vj = p.get(`${prefix}.V${j}.weight`)!;
    for (let r = 0; r < batch; r++) for (let i = 0; i < f; i++) concat[r * t * f + j * f + i] = alpha[j]! * sources[j]![r * f + i]!;
    for (let o = 0; o < f; o++) for (let i = 0; i < f; i++) vConcat[o * t * f + j * f + i] = vj[o * f + i]!;
  }
  let v = dense(concat, batch, vConcat, p.get(`${prefix}.V.bias`)!);
  if (withRelu) v = reluOf(v);
  return dense(v, batch, p.get(`${prefix}.U.weight`)!, p.get(`${prefix}.U.bias`)!);
}

/** The float64 progressive MLP (no dropout): logits of head `task`. */
function forwardRef(p: Params, layers: string[], x: Float64Array, batch: number, task: number, earlierLaterals: boolean): Float64Array {
  let h = Array.from({ length: task + 1 }, () => x);
  layers.forEach((name, l) => {
    h = h.map((hj, j) => {
      let pre = dense(hj, batch, p.get(`col${j}.${name}.weight`)!, p.get(`col${j}.${name}.bias`)!);
      if (l > 0 && j > 0 && (j === task || earlierLaterals)) pre = plus(pre, lateralRef(p, `col${j}.lat.${name}`, h.slice(0, j), batch, true));
      return reluOf(pre);
    });
  });
  let logits = dense(h[task]!, batch, p.get(`last.${task}.weight`)!, p.get(`last.${task}.bias`)!);
  if (task > 0) logits = plus(logits, lateralRef(p, `col${task}.lat.last`, h.slice(0, task), batch, false));
  return logits;
}

function crossEntropyRef(logits: Float64Array, labels: Int32Array): number {
  const batch = labels.length, n = logits.length / batch;
  let total = 0;
  for (let r = 0; r < batch; r++) {
    const row = logits.subarray(r * n, (r + 1) * n);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    total += lse - row[labels[r]!]!;
  }
  return total / batch;
}

const tinyConfig: NetworkConfig = { kind: 'mlp', inputShape: [1, 2, 3], classesPerTask: [2, 3, 2], hidden: [5, 4], gated: false, seed: 7 };

test('forward of a 3-column MLP matches the float64 reference, with and without laterals in earlier columns', async () => {
  const engine = await getEngine();
  const batch = 5;
  const xData = Float32Array.from(randomArray(batch * 6, 11));
  for (const earlierLaterals of [false, true]) {
    const net = new ProgressiveNetwork(engine, tinyConfig, { width: 5, earlierLaterals });
    try {
      assert.equal(net.columnSpec.map((l) => l.units), [5, 4]);
      const p: Params = new Map();
      for (const [name, t] of net.namedParameters()) p.set(name, Float64Array.from(await t.float32()));
      for (let task = 0; task < 3; task++) {
        const logits = tidy(() => net.forward(tensor(engine, xData, [batch, 1, 2, 3]), { task, s: 1, training: false, step: 0, fused: true }).keep());
        const expected = forwardRef(p, ['fc1', 'fc2'], Float64Array.from(xData), batch, task, earlierLaterals);
        assertClose(await logits.float32(), expected, `task ${task} logits (earlierLaterals ${earlierLaterals})`, { rtol: 1e-4, atol: 1e-5 });
        logits.dispose();
      }
    } finally {
      net.dispose();
    }
  }
});

test('gradients of column 2 (laterals α, V, U and its own layers) match finite differences of the reference', async () => {
  const engine = await getEngine();
  const batch = 6;
  const xData = Float32Array.from(randomArray(batch * 6, 12));
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 2);
  const net = new ProgressiveNetwork(engine, tinyConfig, { width: 5 });
  try {
    net.trainOnlyColumn(2);
    tidy(() => {
      const logits = net.forward(tensor(engine, xData, [batch, 1, 2, 3]), { task: 2, s: 1, training: false, step: 0, fused: true });
      backward(softmaxCrossEntropy(logits, tensor(engine, labels, [batch], 'i32')));
    });
    const p: Params = new Map();
    for (const [name, t] of net.namedParameters()) p.set(name, Float64Array.from(await t.float32()));
    const loss = () => crossEntropyRef(forwardRef(p, ['fc1', 'fc2'], Float64Array.from(xData), batch, 2, false), labels);
    let checked = 0;
    for (const [name, t] of net.namedParameters()) {
      if (!name.startsWith('col2.') && name !== 'last.2.weight' && name !== 'last.2.bias') {
        assert.is(t.grad, null, `${name} is frozen but got a gradient`);
        continue;
      }
      assert.ok(t.grad, `${name} got no gradient`);
      const values = p.get(name)!;
      const fd = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        values[i] = v + 1e-6; const up = loss();
        values[i] = v - 1e-6; const down = loss();
        values[i] = v;
        fd[i] = (up - down) / 2e-6;
      }
      assertClose(await t.grad!.float32(), fd, `d loss / d ${name}`, { rtol: 2e-3, atol: 2e-5 });
      checked++;
    }
    // fc1, fc2 (weight, bias), fc2's and the head's laterals (α, V0, V1, V.bias, U, U.bias), head 2.
    assert.is(checked, 4 + 12 + 2);
    for (const [, t] of net.namedParameters()) { t.grad?.dispose(); t.grad = null; }
  } finally {
    net.dispose();
  }
});

test('the whole network has the HAT network\'s parameters within 2 % (split-MNIST MLP, AlexNet on 10 tasks)', async () => {
  const engine = await getEngine();
  const mnist: NetworkConfig = { kind: 'mlp', inputShape: [1, 28, 28], classesPerTask: [2, 2, 2, 2, 2], hidden: [2000, 2000], gated: false, seed: 0 };
  const cifar: NetworkConfig = { kind: 'alexnet', inputShape: [3, 32, 32], classesPerTask: Array(10).fill(10), gated: false, seed: 0 };
  for (const config of [mnist, cifar]) {
    const width = progressiveWidth(config);
    const count = progressiveParameterCount(config, width);
    const target = referenceParameterCount(config);
    assert.ok(Math.abs(count / target - 1) < 0.02, `${config.kind}: ${count} parameters for a budget of ${target}`);
    const net = new ProgressiveNetwork(engine, config);
    try {
      assert.is(net.parameterCount(), count);
      if (config.kind === 'mlp') assert.ok(width >= 370 && width <= 380, `split-MNIST columns of ${width} units`);
      else assert.equal(net.columnSpec.map((l) => l.units), [7, 14, 28, 226, 226]); // the reference: 7, 14, 28, 228
    } finally {
      net.dispose();
    }
  }
});

test('trainer run: every task well above chance, earlier columns bit-identical and their accuracies unchanged', async () => {
  const engine = await getEngine();
  const trainer = createTrainer(engine, clusterTasks(3), smallConfig({ approach: 'progressive', epochs: 4 }));
  try {
    const net = trainer.net as ProgressiveNetwork;
    const columnNames = (t: number) => net.namedParameters().map(([n]) => n).filter((n) => n.startsWith(`col${t}.`) || n.startsWith(`last.${t}.`));
    const afterTask: TrainerSnapshot['tensors'][] = [];
    const result = await trainer.run({}, {
      checkpoint: (s) => { if (!s.state.inTask && s.state.task > 0) afterTask[s.state.task - 1] = s.tensors; },
    });
    assert.is(afterTask.length, 3);
    for (let t = 0; t < 2; t++) {
      for (const name of columnNames(t)) {
        for (let later = t + 1; later < 3; later++) {
          assert.equal(Array.from(afterTask[later]!.get(name)!.data), Array.from(afterTask[t]!.get(name)!.data), `${name} changed while task ${later} trained`);
        }
      }
    }
    // Every column trained (its layers moved from their initialisation).
    const fresh = new ProgressiveNetwork(engine, net.config);
    try {
      const init = new Map(fresh.namedParameters());
      for (let t = 0; t < 3; t++) {
        const w = `col${t}.fc1.weight`;
        assert.not.equal(Array.from(afterTask[t]!.get(w)!.data), Array.from(await init.get(w)!.float32()), `${w} never trained`);
      }
    } finally {
      fresh.dispose();
    }
    for (let t = 0; t < 3; t++) {
      assert.ok(result.accuracy[t]![t]! > 0.8, `task ${t}: accuracy ${result.accuracy[t]![t]}`);
      for (let later = t + 1; later < 3; later++) assert.is(result.accuracy[later]![t], result.accuracy[t]![t], `task ${t}'s accuracy changed after task ${later}`);
    }
  } finally {
    trainer.dispose();
  }
});

/** A small random 3×32×32 task (noise around per-class means, so it can be learned a little). */
function imageTask(name: string, seed: number, classes = 3): Task {
  const rng = new Rng(seed);
  const d = 3 * 32 * 32;
  const means = Array.from({ length: classes }, () => Float32Array.from({ length: d }, () => rng.normal()));
  const set = (n: number) => {
    const images = new Float32Array(n * d), labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % classes;
      for (let k = 0; k < d; k++) images[i * d + k] = means[i % classes]![k]! + rng.normal();
    }
    return makeDataset({ images, labels, n, channels: 3, height: 32, width: 32, classes });
  };
  return { name, classes: Array.from({ length: classes }, (_, i) => i), nClasses: classes, inputShape: [3, 32, 32], train: set(48), valid: set(12), test: set(24) };
}

test('alexnet: two columns train end to end; conv laterals and the flatten pass gradients; column 0 stays fixed', async () => {
  const engine = await getEngine();
  const trainer = createTrainer(engine, [imageTask('a', 1), imageTask('b', 2)], smallConfig({ approach: 'progressive', net: 'alexnet', epochs: 1, batch: 16 }));
  try {
    const net = trainer.net as ProgressiveNetwork;
    const params = new Map(net.namedParameters());
    const read = async (n: string) => Array.from(await params.get(n)!.float32());
    const watched = ['col0.c1.weight', 'col1.c1.weight', 'col1.lat.c2.alpha', 'col1.lat.c2.V0.weight', 'col1.lat.c3.U.weight', 'col1.lat.fc1.V0.weight', 'col1.lat.last.U.weight'];
    const before = new Map(await Promise.all(watched.map(async (n) => [n, await read(n)] as const)));
    await trainer.trainTask(0);
    const col0 = await read('col0.c1.weight');
    assert.not.equal(col0, before.get('col0.c1.weight'), 'column 0\'s first conv trained (gradients pass the flatten)');
    await trainer.trainTask(1);
    assert.equal(await read('col0.c1.weight'), col0, 'column 0 changed while task 1 trained');
    for (const n of watched.slice(1)) assert.not.equal(await read(n), before.get(n), `${n} did not train`);
    for (let t = 0; t < 2; t++) {
      const r = await trainer.evaluate(t, trainer.tasks[t]!.test);
      assert.ok(Number.isFinite(r.loss) && r.accuracy >= 0 && r.accuracy <= 1);
    }
  } finally {
    trainer.dispose();
  }
});

test.run();
