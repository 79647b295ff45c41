// The engine's end-to-end check: a small MLP (linear → ReLU → linear) trained a few hundred
// SGD steps on a synthetic 4-class problem reaches a stated loss and accuracy, one submit per step.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine } from '../helpers.ts';
import { tensor, tidy } from '../../src/tensor.ts';
import { parameter, backward } from '../../src/autograd.ts';
import { linear } from '../../src/ops/linear.ts';
import { softmaxCrossEntropy, countCorrect } from '../../src/ops/loss.ts';
import { SGD } from '../../src/train/optimizer.ts';
import { Rng } from '../../src/data/rng.ts';

test('a 20-64-4 MLP trained 300 SGD steps on separable data reaches loss < 0.05 and 100 % accuracy', async () => {
  const engine = await getEngine();
  const rng = new Rng(3);
  const [IN, HID, OUT, B] = [20, 64, 4, 32];
  const centres = Array.from({ length: OUT }, () => Float32Array.from({ length: IN }, () => 2 * rng.normal()));
  const batch = () => {
    const x = new Float32Array(B * IN), y = new Int32Array(B);
    for (let i = 0; i < B; i++) {
      y[i] = rng.int(OUT);
      for (let j = 0; j < IN; j++) x[i * IN + j] = centres[y[i]!]![j]! + 0.5 * rng.normal();
    }
    return { x: tensor(engine, x, [B, IN]), y: tensor(engine, y, [B], 'i32') };
  };
  const init = (n: number, fan: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1) / Math.sqrt(fan));
  const w1 = parameter(tensor(engine, init(HID * IN, IN), [HID, IN])), b1 = parameter(tensor(engine, init(HID, IN), [HID]));
  const w2 = parameter(tensor(engine, init(OUT * HID, HID), [OUT, HID])), b2 = parameter(tensor(engine, init(OUT, HID), [OUT]));
  const opt = new SGD(engine, [w1, b1, w2, b2], { lr: 0.1, clipNorm: 10000 });
  const submitsBefore = engine.stats().submits;
  let last = Infinity;
  for (let step = 0; step < 300; step++) {
    const loss = tidy(() => {
      const { x, y } = batch();
      const l = softmaxCrossEntropy(linear(linear(x, w1, b1, { relu: true }), w2, b2), y);
      backward(l);
      opt.step();
      opt.zeroGrad();
      return l;
    });
    if (step % 50 === 49) last = await loss.item(); else await engine.submit();
    loss.dispose();
  }
  assert.ok(last < 0.05, `loss after 300 steps is ${last}, expected < 0.05`);
  // Roughly one submit per step (plus the readbacks): the step is recorded and submitted once.
  assert.ok(engine.stats().submits - submitsBefore <= 300 + 6 * 2, `${engine.stats().submits - submitsBefore} submits for 300 steps`);
  const { x, y } = batch();
  const correct = tidy(() => countCorrect(linear(linear(x, w1, b1, { relu: true }), w2, b2), y));
  assert.is(await correct.item(), B);
  for (const t of [x, y, correct, w1, b1, w2, b2]) t.dispose();
  opt.dispose();
});

test.run();
