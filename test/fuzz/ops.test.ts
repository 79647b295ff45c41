// Differential fuzzing: seeded random shapes (odd ones, ones, and a few large) through random chains of
// ops from src/ops (broadcasting add/sub/mul/div, unary maps, linear with and without ReLU, sum/mean
// over an axis) ending in softmax cross-entropy or a weighted sum; every op's output and every gradient
// is checked against a float64 reference. The reference evaluates each op on the GPU's own float32
// inputs, so kinks (ReLU, clamp) take the same side and errors do not compound along the chain.
// Bounded: FUZZ_CASES (default 30) chains of at most 6 ops; FUZZ_SEED picks another sequence;
// FUZZ_VERBOSE=1 prints each chain. A failure names the seed, the case and the whole chain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine } from '../helpers.ts';
import { Rng } from '../../src/data/rng.ts';
import { tensor, type Tensor } from '../../src/tensor.ts';
import { backward, parameter } from '../../src/autograd.ts';
import * as ops from '../../src/ops/index.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import { softmaxCrossEntropyRef } from '../reference/loss.ts';

type S2 = [number, number];

interface Param { t: Tensor; v: Float64Array; shape2: S2; name: string }
interface Step {
  desc: string;
  inShape: S2;
  out: Tensor;
  outShape: S2;
  outV: Float64Array;
  params: Param[];
  /** Float64 forward on the GPU's input values. */
  ref: Float64Array;
  /** dL/dinput and dL/dparams from dL/doutput, in float64, on the GPU's forward values. */
  back(g: Float64Array): { gIn: Float64Array | null; gParams: Float64Array[] };
}

const DIMS = [1, 2, 3, 5, 7, 13, 31, 33, 64, 65, 127];
const LARGE = [257, 513, 1031];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function values(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, () => Math.fround(rng.uniform(lo, hi)));
}

/** Index into a [r, c]-broadcast operand of shape s at output position (i, j). */
const at = (s: S2, i: number, j: number) => (s[0] === 1 ? 0 : i) * s[1] + (s[1] === 1 ? 0 : j);

async function read(t: Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.float32('fuzz'));
}

