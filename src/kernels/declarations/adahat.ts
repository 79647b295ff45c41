// AdaHAT's two elementwise kernels, both in place: the adaptive adjustment of a shared parameter's
// gradient (shaders/adahat_adjust.wgsl) and the summative mask update at the end of a task
// (shaders/adahat_summative_update.wgsl).
import type { KernelDeclaration } from '../declaration.ts';
import { adahatAdjustRef, adahatSummativeUpdateRef } from '../reference/adahat.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { elementwiseParts, elementwiseShader, elementwiseSweep } from './elementwise-family.ts';

const PARAMS = { name: 'params', binding: 0, access: 'uniform', type: 'u32' } as const;

/**
 * The gradient viewed as [units, pre, repeat] (a linear weight: repeat 1; a flattened conv's pixels or a
 * conv kernel's KH·KW: repeat > 1; a bias or a first layer: no pre mask, pre the whole row).
 */
export interface AdahatAdjustShape { units: number; pre: number; repeat: number; hasPre: boolean; hasSparsity: boolean }

const countOf = (s: AdahatAdjustShape) => s.units * s.pre * s.repeat;

/** Summative masks: integer task counts, 0 included (a unit no task uses keeps its whole gradient). */
function taskCounts(n: number, seed: number, tasks: number): Float32Array {
  return seededFloats(n, seed, 0, tasks + 1).map(Math.floor);
}

export const adahatAdjustKernel: KernelDeclaration<AdahatAdjustShape> = {
  name: 'adahat-adjust',
  summary: 'in place: grad[i, c, k] *= r/(I + r), I = min(post[i], pre[c]) (or post[i]), r = α/(ε + sparsity[0] or 0)',
  kind: 'gradient',
  bindings: [
    PARAMS,
    { name: 'grad', binding: 1, access: 'read_write', type: 'f32', inout: true },
    { name: 'sumPost', binding: 2, access: 'read', type: 'f32' },
    { name: 'sumPre', binding: 3, access: 'read', type: 'f32' },
    { name: 'sparsity', binding: 4, access: 'read', type: 'f32' },
  ],
  params: [
    { name: 'count', type: 'u32' }, { name: 'pre', type: 'u32' }, { name: 'repeat', type: 'u32' }, { name: 'flags', type: 'u32' },
    { name: 'alpha', type: 'f32' }, { name: 'epsilon', type: 'f32' },
  ],
  // flags: bit 0 a pre mask is bound, bit 1 the sparsity is read from the GPU (else it is 0).
  paramValues: (s, { alpha, epsilon }) => ({ count: countOf(s), pre: s.pre, repeat: s.repeat, flags: (s.hasPre ? 1 : 0) | (s.hasSparsity ? 2 : 0), alpha: alpha!, epsilon: epsilon! }),
  ...elementwiseParts(countOf),
  shader: (spec) => elementwiseShader('adahat_adjust', spec),
  sizes: (s) => ({ grad: countOf(s), sumPost: s.units, sumPre: s.pre, sparsity: 1 }),
  reference: ({ shape: s, inputs, scalars }) => ({
    grad: adahatAdjustRef(inputs.grad!, s.units, inputs.sumPost!, s.hasPre ? inputs.sumPre! : null, scalars.alpha!, scalars.epsilon!, s.hasSparsity ? inputs.sparsity![0]! : 0),
  }),
  generate: (s, seed) => ({
    shape: s,
    inputs: {
      grad: seededFloats(countOf(s), streamSeed(seed, 1), -2, 2),
      sumPost: taskCounts(s.units, streamSeed(seed, 2), 4),
      sumPre: taskCounts(s.pre, streamSeed(seed, 3), 4),
      sparsity: seededFloats(1, streamSeed(seed, 4), 0, 1),
    },
    // Rates from 1 (no task) down to ~1e-6 (several tasks): AdaHAT's α of 1e-6 and a large one.
    scalars: { alpha: [1e-6, 0.5, 1][seed % 3]!, epsilon: 0.1 },
  }),
  flops: (s) => 5 * countOf(s),
  bytes: (s) => 8 * countOf(s),
  shapes: [
    // Counts 1, 7, 63, 65, 257, …: linear weights with and without a pre mask, conv kernels, biases.
    ...elementwiseSweep((count, i) => ({ units: count, pre: 1, repeat: 1, hasPre: i % 2 === 0, hasSparsity: i % 3 !== 2 })),
    { shape: { units: 37, pre: 53, repeat: 1, hasPre: true, hasSparsity: true }, why: 'a linear weight' },
    { shape: { units: 29, pre: 784, repeat: 1, hasPre: false, hasSparsity: true }, why: 'the first layer (no pre mask)' },
    { shape: { units: 17, pre: 6, repeat: 9, hasPre: true, hasSparsity: true }, why: "a flattened conv's pixels" },
    { shape: { units: 8, pre: 5, repeat: 9, hasPre: true, hasSparsity: false }, why: 'a conv kernel, sparsity 0' },
    { shape: { units: 7, pre: 63, repeat: 7, hasPre: true, hasSparsity: true }, why: 'odd sizes' },
  ],
  // One multiply and a quotient of f32s: a few ulps of a value that can be ~1e-6 of the gradient.
  tolerance: () => ({ rtol: 1e-5, atol: 1e-30 }),
  unfusedTwin: 'adahat.adahatAdjustUnfused',
  variants: ['with a pre mask', 'without a pre mask (first layer, bias)', 'sparsity read on the GPU', 'sparsity 0'],
  describeShape: (s) => `[${s.units}x${s.pre}x${s.repeat}]${s.hasPre ? '' : ' no pre'}${s.hasSparsity ? '' : ' sparsity 0'}`,
};

export interface AdahatSummativeShape { count: number }

export const adahatSummativeUpdateKernel: KernelDeclaration<AdahatSummativeShape> = {
  name: 'adahat-summative-update',
  summary: "in place: sum[i] += [e[i] > 0] (the unit's binarised gate at the end of a task)",
  kind: 'forward',
  bindings: [
    PARAMS,
    { name: 'sum', binding: 1, access: 'read_write', type: 'f32', inout: true },
    { name: 'embedding', binding: 2, access: 'read', type: 'f32' },
  ],
  params: [{ name: 'count', type: 'u32' }],
  paramValues: (s) => ({ count: s.count }),
  ...elementwiseParts<AdahatSummativeShape>((s) => s.count),
  shader: (spec) => elementwiseShader('adahat_summative_update', spec),
  sizes: (s) => ({ sum: s.count, embedding: s.count }),
  reference: ({ inputs }) => ({ sum: adahatSummativeUpdateRef(inputs.sum!, inputs.embedding!) }),
  generate: (s, seed) => ({
    shape: s,
    // Embeddings of either sign (a few exactly 0: a gate of 1/2 is not a use).
    inputs: { sum: taskCounts(s.count, streamSeed(seed, 1), 4), embedding: seededFloats(s.count, streamSeed(seed, 2), -4, 4).map((v) => (Math.abs(v) < 0.1 ? 0 : v)) },
    scalars: {},
  }),
  flops: (s) => s.count,
  bytes: (s) => 12 * s.count,
  shapes: elementwiseSweep((count) => ({ count })),
  tolerance: () => ({ rtol: 0, atol: 0 }),
  unfusedTwin: 'adahat.adahatSummativeUpdateUnfused',
  describeShape: (s) => `[${s.count}]`,
};
