// Every op of the table (op-table.ts) through the generic check (op-check.ts): forward against its
// float64 reference with every written buffer poisoned with NaN first, backward against finite
// differences of the reference. Below the table: what the table does not express (when nothing is
// recorded, the shapes reductions return).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, skip } from '../helpers.ts';
import { OP_TABLE } from './op-table.ts';
import { tensor } from '../../src/tensor.ts';
import { softmaxCrossEntropy } from '../../src/ops/loss.ts';
import { max, mean, sum } from '../../src/ops/reduce.ts';

for (const entry of OP_TABLE) {
  const checked = entry.samples - entry.knownFailures.length;
  test(`${entry.name}: forward vs float64 reference, backward vs finite differences (${checked} samples)`, async () => {
    await entry.check(await getEngine());
  });
  for (const known of entry.knownFailures) {
    test(`${entry.name} ${known.label}`, async (context) => {
      try {
        await known.check(await getEngine());
      } catch (e) {
        return skip(context, `known failure: ${known.reason} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
      }
      assert.unreachable(`passes now: drop its knownFailure mark in test/ops/op-table.ts`);
    });
  }
}

test('no gradient is recorded when the inputs need none', async () => {
  const engine = await getEngine();
  const x = tensor(engine, [1, 2, 3, 4], [2, 2]);
  const y = tensor(engine, [0, 1], [2], 'i32');
  const l = softmaxCrossEntropy(x, y);
  assert.is(l.requiresGrad, false);
  assert.is(l.node, null);
  for (const t of [x, y, l]) t.dispose();
});

test('reduction shapes: everything → [1], over axes drop or keep them', async () => {
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
