// Progressive networks' lateral scaling (shaders/lateral_scale*.wgsl) against float64: alpha[j]·x, its
// gradients into x and into entry j of alpha, odd sizes, grids past 65,535 workgroups, bad entries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, getEngine, randomArray, upload } from '../helpers.ts';
import { lateralScale, lateralScaleAlphaGrad } from '../../src/kernels/lateral.ts';
import { scaleByEntry } from '../../src/ops/continual.ts';
import { backward, parameter } from '../../src/autograd.ts';
import { sum } from '../../src/ops/reduce.ts';
import { mul } from '../../src/ops/elementwise.ts';
import { tidy } from '../../src/tensor.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

test('lateralScale: alpha[j]·x and the alpha gradient Σ dy·x at entry j, odd sizes', async () => {
  const engine = await getEngine();
  for (const n of [1, 7, 63, 65, 257, 4099]) for (const [t, j] of [[1, 0], [3, 2], [4, 1]] as const) {
    const x = f32(randomArray(n, n, -2, 2)), dy = f32(randomArray(n, n + 7, -1, 1)), alpha = f32(randomArray(t, t + n, -1.5, 1.5));
    const tx = upload(engine, x, [n]), tdy = upload(engine, dy, [n]), ta = upload(engine, alpha, [t]);
    const y = lateralScale(tx, ta, j);
    assertClose(await y.float32(), Float64Array.from(x, (v) => Math.fround(alpha[j]! * v)), `y n${n} t${t} j${j}`, { rtol: 0, atol: 0 });
    const g = lateralScaleAlphaGrad(tdy, tx, ta, j);
    let dot = 0;
    for (let i = 0; i < n; i++) dot += dy[i]! * x[i]!;
    const expected = Array.from({ length: t }, (_, u) => (u === j ? dot : 0));
    assertClose(await g.float32(), expected, `dalpha n${n} t${t} j${j}`, { rtol: 1e-5, atol: 1e-5 });
    for (const d of [tx, tdy, ta, y, g]) d.dispose();
  }
});

test('lateralScale past 65,535 workgroups: every element scaled, every product summed once', async () => {
  const engine = await getEngine();
  const n = 256 * 65600 + 3;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (i % 5) - 2; // sums to an exactly representable integer
  const tx = upload(engine, x, [n]), ta = upload(engine, [0.5, -2], [2]);
  const y = await lateralScale(tx, ta, 1).float32();
  let wrong = 0;
  for (let i = 0; i < n; i++) if (y[i] !== -2 * x[i]!) wrong++;
  assert.is(wrong, 0, `${wrong} of ${n} elements wrong`);
  const ones = upload(engine, new Float32Array(n).fill(1), [n]);
  const [dot0, dot1] = await lateralScaleAlphaGrad(ones, tx, ta, 0).float32();
  let expected = 0;
  for (let i = 0; i < n; i++) expected += x[i]!;
  assert.is(dot0, expected);
  assert.is(dot1, 0);
  for (const d of [tx, ta, ones]) d.dispose();
});

test('scaleByEntry: gradients equal those of mul(x, alpha·one-hot summed), the ops it replaces', async () => {
  const engine = await getEngine();
  const xs = f32(randomArray(5 * 13, 3)), as = f32(randomArray(3, 4)), cs = f32(randomArray(5 * 13, 5));
  const grads = async (fused: boolean) => {
    const x = parameter(upload(engine, xs, [5, 13])), alpha = parameter(upload(engine, as, [3])), c = upload(engine, cs, [5, 13]);
    tidy(() => {
      const scaled = fused ? scaleByEntry(x, alpha, 2) : mul(x, sum(mul(alpha, upload(engine, [0, 0, 1], [3]))));
      backward(sum(mul(scaled, c)));
    });
    const out = { x: Array.from(await x.grad!.float32()), alpha: Array.from(await alpha.grad!.float32()) };
    x.dispose(); alpha.dispose(); c.dispose();
    return out;
  };
  const [fused, composed] = [await grads(true), await grads(false)];
  assertClose(fused.x, composed.x, 'dx', { rtol: 0, atol: 0 });
  assertClose(fused.alpha, composed.alpha, 'dalpha', { rtol: 1e-6, atol: 1e-6 });
});

test('lateralScale: an entry outside alpha, or alpha not a vector, is a named error', async () => {
  const engine = await getEngine();
  const x = upload(engine, [1, 2], [2]), a = upload(engine, [1, 2], [2]), m = upload(engine, [1, 2], [1, 2]);
  assert.throws(() => lateralScale(x, a, 2), /lateralScale.*entry 2 is outside alpha \[2\]/);
  assert.throws(() => lateralScale(x, m, 0), /lateralScale.*alpha must be a vector/);
  assert.throws(() => lateralScaleAlphaGrad(upload(engine, [1], [1]), x, a, 0), /lateralScaleAlphaGrad.*differ in size/);
  for (const d of [x, a, m]) d.dispose();
});

// The declared kernels over their sweeps (1, 7, 63, 65, 257, … elements, a grid past 65,535 workgroups).
test('lateral-scale and lateral-scale-grad-partials agree with float64 over their sweeps (checkKernel)', async () => {
  const engine = await getEngine();
  await assertKernel(engine, 'lateral-scale');
  await assertKernel(engine, 'lateral-scale-grad-partials', { seeds: [1, 2] });
});

test.run();
