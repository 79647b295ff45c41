// A saturated gate keeps its slope: s·σ(s·e)·(1 − σ(s·e)) with the second factor computed as σ(−s·e),
// in every kernel that differentiates the gate, fused and unfused. With 1.0 − σ(s·e) in float32 the
// slope's relative error grows like e^(s·e)·2^−24 and the slope is exactly 0 past s·e ≈ 16.6.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, upload } from '../helpers.ts';
import * as hat from '../../src/kernels/hat.ts';
import * as ref from '../reference/hat.ts';

/** s·e from 0.5 to 50, both signs; e within the clamp (±6) and s up to smax (400). */
const PRODUCTS = [0.5, 3, 7, 12, 16, 17, 20, 30, 40, 50].flatMap((x) => [x, -x]);
const S = 10;
const E = Float32Array.from(PRODUCTS, (x) => x / S);

/** The first index whose relative error is over `rtol`, with what was expected and got (-1: none). */
function worst(got: Float32Array, expected: Float64Array, rtol: number): { at: number; rel: number } {
  let at = -1, rel = 0;
  expected.forEach((x, i) => {
    const r = Math.abs(got[i]! - x) / Math.abs(x);
    if (!(r <= rtol) && (at < 0 || r > rel)) { at = i; rel = r; }
  });
  return { at, rel };
}

test('gate backward: dE keeps full relative precision for s·e up to ±50 (fused and unfused)', async () => {
  const engine = await getEngine();
  const units = E.length;
  // One sample, h = a·1 (no dropout, ReLU on), g = 1: dE = s·a·σ(−s·e).
  const a = ref.gateRef(E, S);
  const h = Float32Array.from(a);
  const g = new Float32Array(units).fill(1);
  const expected = ref.gateBackwardRef(g, h, E, S, 0, null, 1, units, 1).dE;
  const tg = upload(engine, g, [1, units]), th = upload(engine, h, [1, units]), te = upload(engine, E, [units]);
  try {
    for (const [name, r] of [
      ['fused', hat.hatGateBackward(tg, th, { embedding: te, s: S }, 0, null, 1)],
      ['unfused', hat.hatGateBackwardUnfused(tg, th, { embedding: te, s: S }, 0, null, 1)],
    ] as const) {
      const got = await r.dEmbedding.float32();
      const { at, rel } = worst(got, expected, 1e-4);
      assert.is(at, -1, `${name}: s·e = ${PRODUCTS[at]}: got ${got[at]}, expected ${expected[at]} (relative error ${rel})`);
      r.dz.dispose(); r.dEmbedding.dispose(); r.dBias.dispose();
    }
  } finally {
    tg.dispose(); th.dispose(); te.dispose();
  }
});

test('embedding gradient: the regulariser term keeps full relative precision for s·e up to ±50 (fused and unfused)', async () => {
  const engine = await getEngine();
  const units = E.length;
  const o = { s: S, smax: 400, c: 0.75, regDenominator: 3 };
  const zero = new Float32Array(units);
  const expected = ref.embeddingGradRef(E, zero, null, o);
  const te = upload(engine, E, [units]), td = upload(engine, zero, [units]);
  try {
    for (const [name, fn] of [['fused', hat.hatEmbeddingGrad], ['unfused', hat.hatEmbeddingGradUnfused]] as const) {
      const out = fn(te, td, null, o);
      const got = await out.float32();
      out.dispose();
      const { at, rel } = worst(got, expected, 1e-4);
      assert.is(at, -1, `${name}: s·e = ${PRODUCTS[at]}: got ${got[at]}, expected ${expected[at]} (relative error ${rel})`);
    }
  } finally {
    te.dispose(); td.dispose();
  }
});

test.run();
