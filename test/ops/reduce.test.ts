import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine } from '../helpers.ts';
import { gradCheck, spacedArray } from '../reference/loss.ts';
import { sum, mean, max } from '../../src/ops/reduce.ts';
import { tensor } from '../../src/tensor.ts';

const cases: [number[], number[] | undefined][] = [[[7], undefined], [[5, 7], undefined], [[5, 7], [0]], [[5, 7], [1]], [[2, 3, 2, 2], [0, 2, 3]], [[2, 3, 2, 2], [1, 3]], [[3, 4], [0, 1]]];

test('sum, mean, max (global and over axes, keepDims or not): gradients match finite differences', async () => {
  const engine = await getEngine();
  for (const [shape, axes] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = { data: spacedArray(n, -2, 2, n), shape };
    for (const keep of [false, true]) {
      await gradCheck(engine, `sum ${shape} ${axes} ${keep}`, [x], ([t]) => sum(t!, axes, keep));
      await gradCheck(engine, `mean ${shape} ${axes} ${keep}`, [x], ([t]) => mean(t!, axes, keep));
      await gradCheck(engine, `max ${shape} ${axes} ${keep}`, [x], ([t]) => max(t!, axes, keep));
    }
  }
});

test('result shapes: global → [1], axes drop or keep', async () => {
  const engine = await getEngine();
  const t = tensor(engine, new Float32Array(24), [2, 3, 4]);
  assert.equal(sum(t).shape, [1]);
  assert.equal(sum(t, undefined, true).shape, [1, 1, 1]);
  assert.equal(mean(t, 1).shape, [2, 4]);
  assert.equal(max(t, [0, 2], true).shape, [1, 3, 1]);
  assert.equal(sum(t, -1).shape, [2, 3]);
  t.dispose();
});

test.run();
