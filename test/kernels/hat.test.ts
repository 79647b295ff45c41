import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose } from '../helpers.ts';
import * as hat from '../../src/kernels/hat.ts';
import { fill } from '../../src/kernels/elementwise.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import { liveTensorCount, type Tensor } from '../../src/tensor.ts';
import * as ref from '../reference/hat.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
const rand32 = (n: number, seed: number, lo = -1, hi = 1) => f32(randomArray(n, seed, lo, hi));
/** A cumulative mask with exact 0s and 1s and values in between. */
function maskData(n: number, seed: number): Float32Array {
  return f32(Array.from(randomArray(n, seed, 0, 1), (v, i) => (i % 5 === 0 ? 0 : i % 5 === 1 ? 1 : v)));
}
/** An embedding in [−6, 6] hitting the clamp bounds, with values that saturate σ(400·e) to exactly 0 or 1. */
function embeddingData(n: number, seed: number): Float32Array {
  return f32(Array.from(randomArray(n, seed, -1, 1), (v, i) => (i % 7 === 3 ? 6 : i % 7 === 4 ? -6 : i % 7 === 5 ? 0.5 : v)));
}
function dispose(...ts: (Tensor | null)[]): void {
  for (const t of ts) t?.dispose();
}
async function read(t: Tensor): Promise<Float32Array> {
  return t.float32();
}

// ------------------------------------------------------------------------------------------------
test('annealS and hatRegDenominator', () => {
  for (const [i, n] of [[0, 100], [64, 6000], [5999, 6000], [6000, 6000]] as const) {
    assertClose([hat.annealS(i, n, 400)], [ref.annealSRef(i, n, 400)], `annealS ${i}/${n}`, { rtol: 1e-12, atol: 0 });
  }
  assert.is(hat.annealS(0, 10, 400), 1 / 400);
  const prev = maskData(63, 3);
  let expect = 7;
  for (const v of prev) expect += 1 - v;
  assertClose([hat.hatRegDenominator([null, prev], [7, 63])], [expect], 'denominator', { rtol: 1e-12, atol: 0 });
});

// ------------------------------------------------------------------------------------------------
async function checkLinearForward(engine: Engine, B: number, IN: number, OUT: number, s: number, p: number, seed: number) {
  const x = rand32(B * IN, B * 31 + IN), w = rand32(OUT * IN, OUT + 7), b = rand32(OUT, OUT + 9, -0.2, 0.2), e = embeddingData(OUT, OUT + 11);
  const tx = upload(engine, x, [B, IN]), tw = upload(engine, w, [OUT, IN]), tb = upload(engine, b, [OUT]), te = upload(engine, e, [OUT]);
  const gate = { embedding: te, s };
  const fused = hat.hatLinearForward(tx, tw, tb, gate, { p, seed });
  const unfused = hat.hatLinearForwardUnfused(tx, tw, tb, gate, { p, seed });
  const [hf, hu] = [await read(fused), await read(unfused)];
  const expected = ref.linearForwardRef(x, w, b, e, s, p, seed, B, IN, OUT);
  const what = `linear forward B${B} in${IN} out${OUT} s${s} p${p}`;
  const tol = { rtol: 1e-4, atol: 1e-5 * Math.sqrt(IN) };
  assertClose(hf, expected, `${what} fused`, tol);
  assertClose(hu, expected, `${what} unfused`, tol);
  assertClose(hf, hu, `${what} fused vs unfused`, tol);
  // Same dropout mask: a value is zero in one exactly where it is in the other (away from ReLU's edge).
  let differ = 0;
  for (let i = 0; i < hf.length; i++) if ((hf[i] === 0) !== (hu[i] === 0) && Math.abs(expected[i]!) > 1e-4) differ++;
  assert.is(differ, 0, `${what}: ${differ} elements dropped in one path only`);
  dispose(tx, tw, tb, te, fused, unfused);
}

test('gated linear forward: fused and unfused vs float64, odd shapes, dropout 0 and 0.5, s small and large', async () => {
  const engine = await getEngine();
  for (const [B, IN, OUT] of [[1, 1, 1], [7, 7, 7], [65, 65, 63], [7, 65, 257], [65, 1, 7], [8, 64, 128]] as const) {
    for (const s of [1 / 400, 1, 400]) for (const p of [0, 0.5]) await checkLinearForward(engine, B, IN, OUT, s, p, 1234 + B);
  }
});

