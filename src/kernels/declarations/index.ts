// Every built-in kernel declaration, in the order listKernels shows them.
import type { KernelDeclaration } from '../declaration.ts';
import { adahatAdjustKernel, adahatSummativeUpdateKernel } from './adahat.ts';
import { batchNormApplyKernel, batchNormBackwardInputKernel, batchNormBackwardReduceKernel, batchNormStatsKernel } from './batchnorm.ts';
import { layerNormBackwardInputKernel, layerNormBackwardParamsKernel, layerNormForwardKernel } from './layernorm.ts';
import { taskInferenceFlagsKernel, taskInferenceScoresKernel } from './task-inference.ts';
import { conv2dBiasReluKernel, conv2dKernel, gatedConv2dKernel } from './conv2d.ts';
import { argmaxKernel, correctFlagsKernel } from './argmax.ts';
import { conv2dBackwardBiasKernel } from './conv2d-backward-bias.ts';
import { conv2dBackwardInputKernel } from './conv2d-backward-input.ts';
import { conv2dWeightGradKernel, conv2dWeightPartialsKernel, conv2dWeightReduceKernel } from './conv2d-weight-grad.ts';
import { distillBackwardKernel, distillForwardKernel, ewcFisherKernel, immMergeMeanKernel, immMergeModeKernel } from './continual.ts';
import { dropoutKernel } from './dropout.ts';
import { axpyKernel, binaryKernel, fillKernel, unaryKernel } from './elementwise.ts';
import { embeddingGradKernel, embeddingStepKernel } from './embedding.ts';
import { gateBackwardKernel, maskUpdateKernel } from './gate-backward.ts';
import { gatedMatmulKernel } from './gated-matmul.ts';
import { maskedWeightGradKernel } from './masked-weight-grad.ts';
import { matmulBiasReluKernel, matmulKernel } from './matmul.ts';
import { lateralScaleGradKernel, lateralScaleKernel } from './lateral.ts';
import { maxpool2dBackwardKernel, maxpool2dKernel } from './maxpool2d.ts';
import { quadraticPenaltyKernel } from './quadratic-penalty.ts';
import { reduceStageKernel } from './reduce.ts';
import { reduceBroadcastKernel } from './reduce-broadcast.ts';
import { regularizerLayerKernel } from './regularizer.ts';
import { sgdKernel } from './sgd.ts';
import { softmaxCrossEntropyBackwardKernel, softmaxCrossEntropyKernel } from './softmax-cross-entropy.ts';

export { quadraticPenaltyKernel, reduceBroadcastKernel, reduceStageKernel };
export { argmaxKernel, axpyKernel, binaryKernel, correctFlagsKernel, fillKernel, unaryKernel };
export { distillBackwardKernel, distillForwardKernel, ewcFisherKernel, immMergeMeanKernel, immMergeModeKernel, lateralScaleGradKernel, lateralScaleKernel, regularizerLayerKernel };
export { conv2dBackwardBiasKernel, conv2dBackwardInputKernel, conv2dWeightGradKernel, conv2dWeightPartialsKernel, conv2dWeightReduceKernel, dropoutKernel, maxpool2dBackwardKernel, maxpool2dKernel, sgdKernel, softmaxCrossEntropyBackwardKernel, softmaxCrossEntropyKernel, gateBackwardKernel, maskUpdateKernel };
export { conv2dBiasReluKernel, conv2dKernel, embeddingGradKernel, embeddingStepKernel, gatedConv2dKernel, gatedMatmulKernel, maskedWeightGradKernel, matmulBiasReluKernel, matmulKernel };

export { adahatAdjustKernel, adahatSummativeUpdateKernel, taskInferenceFlagsKernel, taskInferenceScoresKernel };
export { batchNormApplyKernel, batchNormBackwardInputKernel, batchNormBackwardReduceKernel, batchNormStatsKernel, layerNormBackwardInputKernel, layerNormBackwardParamsKernel, layerNormForwardKernel };

export const BUILTIN_KERNELS: readonly KernelDeclaration[] = [
  gatedMatmulKernel,
  maskedWeightGradKernel,
  gatedConv2dKernel,
  conv2dWeightGradKernel,
  embeddingGradKernel,
  embeddingStepKernel,
  gateBackwardKernel,
  maskUpdateKernel,
  regularizerLayerKernel,
  matmulKernel,
  matmulBiasReluKernel,
  conv2dKernel,
  conv2dBiasReluKernel,
  conv2dBackwardInputKernel,
  conv2dWeightPartialsKernel,
  conv2dWeightReduceKernel,
  conv2dBackwardBiasKernel,
  dropoutKernel,
  sgdKernel,
  maxpool2dKernel,
  maxpool2dBackwardKernel,
  softmaxCrossEntropyKernel,
  softmaxCrossEntropyBackwardKernel,
  lateralScaleKernel,
  lateralScaleGradKernel,
  ewcFisherKernel,
  immMergeMeanKernel,
  immMergeModeKernel,
  quadraticPenaltyKernel,
  distillForwardKernel,
  distillBackwardKernel,
  unaryKernel,
  binaryKernel,
  axpyKernel,
  fillKernel,
  argmaxKernel,
  correctFlagsKernel,
  reduceStageKernel,
  reduceBroadcastKernel,
  adahatAdjustKernel,
  adahatSummativeUpdateKernel,
  batchNormStatsKernel,
  batchNormApplyKernel,
  batchNormBackwardReduceKernel,
  batchNormBackwardInputKernel,
  layerNormForwardKernel,
  layerNormBackwardInputKernel,
  layerNormBackwardParamsKernel,
  taskInferenceScoresKernel,
  taskInferenceFlagsKernel,
];
