// checkKernel: runs a kernel (a built-in by name, an override installed on the engine, or a declaration
// of one's own) over its sweep of shapes and several seeds and compares every output with the float64
// reference, with its unfused twin, or with another kernel run on the same inputs. Outputs are pre-filled
// with NaN (an element the kernel never writes stays NaN) and followed by guard words (a write past the
// end changes one).
// The result is typed and has a human summary naming the first failing shape, index and values.
import type { Engine } from '../runtime/engine.ts';
import { empty, type Tensor } from '../tensor.ts';
import { bindingsOf, recordKernel, type KernelDeclaration, type Problem, type Specialisation, type SweepCase, type Tolerance } from '../kernels/declaration.ts';
import { KernelBindingError, KernelMismatchError, KernelOutOfBoundsError, KernelUnwrittenError } from '../kernels/errors.ts';
import { chooseKernel, kernelOn } from '../kernels/registry.ts';
import { checkWgslBindings } from '../kernels/wgsl-bindings.ts';
import { unfusedTwinOf, type UnfusedTwin } from '../kernels/twins.ts';

/** Bits of the guard words after each output: a float no kernel computes by accident (−6.3e18). */
export const GUARD_BITS = 0xdeadbeef;

export interface CheckKernelOptions {
  /** Seeds of the generated inputs (default [1, 2, 3]); heavy cases use the first only. */
  seeds?: readonly number[];
  /** Shapes to run instead of the declaration's sweep. */
  shapes?: readonly SweepCase<any>[];
  /**
   * Compare with the float64 reference (default), with the kernel's unfused twin ('unfused': the same
   * computation from separate passes, on the shapes the twin serves), or with another kernel (name or
   * declaration) run on the same inputs.
   */
  against?: 'reference' | 'unfused' | string | KernelDeclaration;
  /** Tolerances by the kernel's kind; default: the declaration's own for each shape. */
  tolerance?: { forward?: Tolerance; gradient?: Tolerance };
  /** Guard words after each output (default 64). */
  guard?: number;
  /** A specialisation to check instead of the one the registry would choose. */
  spec?: Specialisation;
  /** Stop at the first failing case (default true). */
  stopAtFirstFailure?: boolean;
}

export type CheckFailureKind = 'mismatch' | 'unwritten' | 'out-of-bounds';

export interface CheckFailure {
  kind: CheckFailureKind;
  shape: string;
  seed: number;
  spec: Specialisation;
  output: string;
  index: number;
  expected: number;
  actual: number;
  /** Elements of this output that failed in the same way. */
  count: number;
  tolerance: Tolerance;
}

export interface CheckKernelResult {
  kernel: string;
  against: string;
  ok: boolean;
  /** (shape, seed) cases run. */
  cases: number;
  failures: CheckFailure[];
  /** One line per failure (or one saying all passed), first failure first. */
  summary: string;
}

function resolve(engine: Engine, kernel: string | KernelDeclaration): KernelDeclaration {
  if (typeof kernel !== 'string') {
    if (kernel.wgsl) {
      const problems = checkWgslBindings(kernel.wgsl.text, kernel.bindings);
      if (problems.length) throw new KernelBindingError(kernel.name, problems);
    }
    return kernel;
  }
  return kernelOn(engine, kernel);
}

function specFor(engine: Engine, kernel: string | KernelDeclaration, decl: KernelDeclaration, c: SweepCase<unknown>, pinned?: Specialisation): Specialisation {
  const pin = { ...c.spec, ...pinned };
  if (typeof kernel === 'string') return chooseKernel(engine, kernel, c.shape, pin).spec;
  const base = decl.shippedDefault?.(engine, c.shape) ?? decl.heuristic(engine, c.shape);
  return { ...base, ...pin } as Specialisation;
}

interface Ran { outputs: Record<string, Float32Array | Int32Array | Uint32Array>; size: Record<string, number> }

/** Bits an integer output is pre-filled with: an index no kernel writes by accident. */
export const UNWRITTEN_BITS = 0xffffffff;

