import { test } from 'uvu';
import { getEngine, randomArray } from '../helpers.ts';
import { gradCheck, spacedArray } from '../reference/loss.ts';
import * as ops from '../../src/ops/elementwise.ts';

const broadcastCases: [number[], number[]][] = [[[7], [7]], [[5, 7], [7]], [[5, 7], [5, 1]], [[5, 7], [1]], [[2, 3, 2, 2], [1, 3, 1, 1]], [[3], [4, 3]]];

test('add, sub, mul, div: gradients with broadcasting match finite differences', async () => {
  const engine = await getEngine();
  for (const [sa, sb] of broadcastCases) {
    const na = sa.reduce((a, b) => a * b, 1), nb = sb.reduce((a, b) => a * b, 1);
    const a = { data: randomArray(na, na, -1, 1), shape: sa };
    const b = { data: randomArray(nb, nb + 7, 0.5, 1.5), shape: sb };
    for (const [name, f] of [['add', ops.add], ['sub', ops.sub], ['mul', ops.mul], ['div', ops.div]] as const) {
      await gradCheck(engine, `${name} [${sa}] [${sb}]`, [a, b], ([x, y]) => f(x!, y!));
    }
  }
});

test('the same tensor on both sides: add(a, a), mul(a, a)', async () => {
  const engine = await getEngine();
  const a = { data: randomArray(9, 3, -1, 1), shape: [3, 3] };
  await gradCheck(engine, 'add(a, a)', [a], ([x]) => ops.add(x!, x!));
  await gradCheck(engine, 'mul(a, a)', [a], ([x]) => ops.mul(x!, x!));
  await gradCheck(engine, 'sub(a, a) + a', [a], ([x]) => ops.add(ops.sub(x!, x!), x!));
});

test('unary ops: relu, sigmoid, tanh, exp, log, neg, square, affine, scale, clamp', async () => {
  const engine = await getEngine();
  for (const n of [1, 7, 65]) {
    const x = { data: spacedArray(n, -2, 2, n).map((v) => v + 0.031), shape: [n] }; // no value within eps of a kink
    const pos = { data: spacedArray(n, 0.5, 2, n), shape: [n] };
    await gradCheck(engine, `relu ${n}`, [x], ([t]) => ops.relu(t!));
    await gradCheck(engine, `sigmoid ${n}`, [x], ([t]) => ops.sigmoid(t!));
    await gradCheck(engine, `tanh ${n}`, [x], ([t]) => ops.tanh(t!));
    await gradCheck(engine, `exp ${n}`, [x], ([t]) => ops.exp(t!));
    await gradCheck(engine, `log ${n}`, [pos], ([t]) => ops.log(t!));
    await gradCheck(engine, `neg ${n}`, [x], ([t]) => ops.neg(t!));
    await gradCheck(engine, `square ${n}`, [x], ([t]) => ops.square(t!));
    await gradCheck(engine, `affine ${n}`, [x], ([t]) => ops.affine(t!, -1.5, 0.25));
    await gradCheck(engine, `scale ${n}`, [x], ([t]) => ops.scale(t!, 3));
    await gradCheck(engine, `clamp ${n}`, [x], ([t]) => ops.clamp(t!, -0.93, 1.1));
  }
});

test.run();
