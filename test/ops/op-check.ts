// The generic check behind the op table (test/ops/op-table.ts, run by test/ops/ops.test.ts), in the manner
// of PyTorch's OpInfo: an op is described once (sample inputs, a float64 reference of its forward, which
// inputs get a gradient) and checked the same way as every other op.
//
// For each sample: the op runs on the GPU with every buffer it writes taken from a pool filled with NaN,
// so an element the op never writes shows; the output is compared with the float64 reference on the
// same float32 input values; then backward() from a fixed random output gradient w gives each input's
// gradient, compared with central finite differences of L(x) = Σ w ⊙ reference(x) in float64. Ops whose
// backward is, by design, not the derivative of their forward (HAT conditions weight and bias gradients
// on the masks of earlier tasks) say so with `condition`, which turns the derivative into what the op
// promises.
import * as assert from 'uvu/assert';
import type { Engine } from '../../src/runtime/engine.ts';
import { sizeClass } from '../../src/runtime/buffer-pool.ts';
import { tensor, tidy, type Tensor } from '../../src/tensor.ts';
import { backward, parameter } from '../../src/autograd.ts';
import { assertClose, randomArray } from '../helpers.ts';

/** One input of a sample. Values are rounded to float32 first, so the reference sees what the GPU sees. */
export interface SampleInput {
  name: string;
  shape: readonly number[];
  values: ArrayLike<number>;
  dtype?: 'f32' | 'i32';
  /** Whether the op's backward is checked for this input (default: f32 inputs get a gradient). */
  grad?: boolean;
}

export interface Sample<P> {
  /** Shows in failures, e.g. "x [7, 63], W [65, 63], relu". */
  label: string;
  /**
   * Why this sample fails today (a bug in the op, not in the check): it runs as its own test that reports
   * SKIP with this reason while it fails, and fails once it passes, so the mark cannot outlive the bug.
   */
  knownFailure?: string;
  inputs: SampleInput[];
  /** Everything else the op and its reference take (axes, a seed, a flag). */
  params: P;
}

export interface Tolerance {
  rtol: number;
  /** Absolute tolerance as a fraction of the largest |expected| value (float32 sums err relative to their terms). */
  atol: number;
}

export interface OpSpec<P> {
  name: string;
  samples: Sample<P>[];
  /** The op on the GPU: inputs in the order of `Sample.inputs`. */
  op: (inputs: Tensor[], params: P) => Tensor;
  /** The float64 forward, same inputs, row-major output. */
  reference: (inputs: Float64Array[], params: P) => Float64Array;
  /** What the backward promises for input `index`, from the true derivative (default: the derivative). */
  condition?: (index: number, derivative: Float64Array, inputs: Float64Array[], params: P) => Float64Array;
  forwardTolerance?: Partial<Tolerance>;
  gradientTolerance?: Partial<Tolerance>;
}

/** A table entry: the spec with its parameter type closed over, so one array holds every op. */
export interface OpEntry {
  name: string;
  samples: number;
  /** Checks every sample but the known failures. */
  check: (engine: Engine) => Promise<void>;
  knownFailures: { label: string; reason: string; check: (engine: Engine) => Promise<void> }[];
}

const FORWARD: Tolerance = { rtol: 1e-4, atol: 1e-5 };
const GRADIENT: Tolerance = { rtol: 1e-3, atol: 1e-4 };
/** Gradient entries compared per input: all of them up to this many, else an even spread (all are checked for NaN). */
const MAX_FD_INDICES = 48;

export function defineOp<P>(spec: OpSpec<P>): OpEntry {
  return {
    name: spec.name,
    samples: spec.samples.length,
    check: async (engine) => {
      for (const sample of spec.samples) if (!sample.knownFailure) await checkSample(engine, spec, sample);
    },
    knownFailures: spec.samples.flatMap((sample) => (sample.knownFailure ? [{ label: sample.label, reason: sample.knownFailure, check: (engine: Engine) => checkSample(engine, spec, sample) }] : [])),
  };
}

