// Bindings of the reduction kernels (shaders/reduce.wgsl, shaders/reduce_broadcast.wgsl).
//
// Every reduction is one view of the input as [O, A, K, C] reduced over A and C (see reduce.wgsl). Axis
// sets that do not fit one view (e.g. reduce axes 0 and 2 but keep 1 and 3) run as several reductions.
// Long reductions run as a tree of stages: partials per workgroup, then a reduction of the partials, in a
// fixed order (deterministic, no atomics).
import type { Engine } from '../runtime/engine.ts';
import { ShapeError } from '../runtime/errors.ts';
import { empty, Tensor } from '../tensor.ts';

/** How a reduction combines, maps each element first, and finishes (FINAL sees v and scale). */
export interface ReduceSpec {
  combine: string;
  identity: string;
  map: string;
  final: string;
}

const SUM = { combine: 'a + b', identity: '0.0' };
const MAX = { combine: 'max(a, b)', identity: '-3.4028234e38' };

export const REDUCE_SPECS = {
  sum: { ...SUM, map: 'x', final: 'v' },
  mean: { ...SUM, map: 'x', final: 'v * scale' },
  max: { ...MAX, map: 'x', final: 'v' },
  sumSquares: { ...SUM, map: 'x * x', final: 'v' },
  /** sqrt of a sum of squares (L2 norm) */
  norm: { ...SUM, map: 'x * x', final: 'sqrt(v)' },
} as const satisfies Record<string, ReduceSpec>;
export type ReduceOp = keyof typeof REDUCE_SPECS;

/** x viewed as [O, A, K, C]; A and C are reduced. */
export interface ReduceView { O: number; A: number; K: number; C: number }

export interface StagePlan { variant: 'tree' | 'per_thread'; P: number; chunk: number }

const TREE_WG = 256;
const THREAD_WG = 64;
/** Elements one tree workgroup reduces (16 per invocation). */
const TREE_CHUNK = TREE_WG * 16;
/** Enough workgroups to keep every CPU core (and a GPU's) busy. */
const MIN_GROUPS = 16;

/** Chooses the kernel and the split of one stage. */
export function planStage(v: ReduceView): StagePlan {
  const total = v.O * v.K;
  const R = v.A * v.C;
  if (total >= 128 || R <= 64) {
    const blocks = Math.ceil(total / THREAD_WG);
    let P = 1;
    if (blocks < MIN_GROUPS && v.A > 1 && R >= 2048) P = Math.min(v.A, Math.ceil(MIN_GROUPS / blocks), Math.ceil(R / 1024));
    const chunk = Math.ceil(v.A / P);
    return { variant: 'per_thread', P: Math.ceil(v.A / chunk), chunk };
  }
  let P = Math.ceil(R / TREE_CHUNK);
  if (total * P < MIN_GROUPS) P = Math.max(P, Math.min(Math.ceil(R / 1024), Math.ceil(MIN_GROUPS / total)));
  const chunk = Math.ceil(R / P);
  return { variant: 'tree', P: Math.ceil(R / chunk), chunk };
}

/** Number of values a stage writes: the outputs, or the partials when P > 1. */
export function stageOutputs(v: ReduceView, plan: StagePlan): number {
  return v.O * v.K * plan.P;
}

/** The view the partials of a stage are reduced as by the next stage. */
export function nextView(v: ReduceView, plan: StagePlan): ReduceView {
  const total = v.O * v.K;
  return plan.variant === 'tree' ? { O: 1, A: 1, K: total, C: plan.P } : { O: 1, A: plan.P, K: total, C: 1 };
}

