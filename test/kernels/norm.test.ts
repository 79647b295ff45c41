// The normalisation kernels (BatchNorm's statistics, normalisation and backward; LayerNorm's forward and
// backward) against their float64 references over their declared sweeps: channels and rows of 1, 7, 63,
// 65, 257 and 300 values (past the reducing kernels' 256-invocation stride), training and evaluation
// modes, and a grid of 70,000 workgroups each. test/ops holds the ops built on them to their references
// and finite differences.
import { test } from 'uvu';
import { assertClose, getEngine, randomArray, upload } from '../helpers.ts';
import { batchNormStats } from '../../src/kernels/norm.ts';
import { batchNormStatsRef } from '../../src/kernels/reference/norm.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

for (const name of ['batchnorm-stats', 'batchnorm-apply', 'batchnorm-backward-reduce', 'batchnorm-backward-input']) {
  test(`${name} agrees with its float64 reference over its sweep (checkKernel)`, async () => {
    await assertKernel(await getEngine(), name);
  });
}

for (const name of ['layernorm-forward', 'layernorm-backward-input', 'layernorm-backward-params']) {
  test(`${name} agrees with its float64 reference over its sweep (checkKernel)`, async () => {
    await assertKernel(await getEngine(), name);
  });
}

// Without running statistics the binding still binds two writable buffers there (one buffer bound twice
// is refused by WebGPU): the statistics alone, through the binding function.
test('batchNormStats without running statistics: the batch mean and invstd', async () => {
  const engine = await getEngine();
  const shape = [2, 5, 3, 4];
  const x = Float32Array.from(randomArray(120, 11, -2, 2));
  const t = upload(engine, x, shape);
  const { mean, invstd } = batchNormStats(t, null);
  const expected = batchNormStatsRef(x, { outer: 2, channels: 5, inner: 12 }, 1e-5, null);
  assertClose(await mean.float32(), expected.mean, 'mean', { rtol: 1e-5, atol: 1e-6 });
  assertClose(await invstd.float32(), expected.invstd, 'invstd', { rtol: 1e-4, atol: 1e-6 });
  for (const u of [t, mean, invstd]) u.dispose();
});

test.run();