async function checkSample<P>(engine: Engine, spec: OpSpec<P>, sample: Sample<P>): Promise<void> {
  const what = `${spec.name} ${sample.label}`;
  const values = sample.inputs.map((x) => (x.dtype === 'i32' ? Float64Array.from(x.values) : Float64Array.from(x.values, Math.fround)));
  const expected = spec.reference(values, sample.params);
  const wantsGrad = sample.inputs.map((x) => x.dtype !== 'i32' && x.grad !== false);
  const outputGrad = Float64Array.from(randomArray(expected.length, 7 + expected.length, 0.5, 1.5), Math.fround);

  const largest = Math.max(expected.length, ...values.map((v) => v.length));
  await poisonPool(engine, largest * 4);
  const inputs = sample.inputs.map((x, i) => {
    const t = tensor(engine, values[i]!, x.shape, x.dtype ?? 'f32', x.name);
    return wantsGrad[i] ? parameter(t) : t;
  });
  const seed = tensor(engine, outputGrad, [expected.length], 'f32', 'output gradient');
  const allocationsBefore = engine.pool.stats().allocations;
  const output = tidy(() => {
    const y = spec.op(inputs, sample.params);
    if (wantsGrad.some(Boolean)) backward(y, seed.reshape(y.shape));
    return y;
  });
  const freshBuffers = engine.pool.stats().allocations - allocationsBefore;
  try {
    // A buffer made during the op is zero-filled, not NaN: the check would miss what it leaves unwritten.
    assert.is(freshBuffers, 0, `${what}: the op made ${freshBuffers} buffers outside the NaN-filled pool (poison more)`);
    assert.is(output.size, expected.length, `${what}: output [${output.shape.join(', ')}] has ${output.size} elements, the reference ${expected.length}`);
    const got = await output.float32();
    assertClose(got, expected, `${what}: forward`, tolerance(expected, { ...FORWARD, ...spec.forwardTolerance }));

    for (let i = 0; i < inputs.length; i++) {
      if (!wantsGrad[i]) continue;
      const name = `${what}: d/d${sample.inputs[i]!.name}`;
      const grad = inputs[i]!.grad;
      assert.ok(grad, `${name}: backward() left no gradient`);
      const analytic = await grad.float32();
      const unwritten = analytic.findIndex((v) => !Number.isFinite(v));
      assert.is(unwritten, -1, `${name}: element ${unwritten} of the gradient is ${analytic[unwritten]} (never written?)`);
      const indices = spread(analytic.length, MAX_FD_INDICES);
      let derivative = finiteDifference(spec, sample.params, values, i, outputGrad, indices);
      if (spec.condition) derivative = spec.condition(i, derivative, values, sample.params);
      const want = indices.map((k) => derivative[k]!);
      assertClose(indices.map((k) => analytic[k]!), want, name, tolerance(want, { ...GRADIENT, ...spec.gradientTolerance }));
    }
  } finally {
    for (const t of [...inputs, seed, output]) t.dispose();
  }
}

function tolerance(expected: ArrayLike<number>, t: Tolerance): { rtol: number; atol: number } {
  let largest = 0;
  for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(expected[i]!));
  return { rtol: t.rtol, atol: t.atol * Math.max(largest, 1e-3) };
}

/** All indices below n, or `count` of them spread evenly from the first to the last. */
function spread(n: number, count: number): number[] {
  if (n <= count) return [...Array(n).keys()];
  return [...new Set(Array.from({ length: count }, (_, k) => Math.round((k * (n - 1)) / (count - 1))))];
}

/**
 * d/dx_k of Σ w ⊙ reference(x) for input `index` at `indices` (zero elsewhere), central differences in
 * float64 with a step relative to |x_k|.
 */
function finiteDifference<P>(spec: OpSpec<P>, params: P, values: Float64Array[], index: number, w: Float64Array, indices: number[]): Float64Array {
  const x = values.map((v) => Float64Array.from(v));
  const target = x[index]!;
  const loss = () => spec.reference(x, params).reduce((acc, v, k) => acc + v * w[k]!, 0);
  const derivative = new Float64Array(target.length);
  for (const k of indices) {
    const v = target[k]!;
    const h = 1e-6 * Math.max(1, Math.abs(v));
    target[k] = v + h;
    const plus = loss();
    target[k] = v - h;
    const minus = loss();
    target[k] = v;
    derivative[k] = (plus - minus) / (2 * h);
  }
  return derivative;
}

/**
 * Empties the engine's buffer pool and refills it with NaN-filled buffers of every size class up to
 * twice `bytes`, so that whatever the next op allocates starts as NaN.
 */
export async function poisonPool(engine: Engine, bytes: number, perClass = 32): Promise<void> {
  // Nothing recorded may still use a buffer that trim() destroys; and with nothing recorded, the uploads
  // below are plain queue writes, ordered before any later work.
  await engine.submit();
  engine.pool.trim();
  const poisoned: Tensor[] = [];
  for (let size = 256; size <= sizeClass(2 * bytes); size = sizeClass(size + 1)) {
    for (let k = 0; k < perClass; k++) poisoned.push(tensor(engine, new Float32Array(size / 4).fill(NaN), [size / 4], 'f32', 'NaN'));
  }
  for (const t of poisoned) t.dispose();
  // Released buffers wait for a submit before reuse (runtime/buffer-pool.ts); no command uses these.
  engine.pool.afterSubmit();
}

/** n seeded uniform values in [lo, hi). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  return randomArray(n, seed, lo, hi);
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
