// The parameter budget PathNet and progressive networks are sized to: counted without building a network,
// it must equal what a built HatNetwork holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray } from '../helpers.ts';
import { tensor, tidy } from '../../src/tensor.ts';
import { backward } from '../../src/autograd.ts';
import { softmaxCrossEntropy } from '../../src/ops/loss.ts';
import { gradNorm } from '../../src/kernels/optim.ts';
import { HatNetwork, referenceParameterCount, type NetworkConfig } from '../../src/nn/network.ts';
import { widthForParameters } from '../../src/nn/model.ts';

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

for (const gated of [true, false]) {
  test(`AlexNet (${gated ? 'HAT' : 'plain'}): every conv and fc layer receives a gradient through the flatten`, async () => {
    const engine = await getEngine();
    const net = new HatNetwork(engine, { kind: 'alexnet', inputShape: [3, 32, 32], classesPerTask: [3], fcWidth: 16, gated, seed: 1 });
    try {
      const norms = tidy(() => {
        const x = tensor(engine, randomArray(2 * 3 * 32 * 32, 3), [2, 3, 32, 32]);
        const y = tensor(engine, [0, 2], [2], 'i32');
        backward(softmaxCrossEntropy(net.forward(x, { task: 0, s: 50, training: false, step: 0, fused: true }), y));
        return net.layers.map((l) => { const g = l.weight.grad; return g ? gradNorm(engine, [g]).keep() : null; });
      });
      for (const [i, layer] of net.layers.entries()) {
        assert.ok(norms[i], `${layer.name} got no gradient`);
        assert.ok((await norms[i]!.item()) > 0, `${layer.name}'s gradient is zero`);
        norms[i]!.dispose();
      }
    } finally {
      for (const [, p] of net.namedParameters()) { p.grad?.dispose(); p.grad = null; }
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
