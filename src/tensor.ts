// A tensor: a shape, a dtype and a pooled GPU buffer, with explicit lifetime.
//
// Lifetime is explicit because GPU memory is not garbage-collected: `dispose()` returns the buffer to
// the pool, and `tidy(fn)` disposes every tensor created inside `fn` except what it returns or `keep`s.
import type { Engine } from './runtime/engine.ts';
import { DisposedTensorError, DTypeError, ShapeError } from './runtime/errors.ts';

export type DType = 'f32' | 'i32' | 'u32';

/** How a tensor was made, for the backward pass (autograd.ts walks these). */
export interface GradNode {
  op: string;
  inputs: readonly Tensor[];
  /** Given d(loss)/d(output), returns d(loss)/d(input) for each input (null where not needed). New tensors. */
  backward: (gradOutput: Tensor) => (Tensor | null)[];
}
export type TypedArrayOf<D extends DType> = D extends 'f32' ? Float32Array : D extends 'i32' ? Int32Array : Uint32Array;

let nextId = 1;
let liveTensors = 0;
const scopes: Set<Tensor>[] = [];

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  /** Set on parameters (leaves whose gradient is kept) and on results of ops on them. */
  requiresGrad = false;
  /** Accumulated gradient of a parameter after `backward()`. */
  grad: Tensor | null = null;
  /** How this tensor was made, for the backward pass (null for leaves and under noGrad). */
  node: GradNode | null = null;
  private disposed = false;
  /** Kept tensors survive the enclosing tidy(). */
  kept = false;

  constructor(readonly engine: Engine, readonly shape: readonly number[], readonly dtype: DType, readonly buffer: GPUBuffer, readonly label = 'tensor') {
    this.size = shape.reduce((a, b) => a * b, 1);
    liveTensors++;
    scopes[scopes.length - 1]?.add(this);
  }

  get bytes(): number {
    return this.size * 4;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Rows × columns view of a 2-D tensor's shape; throws naming the op when it is not 2-D. */
  dims2(op: string): [number, number] {
    if (this.shape.length !== 2) throw new ShapeError(op, `expected a 2-D tensor, got shape [${this.shape.join(', ')}]`);
    return [this.shape[0]!, this.shape[1]!];
  }

  /** Downloads the contents (submitting whatever is recorded first). */
  async data(tag?: string): Promise<Float32Array | Int32Array | Uint32Array> {
    this.assertAlive('data()');
    const bytes = await this.engine.read(this.buffer, this.bytes, tag);
    return this.dtype === 'f32' ? new Float32Array(bytes) : this.dtype === 'i32' ? new Int32Array(bytes) : new Uint32Array(bytes);
  }

  async float32(tag?: string): Promise<Float32Array> {
    if (this.dtype !== 'f32') throw new TypeError(`float32(): tensor ${this.label} is ${this.dtype}`);
    return (await this.data(tag)) as Float32Array;
  }

  /** The single value of a one-element tensor. */
  async item(tag?: string): Promise<number> {
    if (this.size !== 1) throw new ShapeError('item()', `tensor ${this.label} has ${this.size} elements, not 1`);
    return (await this.data(tag))[0]!;
  }

  /**
   * A view with another shape over the same buffer (same element count), off the tape: kernels use it to
   * index the same data differently. A reshape that gradients flow through is the op `ops.reshape`.
   */
  reshape(shape: readonly number[]): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== this.size) throw new ShapeError('reshape', `cannot view [${this.shape.join(', ')}] as [${shape.join(', ')}]`);
    return new TensorView(this, shape);
  }

  assertAlive(op: string): void {
    if (this.disposed) throw new DisposedTensorError(op, `tensor ${this.label} [${this.shape.join(', ')}] was already disposed`);
  }

  keep(): this {
    this.kept = true;
    return this;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    liveTensors--;
    for (const s of scopes) s.delete(this);
    this.releaseBuffer();
    this.node = null;
    if (this.grad) { this.grad.dispose(); this.grad = null; }
  }

  protected releaseBuffer(): void {
    this.engine.pool.release(this.buffer);
  }
}

/** Same buffer, another shape: disposing the view releases nothing; the base tensor owns the buffer. */
class TensorView extends Tensor {
  constructor(readonly base: Tensor, shape: readonly number[]) {
    super(base.engine, shape, base.dtype, base.buffer, `${base.label} view`);
    this.requiresGrad = false;
  }
  protected override releaseBuffer(): void {}
  override assertAlive(op: string): void {
    super.assertAlive(op);
    this.base.assertAlive(op);
  }
}