/** Runs one declaration on a problem: inputs uploaded, outputs pre-filled (NaN, or UNWRITTEN_BITS for integers) with guard words; returns what it wrote (guards included). */
async function runOnce(engine: Engine, decl: KernelDeclaration, problem: Problem<unknown>, spec: Specialisation, guard: number): Promise<Ran> {
  const sizes = decl.sizes(problem.shape);
  const tensors: Tensor[] = [];
  const buffers: Record<string, GPUBuffer> = {};
  const storage = bindingsOf(decl, problem.shape).filter((b) => b.access !== 'uniform');
  const outputs = storage.filter((b) => b.access === 'read_write');
  try {
    for (const b of storage) {
      const size = sizes[b.name] ?? 0;
      const isOut = b.access === 'read_write';
      const length = Math.max(1, size + (isOut ? guard : 0));
      const data = b.type === 'f32' ? new Float32Array(length) : b.type === 'i32' ? new Int32Array(length) : new Uint32Array(length);
      const bits = new Uint32Array(data.buffer);
      const given = problem.inputs[b.name];
      if (isOut && !b.inout) {
        if (data instanceof Float32Array) data.fill(NaN, 0, size);
        else bits.fill(UNWRITTEN_BITS, 0, size);
      } else if (given) data.set(given.subarray(0, size));
      if (isOut) bits.fill(GUARD_BITS, size, size + guard);
      const t = empty(engine, [length], b.type, `check ${decl.name} ${b.name}`);
      engine.upload(t.buffer, data);
      tensors.push(t);
      buffers[b.name] = t.buffer;
    }
    recordKernel(engine, decl, { shape: problem.shape, spec, buffers, scalars: problem.scalars, label: `check ${decl.name} ${decl.describeShape(problem.shape)}` });
    const got: Record<string, Float32Array | Int32Array | Uint32Array> = {};
    for (const b of outputs) got[b.name] = await tensors[storage.indexOf(b)]!.data();
    return { outputs: got, size: Object.fromEntries(outputs.map((b) => [b.name, sizes[b.name] ?? 0])) };
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/** Runs the unfused twin on a problem and reads back its results (by the fused kernel's output names). */
async function runTwin(engine: Engine, twin: UnfusedTwin, problem: Problem<unknown>): Promise<Record<string, Float32Array | Int32Array | Uint32Array>> {
  const inputs = twin.inputs(engine, problem);
  try {
    const outputs = twin.run(inputs, problem);
    const got: Record<string, Float32Array | Int32Array | Uint32Array> = {};
    for (const [name, t] of Object.entries(outputs)) got[name] = await t.data();
    for (const t of Object.values(outputs)) if (!Object.values(inputs).includes(t)) t.dispose();
    return got;
  } finally {
    for (const t of Object.values(inputs)) t.dispose();
  }
}

function compare(ran: Ran, expected: Record<string, ArrayLike<number>>, tol: Tolerance, guard: number, where: Omit<CheckFailure, 'kind' | 'output' | 'index' | 'expected' | 'actual' | 'count' | 'tolerance'>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const [name, actualAll] of Object.entries(ran.outputs)) {
    const size = ran.size[name]!;
    const exp = expected[name];
    const integer = !(actualAll instanceof Float32Array);
    if (exp) {
      let first: CheckFailure | null = null;
      let count = 0;
      for (let i = 0; i < size; i++) {
        const a = actualAll[i]!, e = exp[i]!;
        const unwritten = integer ? (a >>> 0) === UNWRITTEN_BITS && e !== a : Number.isNaN(a) && !Number.isNaN(e);
        if (!unwritten && (integer ? a === e : Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))) continue;
        if (Number.isNaN(a) && Number.isNaN(e)) continue;
        count++;
        first ??= { ...where, kind: unwritten ? 'unwritten' : 'mismatch', output: name, index: i, expected: e, actual: a, count: 0, tolerance: tol };
      }
      if (first) failures.push({ ...first, count });
    }
    const bits = new Uint32Array(actualAll.buffer, actualAll.byteOffset + size * 4, guard);
    const bad = bits.findIndex((b) => b !== GUARD_BITS);
    if (bad >= 0) {
      const count = bits.reduce((n, b) => n + (b !== GUARD_BITS ? 1 : 0), 0);
      const guardValue = integer ? GUARD_BITS : new Float32Array(Uint32Array.of(GUARD_BITS).buffer)[0]!;
      failures.push({ ...where, kind: 'out-of-bounds', output: name, index: size + bad, expected: guardValue, actual: actualAll[size + bad]!, count, tolerance: tol });
    }
  }
  return failures;
}

