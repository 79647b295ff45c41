import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose } from '../helpers.ts';
import { reduce, sumAll, meanAll, maxAll, sumOverRows, sumOverCols, sumPerChannel, sumToShape, broadcastGrad, planStage, dispatchStage, REDUCE_SPECS, type ReduceOp } from '../../src/kernels/reduce.ts';
import { reduceRef, absSumRef, sumToShapeRef } from '../reference/reduce.ts';
import { fill } from '../../src/kernels/elementwise.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

const SIZES = [1, 7, 63, 65, 257, 4097, 100_003];

function tol(op: ReduceOp, abs: Float64Array) {
  // Float32 accumulation: error grows with the sum of magnitudes.
  return (actual: ArrayLike<number>, expected: Float64Array, what: string) => {
    for (let i = 0; i < expected.length; i++) {
      const bound = op === 'max' ? 0 : 2e-6 * abs[i]! + 1e-6;
      const err = Math.abs(actual[i]! - expected[i]!);
      if (!(err <= bound * (op === 'mean' ? 1 : 1) + (op === 'max' ? 0 : 0))) {
        throw new Error(`${what}: at ${i} got ${actual[i]}, expected ${expected[i]} (bound ${bound})`);
      }
    }
  };
}

test('global sum, mean, max match float64 at odd sizes', async () => {
  const engine = await getEngine();
  for (const n of SIZES) {
    const x = Float32Array.from(randomArray(n, n, -2, 3));
    const t = upload(engine, x, [n]);
    for (const op of ['sum', 'mean', 'max'] as const) {
      const y = op === 'sum' ? sumAll(t) : op === 'mean' ? meanAll(t) : maxAll(t);
      const exp = reduceRef(op, x, [n], [0]);
      const abs = absSumRef(x, [n], [0]);
      if (op === 'mean') abs[0]! /= n;
      tol(op, abs)(await y.float32(), exp, `${op} ${n}`);
      y.dispose();
    }
    t.dispose();
  }
});

