import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose, finiteDifference } from '../helpers.ts';
import { conv2dRef, conv2dGradRef, maxpool2dRef, outSize, type RefConvShape } from '../reference/conv.ts';
import { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dBiasRelu, conv2dForward, conv2dGeometry } from '../../src/kernels/conv.ts';
import { conv2d, maxpool2d } from '../../src/ops/conv.ts';
import { backward, parameter } from '../../src/autograd.ts';
import { liveTensorCount, type Tensor } from '../../src/tensor.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import { kernelOn } from '../../src/kernels/registry.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

function shape(n: number, c: number, hw: number, o: number, k: number, s: number, p: number, w = hw): RefConvShape {
  return { n, c, h: hw, w, o, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p };
}

// Odd shapes: N=1, C 1/3/7, H=W 7..33, k 1..5, stride 1/2, padding 0/1/2, O not a multiple of the block.
const CASES: RefConvShape[] = [
  shape(1, 1, 7, 1, 1, 1, 0),
  shape(1, 3, 9, 5, 3, 1, 1),
  shape(2, 7, 11, 9, 5, 2, 2),
  shape(3, 3, 32, 16, 4, 1, 0),
  shape(1, 7, 33, 13, 2, 2, 0),
  shape(2, 1, 8, 3, 3, 2, 1, 13),
  { n: 2, c: 3, h: 10, w: 12, o: 6, kh: 3, kw: 2, sh: 1, sw: 2, ph: 2, pw: 1 },
  shape(1, 5, 7, 17, 5, 1, 2),
];
const f32 = (a: Float64Array) => Float64Array.from(Float32Array.from(a));
const tag = (s: RefConvShape) => `x[${s.n},${s.c},${s.h},${s.w}] w[${s.o},${s.c},${s.kh},${s.kw}] s${s.sh},${s.sw} p${s.ph},${s.pw}`;

function data(s: RefConvShape, seed: number) {
  const [OH, OW] = outSize(s);
  return {
    x: f32(randomArray(s.n * s.c * s.h * s.w, seed, -1, 1)),
    w: f32(randomArray(s.o * s.c * s.kh * s.kw, seed + 1, -0.5, 0.5)),
    b: f32(randomArray(s.o, seed + 2, -0.5, 0.5)),
    dy: f32(randomArray(s.n * s.o * OH * OW, seed + 3, -1, 1)),
  };
}
const xs = (s: RefConvShape) => [s.n, s.c, s.h, s.w];
const ws = (s: RefConvShape) => [s.o, s.c, s.kh, s.kw];
const opts = (s: RefConvShape) => ({ stride: [s.sh, s.sw] as const, padding: [s.ph, s.pw] as const });
const VALUES = { rtol: 1e-4, atol: 1e-4 };

test('conv2d forward: none, bias, bias+ReLU epilogues match the float64 reference', async () => {
  const engine = await getEngine();
  for (const [i, s] of CASES.entries()) {
    const d = data(s, 10 * i);
    const x = upload(engine, d.x, xs(s)), w = upload(engine, d.w, ws(s)), b = upload(engine, d.b, [s.o]);
    const plain = conv2dForward(x, w, opts(s));
    const biased = conv2dBiasRelu(x, w, b, { ...opts(s), relu: false });
    const relu = conv2dBiasRelu(x, w, b, { ...opts(s), relu: true });
    const e0 = conv2dRef(d.x, d.w, null, s), e1 = conv2dRef(d.x, d.w, d.b, s);
    const [OH, OW] = outSize(s);
    assert.equal(plain.shape, [s.n, s.o, OH, OW]);
    assertClose(await plain.float32(), e0, `conv2d ${tag(s)}`, VALUES);
    assertClose(await biased.float32(), e1, `conv2d+bias ${tag(s)}`, VALUES);
    assertClose(await relu.float32(), e1.map((v) => Math.max(v, 0)), `conv2d+bias+relu ${tag(s)}`, VALUES);
    for (const t of [x, w, b, plain, biased, relu]) t.dispose();
  }
});

// The declarations' sweeps (1, 7, 63, 65, 257 channels, strides, padding, tile multiples, and a grid of
// 129,600 workgroups folded into y), NaN-filled and guarded outputs (checkKernel).
test('conv2d and conv2d-bias-relu agree with float64 over their sweeps', async () => {
  const engine = await getEngine();
  await assertKernel(engine, 'conv2d', { seeds: [1, 2] });
  await assertKernel(engine, 'conv2d-bias-relu', { seeds: [3] });
  await assertKernel(engine, 'conv2d-backward-input', { seeds: [4] });
  await assertKernel(engine, 'conv2d-weight-grad-partials', { seeds: [5] });
  await assertKernel(engine, 'conv2d-weight-grad-reduce', { seeds: [6] });
  await assertKernel(engine, 'conv2d-backward-bias', { seeds: [7] });
});

