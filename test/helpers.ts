// Shared by every test: one engine per test process, seeded random data, float64 comparisons.
import type { Engine } from '../src/runtime/engine.ts';
import { createEngine } from '../src/runtime/node.ts';
import { tensor, type Tensor } from '../src/tensor.ts';
import { seededUniforms } from '../src/kernels/reference/random.ts';
import { UsageError } from '../src/config/index.ts';
import * as assert from 'uvu/assert';

const g = globalThis as { __webgpuHatTestEngine?: Promise<Engine> };

/** The test process's engine (the runner destroys it when the file's tests end). */
export function getEngine(): Promise<Engine> {
  g.__webgpuHatTestEngine ??= createEngine();
  return g.__webgpuHatTestEngine;
}

/** Deterministic uniform numbers in [lo, hi) (mulberry32), so a failing case can be rerun exactly. */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  return seededUniforms(n, seed, lo, hi);
}

export function upload(engine: Engine, data: ArrayLike<number>, shape: number[]): Tensor {
  return tensor(engine, Float32Array.from(data), shape);
}

/** Values of a float32 array as float64 (the precision the references compute in). */
export function f64(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a);
}

/**
 * Asserts |actual - expected| <= atol + rtol·|expected| everywhere, and names the first bad index,
 * the values and the worst error.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, { rtol = 1e-5, atol = 1e-6 } = {}): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  let worst = 0, worstAt = -1, bad = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const err = Math.abs(a - e);
    if (!(err <= atol + rtol * Math.abs(e))) {
      if (bad < 0) bad = i;
      const excess = Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(e));
      if (excess > worst) { worst = excess; worstAt = i; }
    }
  }
  if (bad >= 0) {
    throw new Error(`${what}: ${actual.length} values; first mismatch at ${bad}: got ${actual[bad]}, expected ${expected[bad]}; worst at ${worstAt}: got ${actual[worstAt]}, expected ${expected[worstAt]} (rtol ${rtol}, atol ${atol})`);
  }
}

/**
 * Central finite differences of a scalar function f over the float64 input x, for gradient checks.
 * The function is evaluated on the CPU reference or through the GPU op, whichever the test passes.
 */
export async function finiteDifference(f: (x: Float64Array) => Promise<number> | number, x: Float64Array, eps = 1e-3, indices?: number[]): Promise<Float64Array> {
  const grad = new Float64Array(x.length);
  for (const i of indices ?? x.keys()) {
    const orig = x[i]!;
    x[i] = orig + eps;
    const plus = await f(x);
    x[i] = orig - eps;
    const minus = await f(x);
    x[i] = orig;
    grad[i] = (plus - minus) / (2 * eps);
  }
  return grad;
}

/** Tests that skipped themselves in this process (scripts/run-test-file.mjs counts them as skipped, not passed). */
const skips = globalThis as { __webgpuHatTestSkips?: string[] };

/**
 * Marks the running test as skipped, for a test that cannot run here (no such adapter feature, no data
 * set): prints `SKIP <name>: <reason>`; the test returns right after. `context` is the test's uvu
 * context (its name) or the name itself. uvu's own test.skip decides before the run; this decides in it.
 */
export function skip(context: { __test__?: string } | string, reason: string): void {
  const name = typeof context === 'string' ? context : context.__test__ || '(unnamed test)';
  (skips.__webgpuHatTestSkips ??= []).push(`${name}: ${reason}`);
  console.log(`SKIP ${name}: ${reason}`);
}

/** Asserts that `fn` throws a UsageError whose message matches every pattern (a string: contained in it). */
export function throwsUsage(fn: () => unknown, ...expected: (RegExp | string)[]): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${(e as Error).name}: ${(e as Error).message}`);
    for (const x of expected) assert.ok(typeof x === 'string' ? (e as Error).message.includes(x) : x.test((e as Error).message), `expected ${x} in: ${(e as Error).message}`);
    return;
  }
  assert.unreachable(`accepted; expected a UsageError (${expected.join(' | ')})`);
}
