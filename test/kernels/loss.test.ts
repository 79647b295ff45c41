import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose } from '../helpers.ts';
import { tensor } from '../../src/tensor.ts';
import { argmax, countCorrect, softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from '../../src/kernels/loss.ts';
import { fill } from '../../src/kernels/elementwise.ts';
import { argmaxRef, softmaxCrossEntropyRef } from '../reference/loss.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

const SHAPES: [number, number][] = [[1, 1], [1, 10], [7, 3], [63, 10], [65, 7], [257, 100], [4096, 10]];

function labelsFor(B: number, N: number, seed: number): Int32Array {
  return Int32Array.from(randomArray(B, seed, 0, N), Math.floor);
}

test('softmax cross-entropy forward and backward match float64', async () => {
  const engine = await getEngine();
  for (const [B, N] of SHAPES) {
    const x = Float32Array.from(randomArray(B * N, B + N, -4, 4));
    const labels = labelsFor(B, N, B);
    const tx = upload(engine, x, [B, N]);
    const ty = tensor(engine, labels, [B], 'i32');
    const { loss, lse } = softmaxCrossEntropyForward(tx, ty);
    const ref = softmaxCrossEntropyRef(x, labels, B, N, 0.7);
    assertClose([await loss.item()], [ref.loss], `loss ${B}x${N}`, { rtol: 1e-5, atol: 1e-6 });
    assertClose(await lse.float32(), ref.lse, `lse ${B}x${N}`, { rtol: 1e-6, atol: 1e-6 });
    const g = upload(engine, [0.7], [1]);
    const dx = softmaxCrossEntropyBackward(tx, ty, lse, g);
    assertClose(await dx.float32(), ref.grad, `dlogits ${B}x${N}`, { rtol: 1e-4, atol: 1e-7 });
    for (const t of [tx, ty, loss, lse, g, dx]) t.dispose();
  }
});

test('softmax cross-entropy is stable for huge logits; bad labels give NaN', async () => {
  const engine = await getEngine();
  const x = upload(engine, [1000, -1000, 999, 5e4, 5e4 - 1, 0], [2, 3]);
  const y = tensor(engine, [2, 1], [2], 'i32');
  const { loss, lse } = softmaxCrossEntropyForward(x, y);
  const ref = softmaxCrossEntropyRef([1000, -1000, 999, 5e4, 5e4 - 1, 0], [2, 1], 2, 3);
  // Finite (no overflow); float32 spacing at 5e4 is 0.004, so the loss is as exact as its logits.
  assertClose([await loss.item()], [ref.loss], 'stable loss', { rtol: 0, atol: 5e-3 });
  const bad = tensor(engine, [3, 0], [2], 'i32');
  const r2 = softmaxCrossEntropyForward(x, bad);
  assert.ok(Number.isNaN(await r2.loss.item()));
  for (const t of [x, y, loss, lse, bad, r2.loss, r2.lse]) t.dispose();
});

test('argmax per row and the correct count, with epoch accumulation', async () => {
  const engine = await getEngine();
  for (const [B, N] of [...SHAPES, [70_000, 3] as [number, number]]) {
    const x = Float32Array.from(randomArray(B * N, B * 3 + N, -1, 1));
    const labels = labelsFor(B, N, B + 1);
    const tx = upload(engine, x, [B, N]);
    const ty = tensor(engine, labels, [B], 'i32');
    const am = argmax(tx);
    const ref = argmaxRef(x, B, N);
    assert.equal(Array.from(await am.data()), Array.from(ref), `argmax ${B}x${N}`);
    const count = countCorrect(tx, ty);
    const expected = ref.reduce((a, v, i) => a + (v === labels[i] ? 1 : 0), 0);
    assert.is(await count.item(), expected, `count ${B}x${N}`);
    const acc = fill(engine, [1], 0);
    countCorrect(tx, ty, acc);
    countCorrect(tx, ty, acc);
    assert.is(await acc.item(), 2 * expected);
    for (const t of [tx, ty, am, count, acc]) t.dispose();
  }
});

test('argmax takes the first of tied maxima', async () => {
  const engine = await getEngine();
  const x = upload(engine, [1, 3, 3, 0, 0, 0], [2, 3]);
  const a = argmax(x);
  assert.equal(Array.from(await a.data()), [1, 0]);
  x.dispose(); a.dispose();
});

// The declared backward over its sweep (1, 7, 63, 65, 257 rows, a grid of 70,000 workgroups).
test('softmax-cross-entropy, its backward, argmax and correct-flags agree with float64 over its sweep (checkKernel)', async () => {
  await assertKernel(await getEngine(), 'softmax-cross-entropy');
  await assertKernel(await getEngine(), 'softmax-cross-entropy-backward');
  await assertKernel(await getEngine(), 'argmax');
  await assertKernel(await getEngine(), 'correct-flags');
});

test.run();