test('gated linear forward: s = 400 saturates the gate to exactly 0 and 1', async () => {
  const engine = await getEngine();
  const B = 3, IN = 4, OUT = 4;
  const x = f32([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  const w = f32(Array(16).fill(0.25)), b = f32([0, 0, 0, 0]), e = f32([6, -6, 1, -1]);
  const tx = upload(engine, x, [B, IN]), tw = upload(engine, w, [OUT, IN]), tb = upload(engine, b, [OUT]), te = upload(engine, e, [OUT]);
  for (const fn of [hat.hatLinearForward, hat.hatLinearForwardUnfused]) {
    const h = fn(tx, tw, tb, { embedding: te, s: 400 }, { p: 0, seed: 0 });
    const d = await read(h);
    for (let r = 0; r < B; r++) {
      assert.is(d[r * 4 + 0], r + 1, 'gate 1 exactly');
      assert.is(d[r * 4 + 1], 0, 'gate 0 exactly');
      assert.is(d[r * 4 + 2], r + 1, 'σ(400) is 1 in f32');
      assert.is(d[r * 4 + 3], 0, 'σ(−400) underflows to 0');
    }
    h.dispose();
  }
  dispose(tx, tw, tb, te);
});

// ------------------------------------------------------------------------------------------------
test('gated conv forward: fused and unfused vs float64, odd shapes, padding and stride, dropout', async () => {
  const engine = await getEngine();
  const cases = [
    ref.convGeom(1, 1, 5, 5, 1, 3, 3),
    ref.convGeom(2, 3, 7, 6, 7, 3, 2),
    ref.convGeom(3, 2, 9, 9, 5, 4, 4, 1, 1),
    ref.convGeom(2, 3, 9, 8, 9, 3, 3, 2, 1),
    ref.convGeom(5, 4, 6, 6, 13, 2, 2),
  ];
  for (const g of cases) for (const s of [1 / 400, 400]) for (const p of [0, 0.5]) {
    const x = rand32(g.n * g.c * g.h * g.w, g.n + g.c * 7), w = rand32(g.o * g.c * g.kh * g.kw, g.o + 3, -0.5, 0.5);
    const b = rand32(g.o, g.o + 5, -0.2, 0.2), e = embeddingData(g.o, g.o + 6);
    const tx = upload(engine, x, [g.n, g.c, g.h, g.w]), tw = upload(engine, w, [g.o, g.c, g.kh, g.kw]), tb = upload(engine, b, [g.o]), te = upload(engine, e, [g.o]);
    const conv = { stride: g.stride, padding: g.pad };
    const seed = 99 + g.o;
    const fused = hat.hatConvForward(tx, tw, tb, { embedding: te, s }, { p, seed }, conv);
    const unfused = hat.hatConvForwardUnfused(tx, tw, tb, { embedding: te, s }, { p, seed }, conv);
    assert.equal([...fused.shape], [g.n, g.o, g.oh, g.ow]);
    const expected = ref.convForwardRef(x, w, b, e, s, p, seed, g);
    const what = `conv forward ${JSON.stringify(g)} s${s} p${p}`;
    const [hf, hu] = [await read(fused), await read(unfused)];
    const tol = { rtol: 1e-4, atol: 1e-5 * Math.sqrt(g.c * g.kh * g.kw) };
    assertClose(hf, expected, `${what} fused`, tol);
    assertClose(hu, expected, `${what} unfused`, tol);
    let differ = 0;
    for (let i = 0; i < hf.length; i++) if ((hf[i] === 0) !== (hu[i] === 0) && Math.abs(expected[i]!) > 1e-4) differ++;
    assert.is(differ, 0, `${what}: dropout masks differ`);
    dispose(tx, tw, tb, te, fused, unfused);
  }
});

// ------------------------------------------------------------------------------------------------
async function checkGateBackward(engine: Engine, outer: number, units: number, inner: number, s: number, p: number, withPost: boolean) {
  const n = outer * units * inner;
  const g = rand32(n, n + units);
  // h ≥ 0 with exact zeros (ReLU off or dropped); a saturated gate makes whole units zero.
  const e = embeddingData(units, units + 2);
  const a = ref.gateRef(e, s);
  const h = f32(Array.from(randomArray(n, n + 5, -1, 2), (v, i) => (v <= 0 || a[Math.floor(i / inner) % units] === 0 ? 0 : v)));
  const post = withPost ? maskData(units, units + 4) : null;
  const tg = upload(engine, g, inner > 1 ? [outer, units, inner] : [outer, units]), th = upload(engine, h, tg.shape as number[]), te = upload(engine, e, [units]);
  const tpost = post ? upload(engine, post, [units]) : null;
  const expected = ref.gateBackwardRef(g, h, e, s, p, post, outer, units, inner);
  const maxE = Math.max(1e-30, ...expected.dEMag), maxB = Math.max(1e-30, ...expected.dbMag);
  const what = `gate backward [${outer}x${units}x${inner}] s${s} p${p}${withPost ? ' post' : ''}`;
  const results: [string, hat.GateBackward][] = [
    ['fused per_unit', hat.hatGateBackward(tg, th, { embedding: te, s }, p, tpost, inner, { variant: 'per_unit' })],
    ['fused per_group', hat.hatGateBackward(tg, th, { embedding: te, s }, p, tpost, inner, { variant: 'per_group' })],
    ['fused auto', hat.hatGateBackward(tg, th, { embedding: te, s }, p, tpost, inner)],
    ['unfused', hat.hatGateBackwardUnfused(tg, th, { embedding: te, s }, p, tpost, inner)],
  ];
  for (const [name, r] of results) {
    assert.equal([...r.dz.shape], [...tg.shape]);
    assertClose(await read(r.dz), expected.dz, `${what} ${name} dz`, { rtol: 1e-5, atol: 1e-7 });
    assertClose(await read(r.dEmbedding), expected.dE, `${what} ${name} dE`, { rtol: 1e-4, atol: 1e-5 * maxE });
    assertClose(await read(r.dBias), expected.db, `${what} ${name} db`, { rtol: 1e-4, atol: 1e-5 * maxB });
    dispose(r.dz, r.dEmbedding, r.dBias);
  }
  dispose(tg, th, te, tpost);
}

test('gate backward: both kernels and the unfused twin vs float64 (linear and conv layouts, masks, dropout, s)', async () => {
  const engine = await getEngine();
  for (const [outer, units, inner] of [[1, 1, 1], [7, 7, 1], [65, 63, 1], [65, 257, 1], [7, 1, 1], [3, 7, 25], [2, 5, 63], [65, 3, 9], [1, 4, 300]] as const) {
    for (const s of [1 / 400, 400]) for (const p of [0, 0.5]) for (const withPost of [false, true]) await checkGateBackward(engine, outer, units, inner, s, p, withPost);
  }
});

// ------------------------------------------------------------------------------------------------
test('masked linear weight gradient: fused and unfused vs float64 (task 0, first layer, later task, preRepeat)', async () => {
  const engine = await getEngine();
  for (const [B, OUT, IN, rep] of [[1, 1, 1, 1], [7, 7, 7, 1], [65, 63, 65, 1], [7, 257, 7, 1], [65, 7, 63, 9], [5, 12, 20, 4], [64, 64, 128, 1]] as const) {
    const dz = rand32(B * OUT, B + OUT), x = rand32(B * IN, B + IN + 1);
    const tdz = upload(engine, dz, [B, OUT]), tx = upload(engine, x, [B, IN]);
    const post = maskData(OUT, OUT), pre = maskData(IN / rep, IN);
    const tpost = upload(engine, post, [OUT]), tpre = upload(engine, pre, [IN / rep]);
    for (const [name, mp, mq] of [['task 0', null, null], ['first layer', tpost, null], ['later', tpost, tpre]] as const) {
      const expected = ref.linearWeightGradRef(dz, x, mp ? post : null, mq ? pre : null, rep, B, OUT, IN);
      const what = `linear dW B${B} out${OUT} in${IN} rep${rep} ${name}`;
      const tol = { rtol: 1e-5 * Math.sqrt(B), atol: 1e-6 * Math.sqrt(B) };
      const f = hat.hatLinearWeightGrad(tdz, tx, mp, mq, rep);
      const u = hat.hatLinearWeightGradUnfused(tdz, tx, mp, mq, rep);
      assert.equal([...f.shape], [OUT, IN]);
      assert.equal([...u.shape], [OUT, IN]);
      assertClose(await read(f), expected, `${what} fused`, tol);
      assertClose(await read(u), expected, `${what} unfused`, tol);
      dispose(f, u);
    }
    dispose(tdz, tx, tpost, tpre);
  }
});

test('masked conv weight gradient: fused (with and without split) and unfused vs float64', async () => {
  const engine = await getEngine();
  for (const g of [ref.convGeom(1, 1, 4, 4, 1, 2, 2), ref.convGeom(2, 3, 7, 6, 7, 3, 2), ref.convGeom(3, 5, 9, 9, 13, 4, 4, 1, 1), ref.convGeom(2, 3, 9, 8, 6, 3, 3, 2, 1), ref.convGeom(8, 4, 12, 12, 16, 3, 3)]) {
    const dz = rand32(g.n * g.o * g.oh * g.ow, g.o + 1), x = rand32(g.n * g.c * g.h * g.w, g.c + 2);
    const tdz = upload(engine, dz, [g.n, g.o, g.oh, g.ow]), tx = upload(engine, x, [g.n, g.c, g.h, g.w]);
    const post = maskData(g.o, g.o + 3), pre = maskData(g.c, g.c + 4);
    const tpost = upload(engine, post, [g.o]), tpre = upload(engine, pre, [g.c]);
    const conv = { stride: g.stride, padding: g.pad, kernel: [g.kh, g.kw] as [number, number] };
    for (const [name, mp, mq] of [['task 0', null, null], ['first layer', tpost, null], ['later', tpost, tpre]] as const) {
      const expected = ref.convWeightGradRef(dz, x, mp ? post : null, mq ? pre : null, g);
      const what = `conv dW ${JSON.stringify(g)} ${name}`;
      const K = g.n * g.oh * g.ow;
      const tol = { rtol: 1e-5 * Math.sqrt(K), atol: 1e-6 * Math.sqrt(K) };
      const f = hat.hatConvWeightGrad(tdz, tx, mp, mq, conv);
      const u = hat.hatConvWeightGradUnfused(tdz, tx, mp, mq, conv);
      assert.equal([...f.shape], [g.o, g.c, g.kh, g.kw]);
      assertClose(await read(f), expected, `${what} fused`, tol);
      assertClose(await read(u), expected, `${what} unfused`, tol);
      dispose(f, u);
      if (g.stride === 1) {
        const inferred = hat.hatConvWeightGrad(tdz, tx, mp, mq, { padding: g.pad });
        assertClose(await read(inferred), expected, `${what} kernel size inferred`, tol);
        inferred.dispose();
      }
    }
    dispose(tdz, tx, tpost, tpre);
  }
});

// ------------------------------------------------------------------------------------------------
test('embedding gradient: regulariser + compensation, fused and unfused vs float64 (s small and large, clamp)', async () => {
  const engine = await getEngine();
  for (const units of [1, 7, 63, 257]) for (const s of [1 / 400, 0.7, 400]) for (const withPrev of [false, true]) {
    const e = embeddingData(units, units + 1), dERaw = rand32(units, units + 2, -0.01, 0.01);
    const prev = withPrev ? maskData(units, units + 3) : null;
    const o = { s, smax: 400, c: 0.75, regDenominator: withPrev ? 0.5 * units + 3 : units + 3 };
    const te = upload(engine, e, [units]), td = upload(engine, dERaw, [units]), tp = prev ? upload(engine, prev, [units]) : null;
    const expected = ref.embeddingGradRef(e, dERaw, prev, o);
    const mag = Float64Array.from(e, (v, i) => (Math.abs(dERaw[i]!) + Math.abs(ref.regGradRef(e, prev, s, o.c, o.regDenominator)[i]!)) * ref.compensationRef(v, s, o.smax));
    const what = `embedding grad ${units} s${s}${withPrev ? ' prev' : ''}`;
    for (const [name, fn] of [['fused', hat.hatEmbeddingGrad], ['unfused', hat.hatEmbeddingGradUnfused]] as const) {
      const got = await read(fn(te, td, tp, o));
      const bad = Array.from(got).findIndex((v, i) => !(Math.abs(v - expected[i]!) <= 2e-4 * mag[i]! + 1e-30));
      assert.is(bad, -1, `${what} ${name}: at ${bad} got ${got[bad]}, expected ${expected[bad]} (magnitude ${mag[bad]})`);
    }
    dispose(te, td, tp);
  }
});

test("the regulariser part of the embedding gradient is c·dR/de (finite differences of R)", async () => {
  const engine = await getEngine();
  const l0 = { e: embeddingData(7, 1).map((v) => v / 6), prev: null as Float32Array | null };
  const l1 = { e: rand32(63, 2), prev: maskData(63, 3) as Float32Array | null };
  for (const s of [0.5, 3, 10]) for (const layers of [[{ ...l0 }, { ...l1, prev: null }], [l0, l1]]) {
    const den = hat.hatRegDenominator(layers.map((l) => l.prev), layers.map((l) => l.e.length));
    const c = 0.75, smax = 400;
    for (let li = 0; li < layers.length; li++) {
      const layer = layers[li]!;
      const x = Float64Array.from(layer.e);
      const fd = new Float64Array(x.length);
      const eps = 1e-6;
      for (let i = 0; i < x.length; i++) {
        const at = (v: number) => { const y = Float64Array.from(x); y[i] = v; return ref.regularizerRef(layers.map((l, k) => (k === li ? { e: y, prev: l.prev } : l)), s); };
        fd[i] = (at(x[i]! + eps) - at(x[i]! - eps)) / (2 * eps);
      }
      const te = upload(engine, layer.e, [x.length]), zero = fill(engine, [x.length], 0), tp = layer.prev ? upload(engine, layer.prev, [x.length]) : null;
      const o = { s, smax, c, regDenominator: den };
      for (const fn of [hat.hatEmbeddingGrad, hat.hatEmbeddingGradUnfused]) {
        const got = await read(fn(te, zero, tp, o));
        const expected = Float64Array.from(fd, (v, i) => c * v * ref.compensationRef(layer.e[i]!, s, smax));
        // f32 a·(1 − a) near saturation: 1 − a carries an absolute error of about an ulp of 1 (as in PyTorch).
        assertClose(got, expected, `reg gradient vs FD layer ${li} s${s}`, { rtol: 2e-3, atol: 1e-6 * Math.max(...expected.map(Math.abs)) });
      }
      dispose(te, zero, tp);
    }
  }
});

test('embedding step: clip factor (none, given, from the norm), clamp to ±6; fused and unfused', async () => {
  const engine = await getEngine();
  for (const units of [1, 7, 257]) {
    const e = embeddingData(units, units), g = rand32(units, units + 1, -100, 100);
    const tg = upload(engine, g, [units]);
    const cases: [string, () => hat.ClipScale, number][] = [
      ['none', () => null, 1],
      ['scale 0.25', () => upload(engine, [0.25], [1]), 0.25],
      ['norm 40000, max 10000', () => ({ norm: upload(engine, [40000], [1]), maxNorm: 10000 }), 10000 / (40000 + 1e-6)],
      ['norm 5, max 10000 (inactive)', () => ({ norm: upload(engine, [5], [1]), maxNorm: 10000 }), 1],
    ];
    for (const [name, make, factor] of cases) for (const [fname, fn] of [['fused', hat.hatEmbeddingStep], ['unfused', hat.hatEmbeddingStepUnfused]] as const) {
      const te = upload(engine, e, [units]);
      const clip = make();
      fn(te, tg, 0.05, clip);
      assertClose(await read(te), ref.embeddingStepRef(e, g, 0.05, factor), `step ${units} ${name} ${fname}`, { rtol: 1e-6, atol: 1e-6 });
      const cl = clip === null ? null : 'norm' in clip ? clip.norm : clip;
      dispose(te, cl);
    }
    // A different bound.
    const te = upload(engine, e, [units]);
    hat.hatEmbeddingStep(te, tg, 1, null, 2);
    assertClose(await read(te), ref.embeddingStepRef(e, g, 1, 1, 2), `step ${units} bound 2`, { rtol: 1e-6, atol: 1e-6 });
    dispose(te, tg);
  }
});

// ------------------------------------------------------------------------------------------------
test('regulariser value: fused and unfused vs float64 (first task, later task, mixed, many layers, s)', async () => {
  const engine = await getEngine();
  const sizes = [1, 7, 63, 257, 2000];
  for (const s of [1 / 400, 1, 400]) for (const withPrev of ['none', 'all', 'mixed']) for (const count of [1, 2, 5]) {
    const data = sizes.slice(0, count).map((n, i) => ({ e: embeddingData(n, n + i), prev: withPrev === 'all' || (withPrev === 'mixed' && i % 2 === 1) ? maskData(n, n + 9) : null }));
    const layers = data.map((d) => ({ embedding: upload(engine, d.e, [d.e.length]), prev: d.prev ? upload(engine, d.prev, [d.prev.length]) : null }));
    const expected = ref.regularizerRef(data, s);
    for (const [name, fn] of [['fused', hat.hatRegularizer], ['unfused', hat.hatRegularizerUnfused]] as const) {
      const r = fn(layers, s);
      assert.equal([...r.shape], [1]);
      assertClose([await r.item()], [expected], `R ${name} s${s} ${withPrev} ${count} layers`, { rtol: 2e-5, atol: 1e-7 });
      r.dispose();
    }
    for (const l of layers) dispose(l.embedding, l.prev);
  }
});

test('mask update: prev = max(prev, σ(smax·e)), in place, fused and unfused', async () => {
  const engine = await getEngine();
  for (const units of [1, 7, 63, 257]) for (const smax of [400, 1]) {
    const e = embeddingData(units, units), prev = maskData(units, units + 1);
    const expected = ref.maskUpdateRef(prev, e, smax);
    for (const fn of [hat.hatMaskUpdate, hat.hatMaskUpdateUnfused]) {
      const tp = upload(engine, prev, [units]), te = upload(engine, e, [units]);
      fn(tp, te, smax);
      const got = await read(tp);
      assertClose(got, expected, `mask update ${units} smax${smax}`, { rtol: 1e-6, atol: 1e-7 });
      // First task: from zeros the mask is the gate itself (0 and 1 exactly at saturation).
      const z = fill(engine, [units], 0);
      fn(z, te, smax);
      assertClose(await read(z), ref.gateRef(e, smax), `mask from zeros ${units}`, { rtol: 1e-6, atol: 1e-7 });
      dispose(tp, te, z);
    }
  }
});

test('the same layers without HAT (gate off): forward and ReLU/dropout backward vs float64', async () => {
  const engine = await getEngine();
  const openGate = (n: number) => new Float64Array(n).fill(1000); // σ(1000) = 1 exactly in float64
  for (const [B, IN, OUT] of [[1, 1, 1], [7, 65, 63], [65, 7, 257]] as const) {
    for (const p of [0, 0.5]) {
      const x = rand32(B * IN, 11), w = rand32(OUT * IN, 12), b = rand32(OUT, 13), g = rand32(B * OUT, 14);
      const [tx, tw, tb, tg] = [upload(engine, x, [B, IN]), upload(engine, w, [OUT, IN]), upload(engine, b, [OUT]), upload(engine, g, [B, OUT])];
      const h = hat.plainLinearForward(tx, tw, tb, { p, seed: 5 });
      const hv = await h.float32();
      assertClose(hv, ref.linearForwardRef(x, w, b, openGate(OUT), 1, p, 5, B, IN, OUT), `plain forward ${B}x${IN}x${OUT} p=${p}`, { rtol: 1e-4, atol: 1e-5 });
      const back = hat.plainReluDropoutBackward(tg, h, p);
      const r = ref.gateBackwardRef(g, hv, openGate(OUT), 1, p, null, B, OUT, 1);
      assertClose(await back.dz.float32(), r.dz, `plain dz ${B}x${OUT}`, { rtol: 1e-5, atol: 1e-6 });
      assertClose(await back.dBias.float32(), r.db, `plain db ${B}x${OUT}`, { rtol: 1e-4, atol: 1e-5 });
      dispose(tx, tw, tb, tg, h, back.dz, back.dBias);
    }
  }
});

// The declared HAT kernels over their sweeps (1, 7, 63, 65, 257, tile multiples, a grid over 65,535
// workgroups), three seeds each (dropout on every other seed), outputs NaN-filled and guarded.
for (const name of ['gated-matmul', 'masked-weight-grad', 'gated-conv2d', 'masked-conv-weight-grad', 'embedding-grad', 'embedding-step', 'gate-backward', 'mask-update', 'regularizer-layer']) {
  test(`${name} agrees with float64 over its sweep (checkKernel)`, async () => {
    const engine = await getEngine();
    const result = await assertKernel(engine, name);
    assert.ok(result.cases >= 10, `${name}: ${result.cases} cases`);
  });
}

test('shape and argument errors name the op', async () => {
  const engine = await getEngine();
  const x = fill(engine, [3, 4], 1), w = fill(engine, [5, 4], 1), b = fill(engine, [5], 0), e = fill(engine, [6], 0);
  assert.throws(() => hat.hatLinearForward(x, w, b, { embedding: e, s: 1 }, { p: 0, seed: 0 }), /hatLinearForward.*embedding has 6 values/);
  const e5 = fill(engine, [5], 0);
  assert.throws(() => hat.hatLinearForward(x, w, b, { embedding: e5, s: 1 }, { p: 1, seed: 0 }), /dropout p must be in \[0, 1\)/);
  const dz = fill(engine, [3, 5], 1);
  assert.throws(() => hat.hatLinearWeightGrad(dz, x, b, e5, 1), /maskPre has 5 values/);
  assert.throws(() => hat.hatLinearWeightGrad(dz, x, b, fill(engine, [2], 0), 3), /not a multiple of preRepeat 3/);
  dispose(x, w, b, e, e5, dz);
});

test('every op, fused and unfused, leaves no tensor or buffer behind but its outputs', async () => {
  const engine = await getEngine();
  const B = 5, IN = 12, OUT = 7, rep = 4;
  const x = upload(engine, rand32(B * IN, 1), [B, IN]), w = upload(engine, rand32(OUT * IN, 2), [OUT, IN]), b = upload(engine, rand32(OUT, 3), [OUT]);
  const e = upload(engine, embeddingData(OUT, 4), [OUT]), post = upload(engine, maskData(OUT, 5), [OUT]), pre = upload(engine, maskData(IN / rep, 6), [IN / rep]);
  const cx = upload(engine, rand32(2 * 3 * 6 * 6, 7), [2, 3, 6, 6]), cw = upload(engine, rand32(OUT * 3 * 9, 8), [OUT, 3, 3, 3]), cpre = upload(engine, maskData(3, 9), [3]);
  const gate = { embedding: e, s: 2 }, drop = { p: 0.5, seed: 7 };
  const g = upload(engine, rand32(B * OUT, 10), [B, OUT]), cg = upload(engine, rand32(2 * OUT * 16, 11), [2, OUT, 4, 4]);
  const clip = upload(engine, [0.5], [1]);
  await engine.sync();
  const ops: [string, () => unknown][] = [];
  for (const fused of [true, false]) {
    const F = fused ? '' : ' unfused';
    ops.push(
      [`linear forward${F}`, () => (fused ? hat.hatLinearForward : hat.hatLinearForwardUnfused)(x, w, b, gate, drop)],
      [`conv forward${F}`, () => (fused ? hat.hatConvForward : hat.hatConvForwardUnfused)(cx, cw, b, gate, drop, {})],
      [`gate backward${F}`, () => (fused ? hat.hatGateBackward : hat.hatGateBackwardUnfused)(cg, cg, gate, 0.5, post, 16)],
      [`linear dW${F}`, () => (fused ? hat.hatLinearWeightGrad : hat.hatLinearWeightGradUnfused)(g, x, post, pre, rep)],
      [`conv dW${F}`, () => (fused ? hat.hatConvWeightGrad : hat.hatConvWeightGradUnfused)(cg, cx, post, cpre, {})],
      [`embedding grad${F}`, () => (fused ? hat.hatEmbeddingGrad : hat.hatEmbeddingGradUnfused)(e, b, post, { s: 2, smax: 400, c: 0.75, regDenominator: 3 })],
      [`embedding step${F}`, () => (fused ? hat.hatEmbeddingStep : hat.hatEmbeddingStepUnfused)(b, e, 0.1, clip)],
      [`regulariser${F}`, () => (fused ? hat.hatRegularizer : hat.hatRegularizerUnfused)([{ embedding: e, prev: post }, { embedding: b, prev: null }], 2)],
      [`mask update${F}`, () => (fused ? hat.hatMaskUpdate : hat.hatMaskUpdateUnfused)(post, e, 400)],
    );
  }
  for (const [name, op] of ops) {
    const tensors = liveTensorCount(), buffers = engine.pool.stats().liveBuffers;
    const out = op();
    const outs = out === undefined ? [] : 'dz' in (out as object) ? Object.values(out as hat.GateBackward) : [out as Tensor];
    await engine.sync();
    assert.is(liveTensorCount() - tensors, outs.length, `${name}: live tensors`);
    assert.is(engine.pool.stats().liveBuffers - buffers, outs.length, `${name}: live buffers`);
    for (const t of outs) t.dispose();
  }
  dispose(x, w, b, e, post, pre, cx, cw, cpre, g, cg, clip);
});

test.run();
