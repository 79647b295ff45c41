// reduce(): any reduction over any axes of a tensor of any rank. Axis sets that do not fit one view
// [O, A, K, C] (e.g. reduce axes 0 and 2 but keep 1 and 3) run as several reductions.
import { ShapeError } from '../../runtime/errors.ts';
import { empty, type Tensor } from '../../tensor.ts';
import { normaliseAxes, reducedShape } from './axes.ts';
import { REDUCE_SPECS, type ReduceOp, type ReduceSpec } from './specs.ts';
import { reduceView, type ReduceView } from './stages.ts';

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