/** An uninitialised tensor from the pool. */
export function empty(engine: Engine, shape: readonly number[], dtype: DType = 'f32', label = 'tensor'): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(size) || size < 0 || shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(label, `invalid shape [${shape.join(', ')}]`);
  const bytes = size * 4;
  if (bytes > engine.maxBindingBytes) {
    throw new RangeError(`${label}: shape [${shape.join(', ')}] needs ${(bytes / 2 ** 20).toFixed(1)} MiB, over this device's ${(engine.maxBindingBytes / 2 ** 20).toFixed(0)} MiB storage-binding limit; split the work (e.g. a smaller batch)`);
  }
  return new Tensor(engine, shape, dtype, engine.pool.acquire(bytes, label), label);
}

/** The dtype a typed array holds (null for anything else, e.g. a plain array or a Float64Array). */
function dtypeOfArray(data: ArrayLike<number>): DType | null {
  return data instanceof Float32Array ? 'f32' : data instanceof Int32Array ? 'i32' : data instanceof Uint32Array ? 'u32' : null;
}

/**
 * Uploads values as a tensor. An Int32Array makes an i32 tensor, a Uint32Array a u32 one, anything else
 * f32, unless `dtype` says otherwise; a dtype that disagrees with a 32-bit typed array is a DTypeError
 * (converting would silently change the values: 1.5 becomes 1, −1 becomes 4294967295).
 */
export function tensor(engine: Engine, data: ArrayLike<number> | Float32Array | Int32Array | Uint32Array, shape: readonly number[], dtype?: DType, label = 'tensor'): Tensor {
  const given = dtypeOfArray(data);
  if (dtype && given && dtype !== given) throw new DTypeError(label, `${data.constructor.name} values cannot make a tensor of dtype ${dtype} (pass dtype '${given}', or convert the values first)`);
  dtype ??= given ?? 'f32';
  const t = empty(engine, shape, dtype, label);
  if (data.length !== t.size) { t.dispose(); throw new ShapeError(label, `${data.length} values for shape [${shape.join(', ')}] (${t.size} elements)`); }
  const typed = dtype === 'f32' ? Float32Array.from(data) : dtype === 'i32' ? Int32Array.from(data) : Uint32Array.from(data);
  engine.upload(t.buffer, typed);
  return t;
}

/**
 * Runs fn and disposes every tensor created inside it except the ones it returns (a tensor, an array or
 * an object of tensors) and the ones marked `keep()`. Scopes nest.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  return closeScope(scope, result);
}

/** Async variant of tidy, for code that awaits inside (do not interleave two at once). */
export async function tidyAsync<T>(fn: () => Promise<T>): Promise<T> {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = await fn();
  } finally {
    scopes.splice(scopes.lastIndexOf(scope), 1);
  }
  return closeScope(scope, result);
}

/** Disposes what a scope made except the result and kept tensors, which move to the enclosing scope. */
function closeScope<T>(scope: Set<Tensor>, result: T): T {
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  for (const t of scope) {
    if (survivors.has(t) || t.kept) { scopes[scopes.length - 1]?.add(t); continue; }
    t.dispose();
  }
  return result;
}

function collect(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) {
    into.add(value);
    if (value instanceof TensorView) into.add(value.base);
    if (value.grad) into.add(value.grad);
  } else if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (value && typeof value === 'object' && !(ArrayBuffer.isView(value))) for (const v of Object.values(value)) collect(v, into);
}

export function liveTensorCount(): number {
  return liveTensors;
}

/**
 * Checks an op's operands before anything is recorded: each (null ones skipped) still alive and of
 * `dtype`. Named so the error says which: `checkOperands('linear', { x, weight: w, bias: b })`.
 */
export function checkOperands(op: string, operands: Record<string, Tensor | null | undefined>, dtype: DType = 'f32'): void {
  for (const [name, t] of Object.entries(operands)) {
    if (!t) continue;
    t.assertAlive(op);
    if (t.dtype !== dtype) throw new DTypeError(op, `${name} is ${t.dtype}, expected ${dtype}`);
  }
}

/** Throws a ShapeError unless `t` has exactly `shape` (`why` says where the expectation comes from). */
export function assertShape(op: string, name: string, t: Tensor, shape: readonly number[], why = ''): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(op, `${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]${why ? ` (${why})` : ''}`);
  }
}

export function assertSameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(op, `shapes differ: [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
}
