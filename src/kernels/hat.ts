// HAT (hard attention to the task) kernels: the gated forward, the gate backward, the conditioned weight
// gradients, the embedding gradient (regulariser + compensation) and step, the regulariser value and the
// cumulative mask update (docs/hat.md, the algorithm as the reference implementation runs it). Every fused
// kernel has an unfused twin built from the same GEMM/conv kernels without the HAT epilogue plus
// elementwise and reduction passes: the twins are the reference the fused kernels are tested and
// benchmarked against. Each file of hat/ holds one concern, its fused kernels beside their twins.
//
// Shaders: shaders/hat_*.wgsl (standalone kernels), shaders/epilogue_hat_*.wgsl (matmul epilogues),
// shaders/conv2d_epilogue_hat_*.wgsl (conv2d epilogues); hat_common.wgsl (the overflow-free sigmoid) is
// appended to each that needs a gate. The forward epilogues append shaders/dropout_hash.wgsl, the same
// hash the dropout kernel uses, so fused and unfused dropout masks are bit-identical.
export type { Dropout, Gate } from './hat/types.ts';
export { annealS } from './hat/anneal.ts';
export { hatConvForward, hatConvForwardUnfused, hatLinearForward, hatLinearForwardUnfused, plainConvForward, plainLinearForward } from './hat/gate-forward.ts';
export { type GateBackward, hatGateBackward, hatGateBackwardUnfused, plainReluDropoutBackward } from './hat/gate-backward.ts';
export { type HatConvGradOptions, hatConvWeightGrad, hatConvWeightGradUnfused, hatLinearWeightGrad, hatLinearWeightGradUnfused } from './hat/conditioning.ts';
export { type ClipScale, type EmbeddingGradOptions, hatEmbeddingGrad, hatEmbeddingGradUnfused, hatEmbeddingStep, hatEmbeddingStepUnfused } from './hat/embedding.ts';
export { hatRegDenominator, hatRegularizer, hatRegularizerUnfused, type RegLayer } from './hat/regularizer.ts';
export { hatMaskUpdate, hatMaskUpdateUnfused } from './hat/mask.ts';
