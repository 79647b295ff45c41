// Bindings of the reduction kernels (shaders/reduce.wgsl, shaders/reduce_broadcast.wgsl).
//
// Every reduction is one view of the input as [O, A, K, C] reduced over A and C (see reduce.wgsl). Axis
// sets that do not fit one view (e.g. reduce axes 0 and 2 but keep 1 and 3) run as several reductions.
// Long reductions run as a tree of stages: partials per workgroup, then a reduction of the partials, in a
// fixed order (deterministic, no atomics). The files of reduce/ hold the parts.
export { REDUCE_SPECS, type ReduceOp, type ReduceSpec } from './reduce/specs.ts';
export { dispatchStage, nextView, planStage, reduceView, stageOutputs, type ReduceView, type StagePlan } from './reduce/stages.ts';
export { normaliseAxes, reducedShape } from './reduce/axes.ts';
export { reduce } from './reduce/over-axes.ts';
export { maxAll, meanAll, sumAll, sumOverCols, sumOverRows, sumPerChannel } from './reduce/shorthands.ts';
export { sumToShape } from './reduce/sum-to-shape.ts';
export { broadcastGrad } from './reduce/broadcast-grad.ts';