test('rows, columns and NCHW channels, every kernel variant', async () => {
  const engine = await getEngine();
  const shapes2: [number, number][] = [[1, 1], [7, 63], [65, 7], [257, 3], [3, 257], [64, 2000], [5000, 9], [9, 5000], [2, 70000]];
  for (const [m, n] of shapes2) {
    const x = Float32Array.from(randomArray(m * n, m + n, -1, 1));
    const t = upload(engine, x, [m, n]);
    for (const op of ['sum', 'mean', 'max'] as const) {
      const r = sumOverRows(t, op), c = sumOverCols(t, op);
      tol(op, absSumRef(x, [m, n], [0]).map((v) => (op === 'mean' ? v / m : v)))(await r.float32(), reduceRef(op, x, [m, n], [0]), `${op} over rows ${m}x${n}`);
      tol(op, absSumRef(x, [m, n], [1]).map((v) => (op === 'mean' ? v / n : v)))(await c.float32(), reduceRef(op, x, [m, n], [1]), `${op} over cols ${m}x${n}`);
      r.dispose(); c.dispose();
    }
    t.dispose();
  }
  for (const shape of [[2, 3, 4, 5], [64, 64, 29, 29], [1, 7, 1, 1], [3, 300, 2, 2], [65, 1, 7, 9]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from(randomArray(n, n, -1, 1));
    const t = upload(engine, x, shape);
    for (const op of ['sum', 'max'] as const) {
      const y = sumPerChannel(t, op);
      tol(op, absSumRef(x, shape, [0, 2, 3]))(await y.float32(), reduceRef(op, x, shape, [0, 2, 3]), `${op} per channel ${shape}`);
      y.dispose();
    }
    t.dispose();
  }
});

test('any axis set of a 4-D tensor, including multi-pass patterns, keepDims shapes', async () => {
  const engine = await getEngine();
  const shape = [3, 5, 4, 6];
  const n = 360;
  const x = Float32Array.from(randomArray(n, 9, -1, 1));
  const t = upload(engine, x, shape);
  const subsets: number[][] = [];
  for (let m = 1; m < 16; m++) subsets.push([0, 1, 2, 3].filter((i) => m & (1 << i)));
  for (const axes of subsets) {
    for (const op of ['sum', 'mean', 'max'] as const) {
      const y = reduce(op, t, axes, true);
      assert.equal(y.shape, shape.map((d, i) => (axes.includes(i) ? 1 : d)));
      assertClose(await y.float32(), reduceRef(op, x, shape, axes), `${op} axes ${axes}`, { rtol: 1e-5, atol: 1e-5 });
      y.dispose();
    }
  }
  t.dispose();
});

test('two-stage sums past 65,535 workgroups; deterministic bit for bit', async () => {
  const engine = await getEngine();
  const n = (1 << 24) - 3; // 4,096 partials, then more stages (exact in float32)
  const plan = planStage({ O: 1, A: 1, K: 1, C: n });
  assert.ok(plan.P >= 4096, `P ${plan.P}`);
  const ones = fill(engine, [n], 1);
  const a = sumAll(ones), b = sumAll(ones);
  const va = await a.item(), vb = await b.item();
  assert.is(va, n);
  assert.is(va, vb);
  // Many outputs (per_thread), more than 65,535 workgroups of 64.
  const rows = 2, cols = 64 * 70_000 + 3;
  const t = fill(engine, [rows, cols], 0.5);
  const r = sumOverRows(t);
  const d = await r.float32();
  let wrong = 0;
  for (let i = 0; i < cols; i++) if (d[i] !== 1) wrong++;
  assert.is(wrong, 0);
  for (const u of [ones, a, b, t, r]) u.dispose();
  // The tree kernel on a folded grid: 70,001 one-element chunks (more than 65,535 workgroups).
  const m = 70_001;
  const xs = Float32Array.from(randomArray(m, 11));
  const xt = upload(engine, xs, [m]);
  const part = fill(engine, [m], -1);
  dispatchStage(engine, REDUCE_SPECS.sum, { O: 1, A: 1, K: 1, C: m }, { variant: 'tree', P: m, chunk: 1 }, xt.buffer, part.buffer, 0, false, 1, 'folded');
  assertClose(await part.float32(), xs, 'tree on a folded grid', { rtol: 0, atol: 0 });
  xt.dispose(); part.dispose();
  // Random data twice: same bits.
  const x = upload(engine, Float32Array.from(randomArray(1_000_003, 5)), [1_000_003]);
  const s1 = await sumAll(x).item(), s2 = await sumAll(x).item();
  assert.is(s1, s2);
  x.dispose();
});

test('sumToShape reduces broadcasts back (bias, column, scalar, per-channel, middle axis)', async () => {
  const engine = await getEngine();
  const cases: [number[], number[]][] = [[[7, 63], [63]], [[7, 63], [7, 1]], [[7, 63], [1]], [[7, 63], []], [[4, 3, 5, 5], [1, 3, 1, 1]], [[4, 3, 5], [4, 1, 5]], [[65, 257], [65, 257]], [[2, 3, 4, 5], [3, 1, 5]]];
  for (const [shape, target] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from(randomArray(n, n + target.length, -1, 1));
    const t = upload(engine, x, shape);
    const y = sumToShape(t, target);
    assert.equal(y.shape, target);
    assertClose(await y.float32(), sumToShapeRef(x, shape, target), `sumToShape ${shape} → ${target}`, { rtol: 1e-5, atol: 1e-5 });
    t.dispose(); y.dispose();
  }
});

test('broadcastGrad spreads g (scaled) and routes max gradients to the maxima', async () => {
  const engine = await getEngine();
  const shape = [5, 7];
  const x = Float32Array.from(randomArray(35, 3));
  const t = upload(engine, x, shape);
  const m = reduce('max', t, 1, true);
  const g = upload(engine, [1, 2, 3, 4, 5], [5, 1]);
  const dx = broadcastGrad(g, shape, [1], 0.5, { x: t, y: m });
  const dxs = await dx.float32();
  const mx = reduceRef('max', x, shape, [1]);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 7; j++) assert.is(dxs[i * 7 + j], x[i * 7 + j] === Math.fround(mx[i]!) ? 0.5 * (i + 1) : 0);
  const plain = broadcastGrad(g, shape, [1], 2);
  const ps = await plain.float32();
  for (let i = 0; i < 35; i++) assert.is(ps[i], 2 * (Math.floor(i / 7) + 1));
  for (const u of [t, m, g, dx, plain]) u.dispose();
});

// One stage of each kind over its sweep (tree and per_thread, partials and outputs, an offset, every named
// reduction, a grid past 65,535 workgroups), outputs pre-filled and guarded.
test('reduce-stage and reduce-broadcast agree with float64 over its sweep (checkKernel)', async () => {
  await assertKernel(await getEngine(), 'reduce-stage', { seeds: [1, 2] });
  await assertKernel(await getEngine(), 'reduce-broadcast', { seeds: [1, 2] });
});

test.run();
