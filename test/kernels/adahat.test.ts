// AdaHAT's kernels, fused and unfused, against a float64 reference: the adaptive adjustment of weight
// gradients (linear with and without a pre layer, a flattened conv's pixels, a conv kernel, a bias; the
// sparsity read from the GPU or taken as 0) and the summative mask update. The adjustment is a transform
// of a gradient, not the gradient of a function, so there is no finite difference to hold it to here;
// test/approaches/adahat.test.ts checks by finite differences that the gradient it transforms is the
// loss's own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose } from '../helpers.ts';
import { adahatAdjust, adahatAdjustUnfused, adahatSummativeUpdate, adahatSummativeUpdateUnfused } from '../../src/kernels/adahat.ts';
import { adahatAdjustRef } from '../../src/kernels/reference/adahat.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';
import { liveTensorCount, type Tensor } from '../../src/tensor.ts';

/** Summative masks: integer task counts, 0 included (a unit no task uses keeps its whole gradient). */
function summative(n: number, seed: number, tasks: number): Float32Array {
  return Float32Array.from(randomArray(n, seed, 0, tasks + 1), (v) => Math.floor(v));
}

interface Case { what: string; shape: number[]; pre: number | null; alpha: number; epsilon: number; sparsity: number | null }

const CASES: Case[] = [
  { what: 'linear fc2 [37, 53] (pre 53)', shape: [37, 53], pre: 53, alpha: 1e-6, epsilon: 0.1, sparsity: 0.37 },
  { what: 'first layer [29, 784] (no pre)', shape: [29, 784], pre: null, alpha: 1e-6, epsilon: 0.1, sparsity: 0.05 },
  { what: 'flattened conv fc1 [17, 6·9] (pre 6 channels × 9 pixels)', shape: [17, 54], pre: 6, alpha: 0.5, epsilon: 0.1, sparsity: 0.8 },
  { what: 'conv kernel [8, 5, 3, 3]', shape: [8, 5, 3, 3], pre: 5, alpha: 0.01, epsilon: 0.2, sparsity: 0.2 },
  { what: 'bias [300]', shape: [300], pre: null, alpha: 1e-6, epsilon: 0.1, sparsity: 0.6 },
  { what: 'sparsity 0 (few free units) [33, 65]', shape: [33, 65], pre: 65, alpha: 1, epsilon: 0.1, sparsity: null },
];

for (const c of CASES) {
  test(`adahat adjust, fused and unfused vs float64: ${c.what}`, async () => {
    const engine = await getEngine();
    const before = liveTensorCount();
    const size = c.shape.reduce((a, b) => a * b, 1);
    const g = Float32Array.from(randomArray(size, size + 3, -2, 2));
    const post = summative(c.shape[0]!, 5, 4), pre = c.pre ? summative(c.pre, 7, 4) : null;
    const expected = adahatAdjustRef(g, c.shape[0]!, post, pre, c.alpha, c.epsilon, c.sparsity ?? 0);
    const tPost = upload(engine, post, [post.length]), tPre = pre ? upload(engine, pre, [pre.length]) : null;
    const tSparsity = c.sparsity === null ? null : upload(engine, [c.sparsity], [1]);
    const rate = { alpha: c.alpha, epsilon: c.epsilon, sparsity: tSparsity };
    const grad = upload(engine, g, c.shape);
    const unfused = adahatAdjustUnfused(grad, { post: tPost, pre: tPre }, rate);
    const fused = adahatAdjust(grad, { post: tPost, pre: tPre }, rate);
    assert.is(fused, grad, 'the fused kernel adjusts in place');
    assert.equal(unfused.shape, c.shape);
    const [f, u] = [await fused.float32(), await unfused.float32()];
    // Rates run from 1 (no task) down to ~1e-6 (several tasks): a relative tolerance per element.
    assertClose(f, expected, `${c.what} fused`, { rtol: 1e-5, atol: 1e-30 });
    assertClose(u, expected, `${c.what} unfused`, { rtol: 1e-5, atol: 1e-30 });
    // A parameter no earlier task uses keeps its gradient exactly.
    for (let idx = 0; idx < size; idx++) {
      const row = size / c.shape[0]!;
      const i = Math.floor(idx / row);
      if (post[i] === 0) { assert.is(f[idx], g[idx], `${c.what}: unused unit ${i} keeps its gradient`); break; }
    }
    for (const t of [grad, unfused, tPost, tPre, tSparsity]) t?.dispose();
    assert.is(liveTensorCount(), before, 'no tensor left behind');
  });
}

test('adahat adjust refuses mismatched masks and rates', async () => {
  const engine = await getEngine();
  const grad = upload(engine, new Float32Array(12), [3, 4]);
  const post3 = upload(engine, [0, 1, 2], [3]), pre3 = upload(engine, [0, 1, 2], [3]), post2 = upload(engine, [0, 1], [2]);
  const ok = { alpha: 1e-6, epsilon: 0.1, sparsity: null };
  assert.throws(() => adahatAdjust(grad, { post: post2, pre: null }, ok), /post summative mask has 2 values/);
  assert.throws(() => adahatAdjust(grad, { post: post3, pre: pre3 }, ok), /not a multiple of the 3 pre units/);
  assert.throws(() => adahatAdjustUnfused(grad, { post: post3, pre: null }, { ...ok, alpha: 0 }), /must be positive/);
  for (const t of [grad, post3, pre3, post2]) t.dispose();
});

test('adahat summative update, fused and unfused: sum += [e > 0], across three tasks', async () => {
  const engine = await getEngine();
  const n = 517;
  const fused = upload(engine, new Float32Array(n), [n]), unfused = upload(engine, new Float32Array(n), [n]);
  const expected = new Float64Array(n);
  const tensors: Tensor[] = [];
  for (let t = 0; t < 3; t++) {
    // Exact zeros are not used (σ(smax·0) = 1/2 is not above 1/2); tiny positives are.
    const e = Float32Array.from(randomArray(n, 40 + t, -3, 3), (v, i) => (i % 11 === 0 ? 0 : i % 13 === 0 ? 1e-7 : v));
    e.forEach((v, i) => { expected[i]! += v > 0 ? 1 : 0; });
    const te = upload(engine, e, [n]);
    tensors.push(te);
    adahatSummativeUpdate(fused, te);
    adahatSummativeUpdateUnfused(unfused, te);
  }
  assertClose(await fused.float32(), expected, 'fused', { rtol: 0, atol: 0 });
  assertClose(await unfused.float32(), expected, 'unfused', { rtol: 0, atol: 0 });
  for (const t of [fused, unfused, ...tensors]) t.dispose();
});

// The declared kernels over their sweeps (1, 7, 63, 65, 257, … elements, linear and conv geometries, and a
// grid of 70,000 workgroups), in place: the gradient and the summative mask are read and written.
test('adahat-adjust and adahat-summative-update agree with their float64 references over their sweeps (checkKernel)', async () => {
  const engine = await getEngine();
  for (const name of ['adahat-adjust', 'adahat-summative-update']) await assertKernel(engine, name);
});

test.run();