test('conv2d forward: other register blocks and workgroup sizes give the same result', async () => {
  const engine = await getEngine();
  const shapes = kernelOn(engine, 'conv2d').shapes.filter((c) => !c.heavy);
  for (const spec of [{ rows: 4, cols: 4, wg: 1 }, { rows: 16, cols: 8, wg: 64 }, { rows: 8, cols: 16, wg: 8 }, { rows: 1, cols: 1, wg: 32 }]) {
    await assertKernel(engine, 'conv2d', { shapes, spec, seeds: [7] });
  }
  // And through conv2dForward's own tile option.
  const s = CASES[2]!;
  const d = data(s, 7);
  const x = upload(engine, d.x, xs(s)), w = upload(engine, d.w, ws(s));
  const y = conv2dForward(x, w, { ...opts(s), tile: { rows: 8, cols: 16, wg: 8 } });
  assertClose(await y.float32(), conv2dRef(d.x, d.w, null, s), `conv2d ${tag(s)} tile 8x16`, VALUES);
  for (const t of [x, w, y]) t.dispose();
});

test('conv2d backward: dX, dW (whole and split reduction) and db match the float64 reference', async () => {
  const engine = await getEngine();
  for (const [i, s] of CASES.entries()) {
    const d = data(s, 100 + 10 * i);
    const x = upload(engine, d.x, xs(s)), w = upload(engine, d.w, ws(s));
    const [OH, OW] = outSize(s);
    const dy = upload(engine, d.dy, [s.n, s.o, OH, OW]);
    const e = conv2dGradRef(d.x, d.w, d.dy, s);
    const dx = conv2dBackwardInput(dy, w, xs(s), opts(s));
    const dw1 = conv2dBackwardWeight(dy, x, ws(s), { ...opts(s), split: 1 });
    const dw3 = conv2dBackwardWeight(dy, x, ws(s), { ...opts(s), split: 3 });
    const dwAuto = conv2dBackwardWeight(dy, x, ws(s), opts(s));
    const dxSmall = conv2dBackwardInput(dy, w, xs(s), { ...opts(s), tile: { rows: 4, cols: 4, wg: 1 } });
    const db = conv2dBackwardBias(dy);
    assertClose(await dx.float32(), e.dx, `dX ${tag(s)}`, VALUES);
    assertClose(await dxSmall.float32(), e.dx, `dX 4x4 ${tag(s)}`, VALUES);
    assertClose(await dw1.float32(), e.dw, `dW ${tag(s)}`, VALUES);
    assertClose(await dw3.float32(), e.dw, `dW split 3 ${tag(s)}`, VALUES);
    assertClose(await dwAuto.float32(), e.dw, `dW auto split ${tag(s)}`, VALUES);
    assertClose(await db.float32(), e.db, `db ${tag(s)}`, VALUES);
    for (const t of [x, w, dy, dx, dxSmall, dw1, dw3, dwAuto, db]) t.dispose();
  }
});

/** Σ y·r through the GPU op (read back), for finite differences. */
async function lossThrough(engine: Engine, f: (x: Tensor, w: Tensor, b: Tensor) => Tensor, xv: Float64Array, wv: Float64Array, bv: Float64Array, xShape: number[], wShape: number[], r: Float64Array): Promise<number> {
  const x = upload(engine, xv, xShape), w = upload(engine, wv, wShape), b = upload(engine, bv, [wShape[0]!]);
  const y = f(x, w, b);
  const out = await y.float32();
  for (const t of [x, w, b, y]) t.dispose();
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i]! * r[i]!;
  return s;
}

/** Up to k indices spread over [0, n) (finite differences cost two GPU round trips per index). */
function spread(n: number, k = 24): number[] {
  if (n <= k) return [...Array(n).keys()];
  return [...new Set(Array.from({ length: k }, (_, i) => Math.floor((i * (n - 1)) / (k - 1))))];
}
/** Finite differences at some indices, compared with the analytic gradient there. */
async function checkFD(f: (v: Float64Array) => Promise<number>, at: Float64Array, grad: ArrayLike<number>, eps: number, what: string, tol: { rtol: number; atol: number }): Promise<void> {
  const idx = spread(at.length);
  const fd = await finiteDifference(f, Float64Array.from(at), eps, idx);
  assertClose(idx.map((i) => fd[i]!), idx.map((i) => grad[i]!), `${what} (${idx.length} of ${at.length} entries)`, tol);
}

