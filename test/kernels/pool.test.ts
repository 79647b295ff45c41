import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose } from '../helpers.ts';
import { maxpool2dRef, type RefPoolShape } from '../reference/conv.ts';
import { maxpool2dBackward, maxpool2dForward } from '../../src/kernels/pool.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

const CASES: RefPoolShape[] = [
  { n: 2, c: 3, h: 29, w: 29, kh: 2, kw: 2, sh: 2, sw: 2 },   // AlexNet conv1 → 14×14 (floor)
  { n: 1, c: 1, h: 7, w: 7, kh: 2, kw: 2, sh: 2, sw: 2 },
  { n: 1, c: 2, h: 9, w: 11, kh: 3, kw: 3, sh: 3, sw: 3 },
  { n: 2, c: 2, h: 9, w: 9, kh: 3, kw: 3, sh: 2, sw: 2 },     // overlapping windows
  { n: 1, c: 3, h: 6, w: 8, kh: 3, kw: 2, sh: 1, sw: 1 },     // heavy overlap
  { n: 1, c: 1, h: 5, w: 12, kh: 1, kw: 4, sh: 2, sw: 3 },    // stride > kernel in rows (gaps)
];

test('maxpool2d forward and argmax match the reference; backward sums overlapping windows exactly', async () => {
  const engine = await getEngine();
  for (const [i, s] of CASES.entries()) {
    const x = Float64Array.from(Float32Array.from(randomArray(s.n * s.c * s.h * s.w, 40 + i)));
    const probe = maxpool2dRef(x, s);
    const dyv = Float64Array.from(Float32Array.from(randomArray(probe.y.length, 90 + i)));
    const e = maxpool2dRef(x, s, dyv);
    const tx = upload(engine, x, [s.n, s.c, s.h, s.w]);
    const opts = { kernel: [s.kh, s.kw] as const, stride: [s.sh, s.sw] as const };
    const { out, argmax } = maxpool2dForward(tx, opts);
    const tag = `pool [${s.n},${s.c},${s.h},${s.w}] k${s.kh},${s.kw} s${s.sh},${s.sw}`;
    assert.equal(out.shape, [s.n, s.c, e.oh, e.ow], tag);
    assertClose(await out.float32(), e.y, `${tag} out`, { rtol: 0, atol: 0 });
    assert.equal(Array.from(await argmax.data()), Array.from(e.arg), `${tag} argmax`);
    const dy = upload(engine, dyv, [s.n, s.c, e.oh, e.ow]);
    const dx = maxpool2dBackward(dy, argmax, tx.shape, opts);
    assertClose(await dx.float32(), e.dx, `${tag} dX`, { rtol: 1e-6, atol: 1e-6 });
    for (const t of [tx, out, argmax, dy, dx]) t.dispose();
  }
});

test('maxpool2d defaults to kernel 2, stride 2, and rejects a window larger than the input', async () => {
  const engine = await getEngine();
  const x = upload(engine, Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
  const { out, argmax } = maxpool2dForward(x);
  assert.equal(Array.from(await out.float32()), [5, 7, 13, 15]);
  assert.throws(() => maxpool2dForward(x, { kernel: 5 }), /larger than the input/);
  for (const t of [x, out, argmax]) t.dispose();
});

// The declared kernels over their sweep (1, 7, 63, 65, 257 planes, overlapping and strided windows, a
// grid of 65,600 workgroups), the argmax compared exactly, outputs pre-filled and guarded.
test('maxpool2d and its backward agree with float64 over their sweep (checkKernel)', async () => {
  const engine = await getEngine();
  await assertKernel(engine, 'maxpool2d', { seeds: [1, 2] });
  await assertKernel(engine, 'maxpool2d-backward', { seeds: [1, 2] });
});

test.run();