/** Records one stage: writes stageOutputs() values to out at outOffset (elements). */
export function dispatchStage(engine: Engine, spec: ReduceSpec, v: ReduceView, plan: StagePlan, x: GPUBuffer, out: GPUBuffer, outOffset: number, applyFinal: boolean, scale: number, label: string): void {
  const params = new ArrayBuffer(48);
  const u = new Uint32Array(params);
  u.set([v.O, v.A, v.K, v.C, plan.P, plan.chunk, outOffset, applyFinal ? 1 : 0]);
  new Float32Array(params, 32, 1)[0] = scale;
  const total = v.O * v.K;
  const groups = plan.variant === 'tree' ? total * plan.P : Math.ceil(total / THREAD_WG) * plan.P;
  const mode = v.C === 1 ? 0 : v.A === 1 ? 1 : 2;
  engine.dispatch({
    label: `${label} [${v.O}x${v.A}x${v.K}x${v.C}] ${plan.variant}${plan.P > 1 ? ` P${plan.P}` : ''}`,
    shader: {
      name: 'reduce',
      entryPoint: plan.variant,
      defines: { COMBINE: spec.combine, IDENTITY: spec.identity, MAP: spec.map, FINAL: spec.final },
      constants: plan.variant === 'tree' ? { MODE: mode } : undefined,
    },
    params,
    buffers: [x, out],
    workgroups: engine.grid(groups),
  });
}

/**
 * Reduces x (as the view v) into out[outOffset .. outOffset + O*K), as many stages as needed. `scale`
 * reaches FINAL (1/count for a mean).
 */
export function reduceView(engine: Engine, spec: ReduceSpec, v: ReduceView, x: GPUBuffer, out: GPUBuffer, outOffset = 0, scale = 1, label = 'reduce'): void {
  let view = v;
  let input = x;
  let stageSpec = spec;
  let temp: Tensor | null = null;
  for (;;) {
    const plan = planStage(view);
    if (plan.P === 1) {
      dispatchStage(engine, stageSpec, view, plan, input, out, outOffset, true, scale, label);
      break;
    }
    const partials = empty(engine, [stageOutputs(view, plan)], 'f32', `${label} partials`);
    dispatchStage(engine, stageSpec, view, plan, input, partials.buffer, 0, false, scale, label);
    temp?.dispose();
    temp = partials;
    input = partials.buffer;
    view = nextView(view, plan);
    // Later stages combine partials as they are: no second map.
    stageSpec = { ...spec, map: 'x' };
  }
  temp?.dispose();
}

function normaliseAxes(op: string, rank: number, axes?: number | readonly number[]): number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = new Set<number>();
  for (const a of list) {
    const ax = a < 0 ? a + rank : a;
    if (!Number.isInteger(ax) || ax < 0 || ax >= rank) throw new ShapeError(op, `axis ${a} out of range for rank ${rank}`);
    out.add(ax);
  }
  return [...out].sort((p, q) => p - q);
}

/** Shape after reducing `axes` (kept as size 1 when keepDims). */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const set = new Set(axes);
  return keepDims ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
}

interface Run { reduced: boolean; size: number }

function runsOf(shape: readonly number[], axes: readonly number[]): Run[] {
  const set = new Set(axes);
  const runs: Run[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return; // a size-1 axis is both kept and reduced
    const reduced = set.has(i);
    const last = runs[runs.length - 1];
    if (last && last.reduced === reduced) last.size *= d;
    else runs.push({ reduced, size: d });
  });
  return runs;
}

/** The [O, A, K, C] view for runs of kept/reduced axes, or null when they need more than one pass. */
function viewOf(runs: Run[]): ReduceView | null {
  const v: ReduceView = { O: 1, A: 1, K: 1, C: 1 };
  const slots: (keyof ReduceView)[] = ['O', 'A', 'K', 'C'];
  let s = 0;
  for (const r of runs) {
    // Advance to the next slot of this kind (O, K kept; A, C reduced).
    while (s < 4 && (s % 2 === 1) !== r.reduced) s++;
    if (s >= 4) return null;
    v[slots[s]!] = r.size;
    s++;
  }
  return v;
}

