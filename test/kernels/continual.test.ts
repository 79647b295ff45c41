// The baseline approaches' kernels (src/kernels/continual.ts) and ops (src/ops/continual.ts) against
// their float64 references (test/reference/continual.ts), at odd sizes and past 65,535 workgroups.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, finiteDifference, getEngine, randomArray, upload } from '../helpers.ts';
import * as k from '../../src/kernels/continual.ts';
import * as ops from '../../src/ops/continual.ts';
import { fill } from '../../src/kernels/elementwise.ts';
import { backward, parameter } from '../../src/autograd.ts';
import { tidy, type Tensor } from '../../src/tensor.ts';
import * as ref from '../reference/continual.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

const SIZES = [1, 7, 63, 65, 257];
const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
const rand = (n: number, seed: number, lo = -1, hi = 1) => f32(randomArray(n, seed, lo, hi));
/** A Fisher diagonal with exact zeros (parameters no gradient ever reached) and a wide range. */
const fisherData = (n: number, seed: number) => f32(Array.from(randomArray(n, seed, 0, 1), (v, i) => (i % 4 === 1 ? 0 : v ** 3)));

test('fisherAccumulate: beta·F + alpha·g², odd sizes', async () => {
  const engine = await getEngine();
  for (const n of SIZES) for (const [alpha, beta] of [[1, 1], [20 / 1000, 1], [0.5, 0]]) {
    const F = fisherData(n, n), g = rand(n, n + 1, -3, 3);
    const tF = upload(engine, F, [n]), tg = upload(engine, g, [n]);
    k.fisherAccumulate(tF, tg, alpha!, beta!);
    assertClose(await tF.float32(), ref.fisherRef(F, g, alpha!, beta!), `fisher n${n} a${alpha} b${beta}`);
    tF.dispose(); tg.dispose();
  }
});

test('fisherAccumulate past 65,535 workgroups reaches every element; fisherMerge is the running mean', async () => {
  const engine = await getEngine();
  const n = 256 * 65600 + 5;
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) g[i] = (i % 7) - 3;
  const tF = fill(engine, [n], 0.5), tg = upload(engine, g, [n]);
  k.fisherAccumulate(tF, tg, 2, 1);
  const F = await tF.float32();
  let wrong = 0;
  for (let i = 0; i < n; i++) if (F[i] !== 0.5 + 2 * g[i]! * g[i]!) wrong++;
  assert.is(wrong, 0, `${wrong} of ${n} elements wrong`);
  tF.dispose(); tg.dispose();

  const a = fisherData(65, 1), b = fisherData(65, 2);
  const ta = upload(engine, a, [65]), tb = upload(engine, b, [65]);
  k.fisherMerge(ta, tb, 2);
  assertClose(await ta.float32(), Float64Array.from(a, (v, i) => (2 * v + b[i]!) / 3), 'merge after task 2');
  ta.dispose(); tb.dispose();
});

test('quadraticPenalty: EWC (Fisher) and L2 (w = 1) terms, value and in-place gradient, deterministic', async () => {
  const engine = await getEngine();
  for (const lambda of [5000, 1e-4, 1]) {
    const data = SIZES.map((n, i) => ({ theta: rand(n, 10 + i), anchor: rand(n, 20 + i), fisher: i % 2 === 0 ? fisherData(n, 30 + i) : null, grad: rand(n, 40 + i) }));
    const terms = data.map((d) => ({ theta: upload(engine, d.theta, [d.theta.length]), anchor: upload(engine, d.anchor, [d.anchor.length]), fisher: d.fisher ? upload(engine, d.fisher, [d.fisher.length]) : null, grad: upload(engine, d.grad, [d.grad.length]) }));
    const expected = ref.penaltyRef(data, lambda);
    const value = k.quadraticPenalty(terms, lambda, { addGrad: true });
    assertClose([await value.item()], [expected.value], `penalty λ${lambda}`, { rtol: 1e-5, atol: 0 });
    for (const [i, t] of terms.entries()) {
      assertClose(await t.grad.float32(), Float64Array.from(data[i]!.grad, (g, j) => g + expected.grads[i]![j]!), `grad += λ w d, term ${i} (n ${SIZES[i]}) λ${lambda}`, { rtol: 1e-5, atol: 1e-6 * lambda });
    }
    const again = k.quadraticPenalty(terms, lambda);
    assert.is(await again.item(), await value.item(), 'same bits on a second run');
    k.quadraticPenaltyAddGrad(terms.slice(0, 1), lambda);
    assertClose(await terms[0]!.grad.float32(), Float64Array.from(data[0]!.grad, (g, j) => g + 2 * expected.grads[0]![j]!), 'grad-only variant adds again', { rtol: 1e-5, atol: 1e-6 * lambda });
    for (const t of terms) for (const x of Object.values(t)) (x as Tensor | null)?.dispose();
    value.dispose(); again.dispose();
  }
});

