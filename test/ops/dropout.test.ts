import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray } from '../helpers.ts';
import { gradCheck } from '../reference/loss.ts';
import { dropout } from '../../src/ops/dropout.ts';
import { dropoutKeep, dropoutSeed } from '../../src/kernels/dropout.ts';
import { tensor, tidy } from '../../src/tensor.ts';
import { backward, parameter } from '../../src/autograd.ts';
import { mul } from '../../src/ops/elementwise.ts';
import { sum } from '../../src/ops/reduce.ts';

test('dropout backward uses the forward mask (finite differences, fixed seed)', async () => {
  const engine = await getEngine();
  for (const n of [1, 7, 65, 257]) {
    for (const p of [0, 0.2, 0.5]) {
      await gradCheck(engine, `dropout ${n} p ${p}`, [{ data: randomArray(n, n, -1, 1), shape: [n] }], ([t]) => dropout(t!, p, 99));
    }
  }
});

test('gradient is g/(1-p) exactly where the forward kept, 0 elsewhere', async () => {
  const engine = await getEngine();
  const n = 1000, p = 0.5, seed = dropoutSeed(3, 17, 1);
  const x = parameter(tensor(engine, randomArray(n, 1, 1, 2), [n]));
  const w = randomArray(n, 2, 1, 2);
  const y = tidy(() => {
    const out = dropout(x, p, seed);
    backward(sum(mul(out, tensor(engine, w, [n]))));
    return out;
  });
  const ys = await y.float32(), gs = await x.grad!.float32();
  for (let i = 0; i < n; i++) {
    const keep = dropoutKeep(seed, i, p);
    assert.is(ys[i] !== 0, keep);
    assert.is(gs[i], keep ? Math.fround(Math.fround(w[i]!) * 2) : 0);
  }
  x.dispose(); y.dispose();
});

test.run();