/**
 * Reduces x over `axes` (all when omitted) with op; writes into `out` when given (same element count as
 * the result). Any rank; several passes only when reduced axes alternate with kept ones more than
 * [kept, reduced, kept, reduced] allows.
 */
export function reduce(op: ReduceOp | ReduceSpec, x: Tensor, axes?: number | readonly number[], keepDims = false, out?: Tensor): Tensor {
  const name = typeof op === 'string' ? op : 'reduce';
  x.assertAlive(name);
  const spec = typeof op === 'string' ? REDUCE_SPECS[op] : op;
  const ax = normaliseAxes(name, x.shape.length, axes);
  const shape = reducedShape(x.shape, ax, keepDims);
  const size = shape.reduce((a, b) => a * b, 1);
  if (out && out.size !== size) throw new ShapeError(name, `output has ${out.size} elements, the result ${size}`);
  if (x.size === 0) throw new ShapeError(name, `cannot reduce an empty tensor [${x.shape.join(', ')}]`);
  const y = out ?? empty(x.engine, shape, 'f32', name);
  const count = ax.reduce((a, i) => a * x.shape[i]!, 1);
  const label = `${name} [${x.shape.join('x')}] axes ${ax.join(',')}`;
  let runs = runsOf(x.shape, ax);
  let view = viewOf(runs);
  if (view) {
    reduceView(x.engine, spec, view, x.buffer, y.buffer, 0, 1 / count, label);
    return y;
  }
  // Several passes: reduce the first reduced run alone ([before, run, after] → [before, after]), repeat.
  // Only sum-like combines are split this way (MAP once, FINAL once).
  let input = x.buffer;
  let temp: Tensor | null = null;
  let first = true;
  while (!view) {
    const i = runs.findIndex((r) => r.reduced);
    const before = runs.slice(0, i).reduce((a, r) => a * r.size, 1);
    const after = runs.slice(i + 1).reduce((a, r) => a * r.size, 1);
    const next = empty(x.engine, [before * after], 'f32', `${name} pass`);
    reduceView(x.engine, first ? { ...spec, final: 'v' } : { ...spec, map: 'x', final: 'v' }, { O: before, A: runs[i]!.size, K: after, C: 1 }, input, next.buffer, 0, 1, label);
    temp?.dispose();
    temp = next;
    input = next.buffer;
    first = false;
    runs = runs.filter((_, k) => k !== i);
    // Merge runs that became neighbours.
    const merged: Run[] = [];
    for (const r of runs) {
      const last = merged[merged.length - 1];
      if (last && last.reduced === r.reduced) last.size *= r.size;
      else merged.push({ ...r });
    }
    runs = merged;
    view = viewOf(runs);
  }
  reduceView(x.engine, { ...spec, map: 'x' }, view, input, y.buffer, 0, 1 / count, label);
  temp?.dispose();
  return y;
}

/** Sum of every element → shape [1]. */
export function sumAll(x: Tensor, out?: Tensor): Tensor {
  return reduce('sum', x, undefined, false, out ?? empty(x.engine, [1], 'f32', 'sum'));
}
export function meanAll(x: Tensor, out?: Tensor): Tensor {
  return reduce('mean', x, undefined, false, out ?? empty(x.engine, [1], 'f32', 'mean'));
}
export function maxAll(x: Tensor, out?: Tensor): Tensor {
  return reduce('max', x, undefined, false, out ?? empty(x.engine, [1], 'f32', 'max'));
}

/** [M, N] → [N]: sums over the rows, one value per column (a bias gradient). */
export function sumOverRows(x: Tensor, op: ReduceOp = 'sum'): Tensor {
  x.dims2('sumOverRows');
  return reduce(op, x, 0);
}

/** [M, N] → [M]: sums over the columns, one value per row. */
export function sumOverCols(x: Tensor, op: ReduceOp = 'sum'): Tensor {
  x.dims2('sumOverCols');
  return reduce(op, x, 1);
}