test('quadraticPenalty past 65,535 workgroups: every partial counted once', async () => {
  const engine = await getEngine();
  const n = 256 * 65600 + 5;
  const theta = fill(engine, [n], 1), anchor = fill(engine, [n], 0.5);
  const v = k.quadraticPenalty([{ theta, anchor }], 2);
  assert.is(await v.item(), Math.fround(n * 0.25), 'λ/2 · n · 0.5² (exact: partial sums of 64 stay exact in f32)');
  theta.dispose(); anchor.dispose(); v.dispose();
});

test('ops: ewcPenalty, l2Transfer and lflLoss differentiate into theta only', async () => {
  const engine = await getEngine();
  for (const n of SIZES) {
    const th = rand(n, n), an = rand(n, n + 1), F = fisherData(n, n + 2);
    const theta = parameter(upload(engine, th, [n])), anchor = upload(engine, an, [n]), fisher = upload(engine, F, [n]);
    const lambda = 7;
    tidy(() => backward(ops.ewcPenalty([{ theta, anchor, fisher }], lambda)));
    const e = ref.penaltyRef([{ theta: th, anchor: an, fisher: F }], lambda);
    assertClose(await theta.grad!.float32(), e.grads[0]!, `ewc grad n${n}`);
    theta.grad!.dispose(); theta.grad = null;
    const l2 = tidy(() => { const y = ops.l2Transfer([{ theta, anchor }], lambda).keep(); backward(y); return y; });
    const e2 = ref.penaltyRef([{ theta: th, anchor: an }], lambda);
    assertClose([await l2.item()], [e2.value], `l2 value n${n}`, { rtol: 1e-5, atol: 1e-7 });
    assertClose(await theta.grad!.float32(), e2.grads[0]!, `l2 grad n${n}`);
    assert.is(anchor.grad, null, 'the anchor gets no gradient');
    [theta, anchor, fisher, l2].forEach((t) => t.dispose());
  }
  // LFL on activations [B, F]: λ Σ (h − h_old)² / 2, the gradient λ (h − h_old); checked by finite differences too.
  const [B, Fd] = [7, 65];
  const h = rand(B * Fd, 3), hOld = rand(B * Fd, 4);
  const th = parameter(upload(engine, h, [B, Fd])), tOld = upload(engine, hOld, [B, Fd]);
  const loss = tidy(() => { const y = ops.lflLoss(th, tOld, 0.05).keep(); backward(y); return y; });
  const e = ref.penaltyRef([{ theta: h, anchor: hOld }], 0.05);
  assertClose([await loss.item()], [e.value], 'lfl value', { rtol: 1e-5, atol: 0 });
  assertClose(await th.grad!.float32(), e.grads[0]!, 'lfl grad');
  const fd = await finiteDifference((x) => ref.penaltyRef([{ theta: x, anchor: hOld }], 0.05).value, Float64Array.from(h), 1e-4, [0, 64, 300]);
  for (const i of [0, 64, 300]) assertClose([e.grads[0]![i]!], [fd[i]!], `lfl reference vs finite difference at ${i}`, { rtol: 1e-6, atol: 1e-9 });
  [th, tOld, loss].forEach((t) => t.dispose());
});

test('distillation: forward and backward vs float64, T 1 and 2, eps 1e-5 and 0, odd shapes', async () => {
  const engine = await getEngine();
  for (const [B, N] of [[1, 1], [7, 7], [63, 5], [65, 10], [257, 3], [3, 257]] as const) {
    for (const T of [1, 2]) for (const eps of [1e-5, 0]) {
      const z = rand(B * N, B * 7 + N, -6, 6), zo = rand(B * N, B * 11 + N, -6, 6);
      // Saturated rows: one logit far above the rest, so p underflows to 0 where q does not.
      if (B > 1) { z[0] = 60; zo[N > 1 ? 1 : 0] = 60; }
      const logits = parameter(upload(engine, z, [B, N])), old = upload(engine, zo, [B, N]);
      const what = `distillation [${B}x${N}] T${T} eps${eps}`;
      const loss = tidy(() => { const y = ops.distillation(logits, old, { T, eps }).keep(); backward(y); return y; });
      const lossRef = ref.distillationRef(z, zo, B, N, T, eps);
      if (eps > 0 || B === 1) assertClose([await loss.item()], [lossRef], `${what} loss`, { rtol: 1e-4, atol: 1e-5 });
      else assert.ok(Number.isFinite(await loss.item()), `${what}: finite loss with eps 0 (log-softmax, not log of an underflowed p)`);
      assertClose(await logits.grad!.float32(), ref.distillationGradRef(z, zo, B, N, T, eps), `${what} grad`, { rtol: 1e-4, atol: 1e-6 });
      assert.is(old.grad, null);
      [logits, old, loss].forEach((t) => t.dispose());
    }
  }
});

