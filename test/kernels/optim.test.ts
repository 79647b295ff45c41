import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose } from '../helpers.ts';
import { gradNorm, sgdStep } from '../../src/kernels/optim.ts';
import { fill } from '../../src/kernels/elementwise.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

test('global gradient norm over many tensors of odd sizes matches float64', async () => {
  const engine = await getEngine();
  const sizes = [1, 7, 63, 65, 257, 100_003, 2000 * 784];
  const arrays = sizes.map((n, i) => Float32Array.from(randomArray(n, i + 1, -1, 1)));
  const ts = arrays.map((a, i) => upload(engine, a, [sizes[i]!]));
  const norm = gradNorm(engine, ts);
  let ss = 0;
  for (const a of arrays) for (const v of a) ss += v * v;
  assertClose([await norm.item()], [Math.sqrt(ss)], 'norm', { rtol: 1e-5, atol: 0 });
  const again = gradNorm(engine, ts);
  assert.is(await again.item(), await norm.item(), 'deterministic');
  for (const t of [...ts, norm, again]) t.dispose();
});

test('sgd step, with and without clipping (clip only when the norm exceeds max)', async () => {
  const engine = await getEngine();
  for (const n of [1, 7, 64, 257, 65_537, 2000 * 4]) { // odd sizes take the scalar path, multiples of 4 the vec4 one
    const w0 = n > 10_000 ? null : Float32Array.from(randomArray(n, n, -1, 1));
    const g0 = n > 10_000 ? null : Float32Array.from(randomArray(n, n + 1, -1, 1));
    const w = w0 ? upload(engine, w0, [n]) : fill(engine, [n], 1);
    const g = g0 ? upload(engine, g0, [n]) : fill(engine, [n], 0.5);
    const norm = gradNorm(engine, [g]);
    const nv = await norm.item();
    let gnorm = 0;
    if (g0) for (const v of g0) gnorm += v * v; else gnorm = n * 0.25;
    gnorm = Math.sqrt(gnorm);
    for (const maxNorm of [undefined, gnorm * 10, gnorm / 4]) {
      const before = await w.float32();
      sgdStep(w, g, 0.1, maxNorm === undefined ? undefined : { norm, maxNorm });
      const after = await w.float32();
      const c = maxNorm === undefined ? 1 : Math.min(1, maxNorm / (nv + 1e-6));
      const gs = g0 ?? new Float32Array(n).fill(0.5);
      const exp = Float64Array.from(before, (v, i) => v - 0.1 * c * gs[i]!);
      assertClose(after, exp, `sgd n ${n} max ${maxNorm}`, { rtol: 1e-5, atol: 1e-6 });
    }
    for (const t of [w, g, norm]) t.dispose();
  }
});

test('fused clip + step on a grid past 65,535 workgroups', async () => {
  const engine = await getEngine();
  const n = 256 * 70_000 + 3;
  const w = fill(engine, [n], 1), g = fill(engine, [n], 0.5);
  const norm = gradNorm(engine, [g]);
  const nv = await norm.item();
  assertClose([nv], [Math.sqrt(n * 0.25)], 'norm', { rtol: 1e-5, atol: 0 });
  sgdStep(w, g, 0.1, { norm, maxNorm: nv / 4 });
  const out = await w.float32();
  const c = Math.fround(Math.fround(nv / 4) / Math.fround(nv + 1e-6));
  const expected = 1 - 0.1 * c * 0.5;
  let bad = 0;
  for (let i = 0; i < n; i++) if (Math.abs(out[i]! - expected) > 1e-6) bad++;
  assert.is(bad, 0, `${bad} of ${n} elements wrong`);
  for (const t of [w, g, norm]) t.dispose();
});

// The declared step over its sweep (1, 7, 63, 65, 257, … with and without clipping, vec4 and scalar
// loads, a grid of 70,000 workgroups).
test('sgd agrees with float64 over its sweep (checkKernel)', async () => {
  await assertKernel(await getEngine(), 'sgd');
});

test.run();
