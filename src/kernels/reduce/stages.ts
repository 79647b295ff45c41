// One reduction of a view [O, A, K, C] over A and C (shaders/reduce.wgsl). Long reductions run as a tree
// of stages: partials per workgroup, then a reduction of the partials, in a fixed order (deterministic,
// no atomics).
import type { Engine } from '../../runtime/engine.ts';
import { empty, type Tensor } from '../../tensor.ts';
import { packParams } from '../dispatch.ts';
import type { ReduceSpec } from './specs.ts';

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
  const params = packParams([v.O, v.A, v.K, v.C, plan.P, plan.chunk, outOffset, applyFinal ? 1 : 0], [scale]);
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