test('distillation: the analytic gradient matches finite differences (reference and GPU)', async () => {
  const engine = await getEngine();
  const [B, N, T, eps] = [3, 4, 2, 1e-5];
  const z = randomArray(B * N, 5, -2, 2), zo = randomArray(B * N, 6, -2, 2);
  const g = ref.distillationGradRef(z, zo, B, N, T, eps);
  assertClose(g, await finiteDifference((x) => ref.distillationRef(x, zo, B, N, T, eps), Float64Array.from(z), 1e-5), 'reference: analytic vs finite differences', { rtol: 1e-5, atol: 1e-9 });
  const old = upload(engine, zo, [B, N]);
  const gpu = await finiteDifference(async (x) => { const l = upload(engine, x, [B, N]); const y = ops.distillation(l, old, { T, eps }); const v = await y.item(); l.dispose(); y.dispose(); return v; }, Float64Array.from(z), 1e-2);
  assertClose(gpu, g, 'GPU loss: finite differences vs analytic', { rtol: 2e-2, atol: 2e-4 });
  old.dispose();
});

test('IMM merges over three tasks equal the closed forms; mode with zero Fisher is the mean', async () => {
  const engine = await getEngine();
  for (const n of SIZES) {
    const thetas = [0, 1, 2].map((t) => rand(n, 100 * t + n));
    const fishers = [0, 1, 2].map((t) => fisherData(n, 200 * t + n));
    for (const alphas of [[1, 1, 1], [0.2, 0.3, 0.5]]) {
      // Mean: the trained model of task t is merged into the running merge of tasks < t.
      const merged = upload(engine, thetas[0]!, [n]);
      let W = alphas[0]!;
      for (let t = 1; t < 3; t++) {
        const cur = upload(engine, thetas[t]!, [n]);
        k.immMeanMerge(cur, merged, W, alphas[t]!);
        engine.copy(cur.buffer, merged.buffer, cur.bytes);
        W += alphas[t]!;
        cur.dispose();
      }
      assertClose(await merged.float32(), ref.immMeanRef(thetas, alphas), `imm mean n${n} α${alphas}`);
      merged.dispose();
      for (const zero of [false, true]) {
        const F = zero ? fishers.map((f) => new Float32Array(f.length)) : fishers;
        const acc = fill(engine, [n], 0);
        let mergedMode: Tensor | null = null;
        let Wm = 0;
        for (let t = 0; t < 3; t++) {
          const cur = upload(engine, thetas[t]!, [n]), f = upload(engine, F[t]!, [n]);
          k.immModeMerge(cur, mergedMode, f, acc, Wm, alphas[t]!);
          Wm += alphas[t]!;
          mergedMode?.dispose();
          mergedMode = cur;
          f.dispose();
        }
        const expected = zero ? ref.immMeanRef(thetas, alphas) : ref.immModeRef(thetas, F, alphas, k.IMM_MODE_EPS);
        assertClose(await mergedMode!.float32(), expected, `imm mode n${n} α${alphas}${zero ? ' zero Fisher = mean' : ''}`, { rtol: 1e-5, atol: 1e-6 });
        assertClose(await acc.float32(), Float64Array.from(F[0]!, (_, i) => F.reduce((a, f, t) => a + alphas[t]! * f[i]!, 0)), `accumulated Fisher n${n}`);
        mergedMode!.dispose(); acc.dispose();
      }
    }
  }
});

// The declared kernels over their sweeps (1, 7, 63, 65, 257, … elements or rows, a grid past 65,535 workgroups).
test('ewc-fisher, the IMM merges, the quadratic penalty and the distillation forward and backward agree with float64 over their sweeps (checkKernel)', async () => {
  const engine = await getEngine();
  for (const name of ['ewc-fisher', 'imm-merge-mean', 'imm-merge-mode', 'quadratic-penalty', 'distill-forward', 'distill-backward']) await assertKernel(engine, name, { seeds: [1, 2] });
});

test.run();
