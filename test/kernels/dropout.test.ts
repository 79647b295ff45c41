import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload } from '../helpers.ts';
import { fill } from '../../src/kernels/elementwise.ts';
import { dropout, dropoutKeep, dropoutSeed } from '../../src/kernels/dropout.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

test('mask matches the CPU mirror of the WGSL hash bit for bit; kept values scaled by 1/(1-p)', async () => {
  const engine = await getEngine();
  for (const n of [1, 7, 63, 65, 257, 10_007]) {
    const x = Float32Array.from(randomArray(n, n, 0.5, 2));
    const t = upload(engine, x, [n]);
    for (const p of [0, 0.2, 0.5]) {
      const seed = dropoutSeed(42, n, Math.round(p * 10));
      const y = await dropout(t, p, seed).float32();
      const scale = Math.fround(1 / (1 - p));
      for (let i = 0; i < n; i++) {
        const keep = dropoutKeep(seed, i, p);
        const expected = keep ? Math.fround(x[i]! * scale) : 0;
        if (y[i] !== expected) throw new Error(`n ${n} p ${p} i ${i}: got ${y[i]}, expected ${expected}`);
      }
    }
    t.dispose();
  }
});

test('same seed same mask, different seed different mask, keep rate within a binomial bound', async () => {
  const engine = await getEngine();
  const n = 200_003;
  const ones = fill(engine, [n], 1);
  for (const p of [0.2, 0.5]) {
    const s1 = dropoutSeed(1, 0), s2 = dropoutSeed(1, 1), s3 = dropoutSeed(2, 0);
    const a = await dropout(ones, p, s1).float32();
    const b = await dropout(ones, p, s1).float32();
    const c = await dropout(ones, p, s2).float32();
    const d = await dropout(ones, p, s3).float32();
    assert.equal(a, b);
    let kept = 0, diffC = 0, diffD = 0;
    for (let i = 0; i < n; i++) {
      if (a[i] !== 0) kept++;
      if ((a[i] !== 0) !== (c[i] !== 0)) diffC++;
      if ((a[i] !== 0) !== (d[i] !== 0)) diffD++;
    }
    const q = 1 - p;
    const sd = Math.sqrt(n * p * q);
    assert.ok(Math.abs(kept - n * q) < 5 * sd, `kept ${kept} of ${n} at p ${p}`);
    // Independent masks disagree at rate 2pq.
    for (const diff of [diffC, diffD]) assert.ok(Math.abs(diff - 2 * p * q * n) < 6 * Math.sqrt(n), `masks differ at ${diff} of ${n}`);
  }
  // Grid past 65,535 workgroups.
  const big = 256 * 70_000 + 1;
  const x = fill(engine, [big], 1);
  const y = await dropout(x, 0.5, 7).float32();
  let zeros = 0, twos = 0;
  for (let i = 0; i < big; i++) { if (y[i] === 0) zeros++; else if (y[i] === 2) twos++; }
  assert.is(zeros + twos, big);
  assert.ok(Math.abs(zeros - big / 2) < 5 * Math.sqrt(big / 4));
  ones.dispose(); x.dispose();
});

test('p out of range is refused', async () => {
  const engine = await getEngine();
  const t = fill(engine, [3], 1);
  assert.throws(() => dropout(t, 1, 0), /p must be in \[0, 1\)/);
  assert.throws(() => dropout(t, -0.1, 0), /p must be/);
  t.dispose();
});

// The declared kernel over its sweep (1, 7, 63, 65, 257, … and a grid of 70,000 workgroups), p 0.1–0.9 and offsets.
test('dropout agrees with its float64 mirror over its sweep (checkKernel)', async () => {
  await assertKernel(await getEngine(), 'dropout');
});

test.run();
