// The normalisation kernels (BatchNorm's statistics, normalisation and backward; LayerNorm's forward and
// backward) against their float64 references over their declared sweeps: channels and rows of 1, 7, 63,
// 65, 257 and 300 values (past the reducing kernels' 256-invocation stride), training and evaluation
// modes, and a grid of 70,000 workgroups each. test/ops holds the ops built on them to their references
// and finite differences.
import { test } from 'uvu';
import { getEngine } from '../helpers.ts';
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

test.run();
