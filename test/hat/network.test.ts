// The parameter budget PathNet and progressive networks are sized to: counted without building a network,
// it must equal what a built HatNetwork holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine } from '../helpers.ts';
import { HatNetwork, referenceParameterCount, type NetworkConfig } from '../../src/hat/network.ts';
import { widthForParameters } from '../../src/hat/model.ts';

const configs: NetworkConfig[] = [
  { kind: 'mlp', inputShape: [1, 28, 28], classesPerTask: [2, 2, 2, 2, 2], hidden: [63, 65], gated: true, seed: 0 },
  { kind: 'mlp', inputShape: [1, 4, 4], classesPerTask: [3, 7], hidden: [7], gated: false, seed: 0 },
  { kind: 'alexnet', inputShape: [3, 32, 32], classesPerTask: [10, 10], fcWidth: 64, gated: true, seed: 0 },
];

for (const config of configs) {
  test(`referenceParameterCount = HatNetwork.parameterCount (${config.kind}, ${config.inputShape.join('×')})`, async () => {
    const net = new HatNetwork(await getEngine(), config);
    try {
      assert.is(referenceParameterCount(config), net.parameterCount());
    } finally {
      net.dispose();
    }
  });
}

test('widthForParameters: the width whose count is nearest the target', () => {
  const count = (w: number) => 16 * w * w + 12576 * w;
  const w = widthForParameters(5_000_000, count);
  assert.ok(Math.abs(count(w) - 5_000_000) <= Math.abs(count(w + 1) - 5_000_000));
  assert.ok(Math.abs(count(w) - 5_000_000) <= Math.abs(count(w - 1) - 5_000_000));
  assert.is(widthForParameters(1, count), 1);
});

test.run();
