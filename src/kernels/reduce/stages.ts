// One reduction of a view [O, A, K, C] over A and C (shaders/reduce.wgsl). Long reductions run as a tree
// of stages: partials per workgroup, then a reduction of the partials, in a fixed order (deterministic,
// no atomics).
import type { Engine } from '../../runtime/engine.ts';
import { empty, type Tensor } from '../../tensor.ts';
import { recordKernel, type KernelDeclaration } from '../declaration.ts';
import type { ReduceStageShape } from '../declarations/reduce.ts';
import { builtinKernel, runKernel } from '../registry.ts';
import { REDUCE_SPECS, type ReduceOp, type ReduceSpec } from './specs.ts';
import { nextView, planStage, stageOutputs, type ReduceView, type StagePlan } from './plan.ts';

export { nextView, planStage, stageOutputs, type ReduceView, type StagePlan } from './plan.ts';

/** Records one stage: writes stageOutputs() values to out at outOffset (elements). */
export function dispatchStage(engine: Engine, spec: ReduceSpec, v: ReduceView, plan: StagePlan, x: GPUBuffer, out: GPUBuffer, outOffset: number, applyFinal: boolean, scale: number, label: string): void {
  const call = {
    label: `${label} [${v.O}x${v.A}x${v.K}x${v.C}] ${plan.variant}${plan.P > 1 ? ` P${plan.P}` : ''}`,
    buffers: { x, out }, scalars: { scale },
  };
  const named = namedStage(spec);
  const shape: ReduceStageShape = { view: v, plan, op: named?.op ?? 'sum', later: named?.later ?? false, final: applyFinal, offset: outOffset };
  if (named) runKernel(engine, 'reduce-stage', { ...call, shape });
  else recordKernel(engine, customReduceKernel(spec), { ...call, shape, spec: {} });
}

/** The named reduction (and whether its map is dropped, as in later stages) a spec is, or null. */
function namedStage(spec: ReduceSpec): { op: ReduceOp; later: boolean } | null {
  for (const [op, named] of Object.entries(REDUCE_SPECS) as [ReduceOp, ReduceSpec][]) {
    if (named.combine !== spec.combine || named.identity !== spec.identity || named.final !== spec.final) continue;
    if (named.map === spec.map) return { op, later: false };
    if (spec.map === 'x') return { op, later: true };
  }
  return null;
}

/** The reduce-stage declaration with a reduction of the caller's own (no float64 reference). */
function customReduceKernel(spec: ReduceSpec): KernelDeclaration<ReduceStageShape> {
  const base = builtinKernel('reduce-stage') as KernelDeclaration<ReduceStageShape>;
  return {
    ...base,
    name: `reduce ${spec.combine} ${spec.map} ${spec.final}`,
    shader: (s, shape) => ({ ...base.shader(s, shape), defines: { COMBINE: spec.combine, IDENTITY: spec.identity, MAP: spec.map, FINAL: spec.final } }),
    reference: () => { throw new Error(`reduction ${spec.combine} has no float64 reference`); },
  };
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
