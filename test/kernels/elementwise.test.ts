import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose } from '../helpers.ts';
import { binary, fill, unary, axpy, copy } from '../../src/kernels/elementwise.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

const SIZES = [1, 7, 63, 65, 257, 1000];

test('fill writes the value everywhere, any size', async () => {
  const engine = await getEngine();
  for (const n of SIZES) {
    const t = fill(engine, [n], 2.5);
    assertClose(await t.float32(), new Float64Array(n).fill(2.5), `fill ${n}`);
    t.dispose();
  }
});

test('unary ops match Math on odd sizes', async () => {
  const engine = await getEngine();
  const cases: [Parameters<typeof unary>[0], (x: number) => number][] = [
    ['relu', (x) => Math.max(x, 0)], ['sigmoid', (x) => 1 / (1 + Math.exp(-x))], ['exp', Math.exp], ['neg', (x) => -x], ['affine', (x) => 3 * x + 0.5],
  ];
  for (const n of SIZES) {
    const x = randomArray(n, n, -3, 3);
    const t = upload(engine, x, [n]);
    for (const [op, ref] of cases) {
      const y = unary(op, t, 3, 0.5);
      assertClose(await y.float32(), Float64Array.from(Float32Array.from(x), ref), `${op} ${n}`, { rtol: 1e-5, atol: 1e-6 });
      y.dispose();
    }
    t.dispose();
  }
});

test('binary ops broadcast rows, columns and scalars', async () => {
  const engine = await getEngine();
  for (const [m, n] of [[1, 1], [7, 63], [65, 257]] as const) {
    const a = Float32Array.from(randomArray(m * n, 1));
    const row = Float32Array.from(randomArray(n, 2));
    const col = Float32Array.from(randomArray(m, 3));
    const ta = upload(engine, a, [m, n]);
    const trow = upload(engine, row, [n]);
    const tcol = upload(engine, col, [m, 1]);
    const out1 = binary('add', ta, trow);
    const out2 = binary('mul', ta, tcol);
    const e1 = new Float64Array(m * n), e2 = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { e1[i * n + j] = a[i * n + j]! + row[j]!; e2[i * n + j] = a[i * n + j]! * col[i]!; }
    assertClose(await out1.float32(), e1, `add row ${m}x${n}`);
    assertClose(await out2.float32(), e2, `mul col ${m}x${n}`);
    for (const t of [ta, trow, tcol, out1, out2]) t.dispose();
  }
});

test('binary: 3-D broadcasts take the general path, and a row broadcast past 65,535 rows folds its grid', async () => {
  const engine = await getEngine();
  const [M, C, R] = [5, 7, 3];
  const a = Float32Array.from(randomArray(M * C * R, 4));
  const m = Float32Array.from(randomArray(M * C, 5));
  const ta = upload(engine, a, [M, C, R]), tm = upload(engine, m, [M, C, 1]);
  const out = binary('mul', ta, tm);
  assertClose(await out.float32(), Float64Array.from(a, (v, i) => v * m[Math.floor(i / R)]!), 'mul [5,7,3]·[5,7,1]');
  const rows = 70001;
  const big = fill(engine, [rows, 3], 2), row = upload(engine, [1, 2, 3], [3]);
  const sum = await binary('add', big, row).float32();
  let wrong = 0;
  for (let i = 0; i < rows * 3; i++) if (sum[i] !== 2 + (i % 3) + 1) wrong++;
  assert.is(wrong, 0, `${wrong} of ${rows * 3} elements wrong`);
  for (const t of [ta, tm, out, big, row]) t.dispose();
});

test('binary names the op and shapes when they cannot broadcast', async () => {
  const engine = await getEngine();
  const a = fill(engine, [3, 4], 1), b = fill(engine, [5], 1);
  assert.throws(() => binary('add', a, b), /add: cannot broadcast \[3, 4\] with \[5\]/);
  a.dispose(); b.dispose();
});

test('axpy accumulates in place and copy is independent', async () => {
  const engine = await getEngine();
  const y = upload(engine, [1, 2, 3], [3]);
  const x = upload(engine, [10, 20, 30], [3]);
  const saved = copy(y);
  axpy(y, x, 0.5, 2);
  assertClose(await y.float32(), [7, 14, 21], 'axpy');
  assertClose(await saved.float32(), [1, 2, 3], 'copy untouched');
  for (const t of [x, y, saved]) t.dispose();
});

test('a grid past 65,535 workgroups reaches every element', async () => {
  const engine = await getEngine();
  const n = 256 * 70000 + 3; // 70,001 workgroups of 256
  const t = fill(engine, [n], 0);
  const y = unary('affine', t, 0, 1);
  const data = await y.float32();
  let wrong = 0;
  for (let i = 0; i < n; i++) if (data[i] !== 1) wrong++;
  assert.is(wrong, 0, `${wrong} of ${n} elements not written`);
  t.dispose(); y.dispose();
});

// The declared kernels over their sweeps (every unary op; 1, 7, 63, 65, 257, … elements; a grid past
// 65,535 workgroups), outputs pre-filled and guarded.
test('unary, binary, axpy and fill agree with float64 over their sweeps (checkKernel)', async () => {
  const engine = await getEngine();
  for (const name of ['unary', 'binary', 'axpy', 'fill']) await assertKernel(engine, name, { seeds: [1, 2] });
});

test.run();