function describe(kernel: string, f: CheckFailure): string {
  const at = `${kernel} ${f.shape} seed ${f.seed}, output ${f.output}[${f.index}]`;
  if (f.kind === 'out-of-bounds') return `${at}: written past the end (guard word is ${f.actual}; ${f.count} of the guard words changed)`;
  if (f.kind === 'unwritten') return `${at}: never written (still its fill value), expected ${f.expected}; ${f.count} elements unwritten`;
  return `${at}: got ${f.actual}, expected ${f.expected} (rtol ${f.tolerance.rtol.toExponential(1)}, atol ${f.tolerance.atol.toExponential(1)}); ${f.count} elements differ`;
}

/** Checks a kernel over its sweep of shapes and seeds; never throws for wrong results (see the result), only for bad input. */
export async function checkKernel(engine: Engine, kernel: string | KernelDeclaration, options: CheckKernelOptions = {}): Promise<CheckKernelResult> {
  const decl = resolve(engine, kernel);
  const twin = options.against === 'unfused' ? unfusedTwinOf(decl) : null;
  const other = options.against && options.against !== 'reference' && !twin ? resolve(engine, options.against) : null;
  const seeds = options.seeds ?? [1, 2, 3];
  const guard = options.guard ?? 64;
  const failures: CheckFailure[] = [];
  let cases = 0;
  const shapes = (options.shapes ?? decl.shapes).filter((c) => !twin || twin.serves(c.shape));
  if (twin && shapes.length === 0) throw new RangeError(`checkKernel ${decl.name}: none of the shapes is one its unfused twin ${twin.name} computes`);
  outer: for (const c of shapes) {
    for (const seed of c.heavy ? seeds.slice(0, 1) : seeds) {
      cases++;
      const problem = decl.generate(c.shape, seed);
      const spec = specFor(engine, kernel, decl, c, options.spec);
      const ran = await runOnce(engine, decl, problem, spec, guard);
      let expected: Record<string, ArrayLike<number>>;
      if (twin) {
        expected = await runTwin(engine, twin, problem);
      } else if (other) {
        const theirs = await runOnce(engine, other, problem, specFor(engine, options.against as string | KernelDeclaration, other, { shape: c.shape }), guard);
        expected = theirs.outputs;
      } else {
        expected = decl.reference(problem);
      }
      // Against the twin, both results are float32 roundings of the exact one, each within the tolerance.
      const own = options.tolerance?.[decl.kind] ?? decl.tolerance(c.shape);
      const tol = twin && !options.tolerance?.[decl.kind] ? { rtol: 2 * own.rtol, atol: 2 * own.atol } : own;
      const found = compare(ran, expected, tol, guard, { shape: decl.describeShape(c.shape), seed, spec });
      failures.push(...found);
      if (found.length && (options.stopAtFirstFailure ?? true)) break outer;
    }
  }
  const against = twin ? `unfused twin ${twin.name}` : other ? other.name : 'float64 reference';
  const summary = failures.length === 0
    ? `${decl.name}: ${cases} cases agree with the ${against}`
    : failures.map((f) => describe(decl.name, f)).join('\n');
  return { kernel: decl.name, against, ok: failures.length === 0, cases, failures, summary };
}

/** The first failure of a result as its named error (KernelUnwrittenError, KernelOutOfBoundsError or KernelMismatchError). */
export function failureError(result: CheckKernelResult): Error | null {
  const f = result.failures[0];
  if (!f) return null;
  const message = describe(result.kernel, f);
  if (f.kind === 'out-of-bounds') return new KernelOutOfBoundsError(result.kernel, f.output, f.index, f.actual, message);
  if (f.kind === 'unwritten') return new KernelUnwrittenError(result.kernel, f.output, f.index, message);
  return new KernelMismatchError(result.kernel, f.output, f.index, f.expected, f.actual, message);
}

/** checkKernel that throws the first failure as its named error (for tests). */
export async function assertKernel(engine: Engine, kernel: string | KernelDeclaration, options: CheckKernelOptions = {}): Promise<CheckKernelResult> {
  const result = await checkKernel(engine, kernel, options);
  const error = failureError(result);
  if (error) throw error;
  return result;
}
