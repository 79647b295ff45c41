import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, assertClose } from './helpers.ts';
import { tensor, tidy, liveTensorCount, type Tensor } from '../src/tensor.ts';
import { backward, noGrad, parameter } from '../src/autograd.ts';
import { add, mul, relu } from '../src/ops/elementwise.ts';
import { sum, mean } from '../src/ops/reduce.ts';
import { softmaxCrossEntropy } from '../src/ops/loss.ts';
import { dropout } from '../src/ops/dropout.ts';
import { reshape } from '../src/ops/shape.ts';
import { matmul } from '../src/kernels/matmul.ts';
import { record } from '../src/autograd.ts';
import { SGD } from '../src/train/optimizer.ts';
import { fill } from '../src/kernels/elementwise.ts';

test('a tensor used twice accumulates both gradients', async () => {
  const engine = await getEngine();
  const a = parameter(tensor(engine, [1, 2, 3], [3]));
  tidy(() => {
    const b = mul(a, a); // d/da = 2a
    const c = add(b, a); // + 1
    backward(sum(c));
  });
  assertClose(await a.grad!.float32(), [3, 5, 7], 'd(a² + a)');
  a.dispose();
});

test('a reshaped view carries the gradient to its base (the flatten between conv and fc layers)', async () => {
  const engine = await getEngine();
  const xs = randomArray(2 * 3 * 2 * 2, 7);
  const cs = randomArray(2 * 12, 8);
  const x = parameter(tensor(engine, xs, [2, 3, 2, 2]));
  const c = tensor(engine, cs, [2, 12]);
  tidy(() => backward(sum(mul(reshape(relu(x), [2, 12]), c))));
  const expected = Array.from(xs, (v, i) => (v > 0 ? Math.fround(cs[i]!) : 0));
  assertClose(await x.grad!.float32(), expected, 'd/dx sum(relu(x).reshape · c)', { rtol: 0, atol: 0 });
  assert.equal(x.grad!.shape, [2, 3, 2, 2]);
  // The grad outlives the step's temporaries: it is its own buffer, not a view of one.
  tidy(() => { for (let i = 0; i < 3; i++) fill(engine, [2, 12], 99); });
  assertClose(await x.grad!.float32(), expected, 'after the pool reuses buffers', { rtol: 0, atol: 0 });
  x.dispose(); c.dispose();
  assert.is(noGrad(() => reshape(parameter(tensor(engine, xs, [2, 12])), [24]).requiresGrad), false, 'no tape under noGrad');
});

test('noGrad records nothing', async () => {
  const engine = await getEngine();
  const a = parameter(tensor(engine, [1, 2], [2]));
  const y = noGrad(() => sum(mul(a, a)));
  assert.is(y.node, null);
  assert.is(y.requiresGrad, false);
  assert.throws(() => backward(y), /does not depend on any parameter/);
  a.dispose(); y.dispose();
});

test('parameter gradients accumulate across two backward calls; zeroGrad zero-fills in place', async () => {
  const engine = await getEngine();
  const a = parameter(tensor(engine, [1, -2], [2]));
  const opt = new SGD(engine, [a], { lr: 0.1 });
  tidy(() => backward(sum(mul(a, tensor(engine, [3, 4], [2])))));
  const first = a.grad!;
  tidy(() => backward(sum(mul(a, tensor(engine, [3, 4], [2])))));
  assert.is(a.grad, first, 'same tensor');
  assertClose(await a.grad!.float32(), [6, 8], 'accumulated');
  opt.zeroGrad();
  assert.is(a.grad, first, 'zeroGrad keeps the tensor');
  assertClose(await a.grad!.float32(), [0, 0], 'zeroed');
  tidy(() => backward(sum(a)));
  opt.step();
  assertClose(await a.grad!.float32(), [1, 1], 'after zeroGrad');
  assertClose(await a.float32(), [0.9, -2.1], 'sgd step');
  a.dispose(); opt.dispose();
});

test('SGD with clipNorm matches torch clip_grad_norm_ + step', async () => {
  const engine = await getEngine();
  const w1 = parameter(tensor(engine, [1, 2, 3], [3]));
  const w2 = parameter(tensor(engine, [4], [1]));
  const opt = new SGD(engine, [w1, w2], { lr: 0.5, clipNorm: 1 });
  tidy(() => backward(add(sum(mul(w1, tensor(engine, [3, 0, 4], [3]))), sum(mul(w2, tensor(engine, [12], [1]))))));
  // grads [3, 0, 4], [12]: norm 13 → scale 1/(13 + 1e-6)
  opt.step();
  const c = 1 / (13 + 1e-6);
  assertClose([await opt.lastNorm!.item()], [13], 'norm');
  assertClose(await w1.float32(), [1 - 0.5 * c * 3, 2, 3 - 0.5 * c * 4], 'w1');
  assertClose(await w2.float32(), [4 - 0.5 * c * 12], 'w2');
  // Below the max norm nothing is scaled.
  opt.zeroGrad();
  opt.clipNorm = 100;
  tidy(() => backward(sum(w2)));
  opt.step();
  assertClose(await w2.float32(), [4 - 0.5 * c * 12 - 0.5], 'unclipped');
  for (const t of [w1, w2]) t.dispose();
  opt.dispose();
});

test('50 forward/backward/step iterations in tidy() allocate nothing new and leak no tensors', async () => {
  const engine = await getEngine();
  const B = 16, D = 20, H = 32, C = 5;
  const W1 = parameter(tensor(engine, randomArray(D * H, 1, -0.3, 0.3), [D, H]));
  const b1 = parameter(tensor(engine, new Float32Array(H), [H]));
  const W2 = parameter(tensor(engine, randomArray(H * C, 2, -0.3, 0.3), [H, C]));
  const x = tensor(engine, randomArray(B * D, 3, -1, 1), [B, D]);
  const y = tensor(engine, Int32Array.from(randomArray(B, 4, 0, C), Math.floor), [B], 'i32');
  const opt = new SGD(engine, [W1, b1, W2], { lr: 0.1, clipNorm: 5 });
  // A differentiable matmul for this test only (nn: [B, D]·[D, H]).
  const mm = (a: Tensor, w: Tensor) => record(matmul(engine, 'nn', a, w), 'matmul', [a, w], (g) => [a.requiresGrad ? matmul(engine, 'nt', g, w) : null, matmul(engine, 'tn', a, g)]);
  const losses: number[] = [];
  let before: ReturnType<typeof engine.stats> | null = null;
  let liveBefore = 0;
  for (let it = 0; it < 50; it++) {
    const loss = tidy(() => {
      opt.zeroGrad();
      const h = dropout(relu(add(mm(x, W1), b1)), 0.2, it);
      const l = softmaxCrossEntropy(mm(h, W2), y);
      backward(add(l, mean(mul(W2, W2))));
      opt.step();
      return l;
    });
    losses.push(await loss.item());
    loss.dispose();
    if (it === 4) { before = engine.stats(); liveBefore = liveTensorCount(); }
  }
  const after = engine.stats();
  assert.is(after.allocations, before!.allocations, 'no new buffers after warm-up');
  assert.is(after.liveBuffers, before!.liveBuffers, 'live buffers stable');
  assert.is(liveTensorCount(), liveBefore, 'live tensors stable');
  assert.ok(losses[49]! < losses[0]!, `loss decreases: ${losses[0]} → ${losses[49]}`);
  for (const t of [W1, b1, W2, x, y]) t.dispose();
  opt.dispose();
});

test.run();