function newParam(engine: Engine, rng: Rng, shape2: S2, gpuShape: number[], name: string, lo = -1, hi = 1): Param {
  const v = values(rng, shape2[0] * shape2[1], lo, hi);
  return { t: parameter(tensor(engine, Float32Array.from(v), gpuShape, 'f32', name)), v, shape2, name };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function compare(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rel: number): void {
  assert.is(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  const atol = rel * Math.max(1, maxAbs(want));
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    if (!(err <= atol + rel * Math.abs(want[i]!))) throw new Error(`${what}: at ${i} got ${got[i]}, float64 reference ${want[i]} (|err| ${err.toExponential(2)}, tolerance ${(atol + rel * Math.abs(want[i]!)).toExponential(2)})`);
  }
}

async function unaryStep(rng: Rng, h: Tensor, hv: Float64Array, shape: S2): Promise<Step> {
  const big = maxAbs(hv);
  const kinds = ['relu', 'sigmoid', 'tanh', 'neg', 'square', 'affine', 'scale', 'clamp', ...(big < 4 ? ['exp'] : [])];
  const kind = pick(rng, kinds);
  const a = Math.fround(rng.uniform(-2, 2)), b = Math.fround(rng.uniform(-1, 1));
  const lo = Math.fround(-rng.uniform(0.1, 1.5)), hi = Math.fround(rng.uniform(0.1, 1.5));
  const f: Record<string, [() => Tensor, (x: number) => number, (x: number, y: number) => number]> = {
    relu: [() => ops.relu(h), (x) => Math.max(x, 0), (x) => (x > 0 ? 1 : 0)],
    sigmoid: [() => ops.sigmoid(h), (x) => 1 / (1 + Math.exp(-x)), (_x, y) => y * (1 - y)],
    tanh: [() => ops.tanh(h), Math.tanh, (_x, y) => 1 - y * y],
    neg: [() => ops.neg(h), (x) => -x, () => -1],
    square: [() => ops.square(h), (x) => x * x, (x) => 2 * x],
    affine: [() => ops.affine(h, a, b), (x) => a * x + b, () => a],
    scale: [() => ops.scale(h, a), (x) => a * x, () => a],
    clamp: [() => ops.clamp(h, lo, hi), (x) => Math.min(Math.max(x, lo), hi), (x) => (x >= lo && x <= hi ? 1 : 0)],
    exp: [() => ops.exp(h), Math.exp, (_x, y) => y],
  };
  const [run, fwd, deriv] = f[kind]!;
  const out = run();
  const outV = await read(out);
  const ref = hv.map(fwd);
  return {
    desc: `${kind}${kind === 'affine' ? `(${a.toFixed(3)}, ${b.toFixed(3)})` : kind === 'scale' ? `(${a.toFixed(3)})` : kind === 'clamp' ? `(${lo.toFixed(3)}, ${hi.toFixed(3)})` : ''}`,
    inShape: shape, out, outShape: shape, outV, params: [], ref,
    // Derivatives at the GPU's values (its forward output for sigmoid/tanh/exp, as the backward uses).
    back: (g) => ({ gIn: g.map((gi, i) => gi * deriv(hv[i]!, outV[i]!)), gParams: [] }),
  };
}

async function binaryStep(engine: Engine, rng: Rng, h: Tensor, hv: Float64Array, shape: S2, k: number): Promise<Step> {
  const [r, c] = shape;
  // The other operand: same shape, broadcast over rows/columns/everything, or expanding h where h is 1 wide.
  const options: { s2: S2; gpu: number[] }[] = [
    { s2: [r, c], gpu: [r, c] }, { s2: [1, c], gpu: [c] }, { s2: [1, c], gpu: [1, c] }, { s2: [r, 1], gpu: [r, 1] }, { s2: [1, 1], gpu: [1] },
  ];
  if (r === 1) { const n = pick(rng, DIMS); options.push({ s2: [n, c], gpu: [n, c] }); }
  if (c === 1) { const n = pick(rng, DIMS); options.push({ s2: [r, n], gpu: [r, n] }); }
  const o = pick(rng, options);
  const kind = pick(rng, ['add', 'sub', 'mul', 'div'] as const);
  const p = kind === 'div' ? newParam(engine, rng, o.s2, o.gpu, `p${k}`, 0.5, 1.5) : newParam(engine, rng, o.s2, o.gpu, `p${k}`);
  if (kind === 'div' && rng.int(2)) for (let i = 0; i < p.v.length; i++) p.v[i] = -p.v[i]!; // (uploaded below)
  if (kind === 'div') engine.upload(p.t.buffer, Float32Array.from(p.v));
  const swap = kind !== 'div' && rng.int(2) === 1;
  const out = swap ? ops[kind](p.t, h) : ops[kind](h, p.t);
  const outShape: S2 = [Math.max(r, o.s2[0]), Math.max(c, o.s2[1])];
  const outV = await read(out);
  const [R, C] = outShape;
  const ref = new Float64Array(R * C);
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) {
    const x = hv[at(shape, i, j)]!, y = p.v[at(o.s2, i, j)]!;
    const [u, w] = swap ? [y, x] : [x, y];
    ref[i * C + j] = kind === 'add' ? u + w : kind === 'sub' ? u - w : kind === 'mul' ? u * w : u / w;
  }
  return {
    desc: `${swap ? `${kind}(${p.name} [${o.gpu}], h)` : `${kind}(h, ${p.name} [${o.gpu}])`}`,
    inShape: shape, out, outShape, outV, params: [p], ref,
    back: (g) => {
      const gIn = new Float64Array(r * c), gP = new Float64Array(p.v.length);
      for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) {
        const gi = g[i * C + j]!, hi = at(shape, i, j), pi = at(o.s2, i, j);
        const x = hv[hi]!, y = p.v[pi]!;
        // d/dx and d/dy of out = x ∘ y (or y ∘ x when swapped)
        let dx: number, dy: number;
        if (kind === 'add') { dx = 1; dy = 1; }
        else if (kind === 'sub') { dx = swap ? -1 : 1; dy = swap ? 1 : -1; }
        else if (kind === 'mul') { dx = y; dy = x; }
        else { dx = 1 / y; dy = -x / (y * y); }
        gIn[hi] += gi * dx;
        gP[pi] += gi * dy;
      }
      return { gIn, gParams: [gP] };
    },
  };
}

async function linearStep(engine: Engine, rng: Rng, h: Tensor, hv: Float64Array, shape: S2, k: number): Promise<Step> {
  const [B, IN] = shape;
  const OUT = pick(rng, [1, 2, 3, 7, 16, 33, 40]);
  const bound = 1 / Math.sqrt(IN);
  const w = newParam(engine, rng, [OUT, IN], [OUT, IN], `w${k}`, -bound, bound);
  const b = newParam(engine, rng, [1, OUT], [OUT], `b${k}`, -bound, bound);
  const relu = rng.int(2) === 1;
  const out = ops.linear(h, w.t, b.t, { relu });
  const outV = await read(out);
  const ref = new Float64Array(B * OUT);
  for (let i = 0; i < B; i++) for (let o = 0; o < OUT; o++) {
    let s = b.v[o]!;
    for (let j = 0; j < IN; j++) s += hv[i * IN + j]! * w.v[o * IN + j]!;
    ref[i * OUT + o] = relu ? Math.max(s, 0) : s;
  }
  return {
    desc: `linear${relu ? '+relu' : ''}(h, ${w.name} [${OUT}, ${IN}], ${b.name})`,
    inShape: shape, out, outShape: [B, OUT], outV, params: [w, b], ref,
    back: (g) => {
      const dz = g.map((gi, i) => (relu && !(outV[i]! > 0) ? 0 : gi));
      const gIn = new Float64Array(B * IN), gW = new Float64Array(OUT * IN), gB = new Float64Array(OUT);
      for (let i = 0; i < B; i++) for (let o = 0; o < OUT; o++) {
        const d = dz[i * OUT + o]!;
        if (d === 0) continue;
        gB[o] += d;
        for (let j = 0; j < IN; j++) { gIn[i * IN + j] += d * w.v[o * IN + j]!; gW[o * IN + j] += d * hv[i * IN + j]!; }
      }
      return { gIn, gParams: [gW, gB] };
    },
  };
}