test('conv2d op: gradients through record() match the reference and central finite differences', async () => {
  const engine = await getEngine();
  const GRADS = { rtol: 2e-3, atol: 2e-3 };
  for (const s of [shape(2, 3, 6, 4, 3, 2, 1), shape(1, 2, 7, 3, 2, 1, 0), { n: 1, c: 2, h: 5, w: 6, o: 2, kh: 3, kw: 1, sh: 1, sw: 2, ph: 1, pw: 2 }]) {
    const d = data(s, 555);
    const [OH, OW] = outSize(s);
    const before = liveTensorCount();
    const x = parameter(upload(engine, d.x, xs(s))), w = parameter(upload(engine, d.w, ws(s))), b = parameter(upload(engine, d.b, [s.o]));
    const y = conv2d(x, w, b, opts(s));
    const seed = upload(engine, d.dy, [s.n, s.o, OH, OW]);
    backward(y, seed);
    const e = conv2dGradRef(d.x, d.w, d.dy, s);
    const gx = await x.grad!.float32(), gw = await w.grad!.float32(), gb = await b.grad!.float32();
    assertClose(gx, e.dx, `op dX ${tag(s)}`, VALUES);
    assertClose(gw, e.dw, `op dW ${tag(s)}`, VALUES);
    assertClose(gb, e.db, `op db ${tag(s)}`, VALUES);
    const run = (xv: Float64Array, wv: Float64Array, bv: Float64Array) => lossThrough(engine, (a, k, c) => conv2d(a, k, c, opts(s)), xv, wv, bv, xs(s), ws(s), d.dy);
    const eps = 1e-2;
    await checkFD((v) => run(v, d.w, d.b), d.x, gx, eps, `FD dX ${tag(s)}`, GRADS);
    await checkFD((v) => run(d.x, v, d.b), d.w, gw, eps, `FD dW ${tag(s)}`, GRADS);
    await checkFD((v) => run(d.x, d.w, v), d.b, gb, eps, `FD db ${tag(s)}`, GRADS);
    for (const t of [x, w, b, y, seed]) t.dispose();
    assert.is(liveTensorCount(), before, 'every tensor disposed');
  }
});

test('conv2d → maxpool2d op chain: gradients match central finite differences', async () => {
  const engine = await getEngine();
  const s = shape(2, 3, 9, 4, 2, 1, 0); // out 8×8, pooled 4×4
  const d = data(s, 77);
  const r = f32(randomArray(2 * 4 * 4 * 4, 78, -1, 1));
  const x = parameter(upload(engine, d.x, xs(s))), w = parameter(upload(engine, d.w, ws(s))), b = parameter(upload(engine, d.b, [s.o]));
  const y = conv2d(x, w, b);
  const p = maxpool2d(y);
  assert.equal(p.shape, [2, 4, 4, 4]);
  const seed = upload(engine, r, [2, 4, 4, 4]);
  backward(p, seed);
  const gx = await x.grad!.float32(), gw = await w.grad!.float32();
  const run = (xv: Float64Array, wv: Float64Array) => lossThrough(engine, (a, k, c) => {
    const yy = conv2d(a, k, c);
    const pp = maxpool2d(yy);
    yy.dispose();
    return pp;
  }, xv, wv, d.b, xs(s), ws(s), r);
  // Reference chain in float64: pool backward on the reference conv output, then the conv gradients.
  const yRef = conv2dRef(d.x, d.w, d.b, s);
  const pooled = maxpool2dRef(yRef, { n: 2, c: 4, h: 8, w: 8, kh: 2, kw: 2, sh: 2, sw: 2 }, r);
  const e = conv2dGradRef(d.x, d.w, pooled.dx, s);
  assertClose(gx, e.dx, 'dX through pool vs reference', VALUES);
  assertClose(gw, e.dw, 'dW through pool vs reference', VALUES);
  // Finite differences of the input (a weight step moves every window and can cross near-ties of the max).
  await checkFD((v) => run(v, d.w), d.x, gx, 1e-3, 'FD dX through pool', { rtol: 5e-3, atol: 5e-3 });
  for (const t of [x, w, b, y, p, seed]) t.dispose();
});

test('conv2d names the op and the shapes on a mismatch', async () => {
  const engine = await getEngine();
  const x = upload(engine, new Float64Array(2 * 3 * 5 * 5), [2, 3, 5, 5]), w = upload(engine, new Float64Array(4 * 2 * 3 * 3), [4, 2, 3, 3]);
  assert.throws(() => conv2dForward(x, w), /conv2d: input has 3 channels/);
  assert.throws(() => conv2dGeometry([1, 1, 2, 2], [1, 1, 3, 3]), /does not fit/);
  x.dispose(); w.dispose();
});

test.run();
