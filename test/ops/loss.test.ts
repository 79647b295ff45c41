import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, assertClose } from '../helpers.ts';
import { gradCheck, softmaxCrossEntropyRef } from '../reference/loss.ts';
import { softmaxCrossEntropy } from '../../src/ops/loss.ts';
import { tensor, tidy } from '../../src/tensor.ts';
import { backward, parameter } from '../../src/autograd.ts';
import { affine } from '../../src/ops/elementwise.ts';

test('softmaxCrossEntropy: gradient matches finite differences and the float64 reference', async () => {
  const engine = await getEngine();
  for (const [B, N] of [[1, 2], [7, 3], [65, 10]] as const) {
    const x = randomArray(B * N, B * N, -3, 3);
    const labels = Float64Array.from(randomArray(B, B, 0, N), Math.floor);
    await gradCheck(engine, `sce ${B}x${N}`, [{ data: x, shape: [B, N] }, { data: labels, shape: [B], dtype: 'i32' }], ([l, y]) => softmaxCrossEntropy(l!, y!), { eps: 1e-2, rtol: 3e-2, atol: 5e-4 });
    // Scaled upstream gradient (loss · 2.5) against the analytic reference.
    const p = parameter(tensor(engine, x, [B, N]));
    const y = tensor(engine, labels, [B], 'i32');
    const loss = tidy(() => {
      const l = softmaxCrossEntropy(p, y);
      const scaled = affine(l, 2.5, 0);
      backward(scaled);
      return l;
    });
    const ref = softmaxCrossEntropyRef(Float32Array.from(x), labels, B, N, 2.5);
    assertClose([await loss.item()], [ref.loss], 'loss', { rtol: 1e-5, atol: 1e-6 });
    assertClose(await p.grad!.float32(), ref.grad, 'grad', { rtol: 1e-4, atol: 1e-7 });
    for (const t of [p, y, loss]) t.dispose();
  }
});

test('no gradient is recorded when the logits need none', async () => {
  const engine = await getEngine();
  const x = tensor(engine, [1, 2, 3, 4], [2, 2]);
  const y = tensor(engine, [0, 1], [2], 'i32');
  const l = softmaxCrossEntropy(x, y);
  assert.is(l.requiresGrad, false);
  assert.is(l.node, null);
  for (const t of [x, y, l]) t.dispose();
});

test.run();