async function reduceStep(rng: Rng, h: Tensor, hv: Float64Array, shape: S2): Promise<Step> {
  const [r, c] = shape;
  const axis = rng.int(2), kind = pick(rng, ['sum', 'mean'] as const);
  const out = ops[kind](h, axis, true);
  const outShape: S2 = axis === 0 ? [1, c] : [r, 1];
  const outV = await read(out);
  const n = axis === 0 ? r : c, f = kind === 'mean' ? 1 / n : 1;
  const ref = new Float64Array(outShape[0] * outShape[1]);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) ref[axis === 0 ? j : i] += hv[i * c + j]! * f;
  return {
    desc: `${kind}(h, axis ${axis}, keepDims)`, inShape: shape, out, outShape, outV, params: [], ref,
    back: (g) => ({ gIn: Float64Array.from({ length: r * c }, (_, q) => g[axis === 0 ? q % c : Math.floor(q / c)]! * f), gParams: [] }),
  };
}

async function fuzzCase(engine: Engine, seed: number, index: number): Promise<void> {
  const rng = new Rng(seed * 1000 + index);
  const large = index % 10 === 9;
  let shape: S2 = [large ? pick(rng, LARGE) : pick(rng, DIMS), large ? pick(rng, LARGE) : pick(rng, DIMS)];
  const x = newParam(engine, rng, shape, [...shape], 'x');
  const created: Tensor[] = [x.t];
  const steps: Step[] = [];
  let h = x.t, hv = x.v;
  const length = 1 + rng.int(6);
  const trail = () => `seed ${seed} case ${index}: x [${x.shape2}] → ${steps.map((s) => `${s.desc} → [${s.outShape}]`).join(' → ')}`;
  try {
    for (let k = 0; k < length; k++) {
      const choice = rng.int(10);
      const step = choice < 3 ? await unaryStep(rng, h, hv, shape)
        : choice < 6 ? await binaryStep(engine, rng, h, hv, shape, k)
        : choice < 8 && shape[0] * shape[1] * 40 < 3e6 ? await linearStep(engine, rng, h, hv, shape, k)
        : await reduceStep(rng, h, hv, shape);
      steps.push(step);
      created.push(step.out, ...step.params.map((p) => p.t));
      compare(step.outV, step.ref, `forward of ${trail()}`, 2e-4);
      h = step.out; hv = step.outV; shape = step.outShape;
    }
    // The loss: softmax cross-entropy over rows, or Σ h ∘ R with fixed random weights R.
    let loss: Tensor, gOut: Float64Array, lossDesc: string;
    if (shape[1] >= 2 && rng.int(3) === 0) {
      const labels = Int32Array.from({ length: shape[0] }, () => rng.int(shape[1]));
      const lt = tensor(engine, labels, [shape[0]], 'i32', 'labels');
      created.push(lt);
      loss = ops.softmaxCrossEntropy(h, lt);
      const ref = softmaxCrossEntropyRef(hv, labels, shape[0], shape[1]);
      gOut = ref.grad;
      lossDesc = 'softmaxCrossEntropy';
      compare(await read(loss), [ref.loss], `loss of ${trail()}`, 2e-4);
    } else {
      const R = values(rng, shape[0] * shape[1], -1, 1);
      const rt = tensor(engine, Float32Array.from(R), [...shape], 'f32', 'R');
      const weighted = ops.mul(h, rt);
      loss = ops.sum(weighted);
      created.push(rt, weighted);
      gOut = R;
      lossDesc = 'sum(h ∘ R)';
    }
    created.push(loss);
    backward(loss);
    // Reference backward through the chain, on the GPU's forward values.
    let g = gOut;
    const want = new Map<Param, Float64Array>();
    for (let k = steps.length - 1; k >= 0; k--) {
      const r = steps[k]!.back(g);
      steps[k]!.params.forEach((p, i) => want.set(p, r.gParams[i]!));
      g = r.gIn!;
    }
    want.set(x, g);
    if (process.env.FUZZ_VERBOSE) console.log(`${trail()} → ${lossDesc}`);
    for (const [p, gw] of want) {
      assert.ok(p.t.grad, `no gradient for ${p.name}: ${trail()}`);
      compare(await read(p.t.grad!), gw, `d(${lossDesc})/d${p.name} of ${trail()}`, 2e-3);
    }
  } finally {
    for (const t of created) t.dispose();
  }
}

test('random chains of ops and their gradients match float64 (seeded, bounded)', async () => {
  const engine = await getEngine();
  const seed = Number(process.env.FUZZ_SEED ?? 1);
  const cases = Number(process.env.FUZZ_CASES ?? 30);
  for (let i = 0; i < cases; i++) await fuzzCase(engine, seed, i);
});

test.run();