/** [N, C, H, W] → [C]: sums over N, H and W, one value per channel (conv bias and per-channel gate gradients). */
export function sumPerChannel(x: Tensor, op: ReduceOp = 'sum'): Tensor {
  if (x.shape.length !== 4) throw new ShapeError('sumPerChannel', `expected NCHW, got [${x.shape.join(', ')}]`);
  return reduce(op, x, [0, 2, 3]);
}

/**
 * Reduces a broadcast result back to an operand's shape (numpy broadcasting rules, trailing-aligned):
 * the backward of broadcasting binary ops. Returns a new tensor of `shape` (a copy when nothing reduces).
 */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  x.assertAlive('sumToShape');
  const rank = x.shape.length;
  if (shape.length > rank) throw new ShapeError('sumToShape', `cannot reduce [${x.shape.join(', ')}] to the larger rank [${shape.join(', ')}]`);
  const padded = [...Array(rank - shape.length).fill(1), ...shape];
  const axes: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (padded[i] === x.shape[i]) continue;
    if (padded[i] !== 1) throw new ShapeError('sumToShape', `[${x.shape.join(', ')}] does not broadcast from [${shape.join(', ')}]`);
    axes.push(i);
  }
  const y = empty(x.engine, shape, 'f32', 'sumToShape');
  if (axes.length === 0) {
    x.engine.copy(x.buffer, y.buffer, x.bytes, 'sumToShape copy');
    return y;
  }
  return reduce('sum', x, axes, true, y);
}

/** Broadcast strides of `shape` (right-aligned to rank 4) over the 4-D `outShape4`. */
function strides4(shape: readonly number[], outShape4: readonly number[]): number[] {
  const padded = [...Array(4 - shape.length).fill(1), ...shape];
  const s = [0, 0, 0, 0];
  let stride = 1;
  for (let i = 3; i >= 0; i--) {
    s[i] = padded[i] === 1 && outShape4[i] !== 1 ? 0 : stride;
    stride *= padded[i]!;
  }
  return s;
}

/**
 * The backward of a reduction over `axes` of a tensor of `shape` (rank ≤ 4): out = scale · g broadcast
 * back to `shape`; with `max: { x, y }` only where x equals its maximum y (every tie gets the gradient).
 */
export function broadcastGrad(g: Tensor, shape: readonly number[], axes: readonly number[], scale = 1, max?: { x: Tensor; y: Tensor }): Tensor {
  if (shape.length > 4) throw new ShapeError('broadcastGrad', `rank ${shape.length} is over the supported 4`);
  const kept = reducedShape(shape, normaliseAxes('broadcastGrad', shape.length, axes), true);
  if (g.size !== kept.reduce((a, b) => a * b, 1)) throw new ShapeError('broadcastGrad', `gradient [${g.shape.join(', ')}] does not match the reduced shape [${kept.join(', ')}]`);
  const out = empty(g.engine, shape, 'f32', 'reduce grad');
  const shape4 = [...Array(4 - shape.length).fill(1), ...shape];
  const params = new ArrayBuffer(48);
  const u = new Uint32Array(params);
  u[0] = out.size;
  new Float32Array(params, 4, 1)[0] = scale;
  u.set(shape4, 4);
  u.set(strides4(kept, shape4), 8);
  const buffers = [g.buffer, out.buffer];
  const defines = max
    ? { BINDINGS: '@group(0) @binding(3) var<storage, read> x: array<f32>;\n@group(0) @binding(4) var<storage, read> y: array<f32>;', VALUE: 'select(0.0, params.scale * g[ig], x[i] == y[ig])' }
    : { BINDINGS: '', VALUE: 'params.scale * g[ig]' };
  if (max) buffers.push(max.x.buffer, max.y.buffer);
  g.engine.dispatch({ label: `reduce grad [${shape.join('x')}]`, shader: { name: 'reduce_broadcast', defines }, params, buffers, workgroups: g.engine.grid(Math.ceil(out.size / 256)) });
  return out;
}

export { normaliseAxes };
