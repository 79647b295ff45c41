// How one stage of a reduction is split (shaders/reduce.wgsl): the kernel (tree or per_thread), the number
// of chunks P and their length. Apart from stages.ts so that declarations import no binding.

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
