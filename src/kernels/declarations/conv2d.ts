// The conv2d forward declarations: plain (no bias), with bias (+ ReLU), and HAT's gated conv
// y = dropout(relu(conv(x, W) + b)) · σ(s·e[o]) with everything after the convolution in the epilogue
// (shaders/conv2d_epilogue_hat_forward.wgsl); gated = false is the plain network's conv layer.
import { dropoutKeep } from '../dropout-hash.ts';
import { conv2dRef } from '../reference/conv.ts';
import { gateRef } from '../reference/hat.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { convDeclaration, convSweep, type ConvShape } from './conv2d-family.ts';

export const conv2dKernel = convDeclaration<ConvShape>({
  name: 'conv2d',
  summary: 'y [N, O, OH, OW] = conv2d(x [N, C, H, W], w [O, C, KH, KW]) (NCHW, OIHW, stride, padding)',
  epilogue: 'conv2d_epilogue_none',
  reference: ({ shape: s, inputs }) => ({ y: conv2dRef(inputs.x!, inputs.w!, null, s) }),
  shapes: convSweep((g) => g),
});

export interface ConvBiasReluShape extends ConvShape { relu: boolean }

export const conv2dBiasReluKernel = convDeclaration<ConvBiasReluShape>({
  name: 'conv2d-bias-relu',
  summary: 'y = conv2d(x, w) + b[o], then ReLU when relu',
  epilogue: 'conv2d_epilogue_bias_relu',
  extraBindings: [{ name: 'bias', binding: 4, access: 'read', type: 'f32' }],
  extraSizes: (s) => ({ bias: s.o }),
  constants: (s) => ({ RELU: s.relu }),
  generateExtra: (s, seed) => ({ inputs: { bias: seededFloats(s.o, streamSeed(seed, 3)) }, scalars: {} }),
  reference: ({ shape: s, inputs }) => {
    const y = conv2dRef(inputs.x!, inputs.w!, inputs.bias!, s);
    return { y: s.relu ? y.map((v) => Math.max(v, 0)) : y };
  },
  shapes: convSweep((g) => ({ ...g, relu: g.o % 2 === 1 })),
  variants: ['relu', 'bias only'],
});

export interface GatedConvShape extends ConvShape { gated: boolean }

export const gatedConv2dKernel = convDeclaration<GatedConvShape>({
  name: 'gated-conv2d',
  summary: 'y = dropout(relu(conv2d(x, w) + b[o])) · σ(s·e[o]), one conv with the HAT epilogue',
  epilogue: 'conv2d_epilogue_hat_forward',
  epilogueAppend: ['hat_common', 'dropout_hash'],
  extraBindings: [
    { name: 'bias', binding: 4, access: 'read', type: 'f32' },
    { name: 'embedding', binding: 5, access: 'read', type: 'f32' },
  ],
  extraSizes: (s) => ({ bias: s.o, embedding: s.o }),
  constants: (s): Record<string, boolean> => (s.gated ? {} : { GATED: false }),
  // epi_f = (s, p, 1/(1−p), 0), epi_u = (seed, dropout on, 0, 0).
  epi: (_s, { s, p = 0, seed = 0 }) => ({ f: [s ?? 1, p, p > 0 ? 1 / (1 - p) : 1, 0], u: [seed >>> 0, p > 0 ? 1 : 0, 0, 0] }),
  generateExtra: (s, seed) => ({
    inputs: { bias: seededFloats(s.o, streamSeed(seed, 3)), embedding: seededFloats(s.o, streamSeed(seed, 4), -3, 3) },
    scalars: { s: 1 + (seed % 7), p: seed % 2 === 1 ? 0.25 : 0, seed: streamSeed(seed, 5) },
  }),
  reference: ({ shape: g, inputs, scalars }) => {
    const a = g.gated ? gateRef(inputs.embedding!, scalars.s!) : new Float64Array(g.o).fill(1);
    const p = scalars.p ?? 0, seed = scalars.seed ?? 0;
    const y = conv2dRef(inputs.x!, inputs.w!, inputs.bias!, g);
    const plane = g.oh * g.ow;
    return {
      y: y.map((v, i) => {
        const kept = p === 0 ? Math.max(v, 0) : dropoutKeep(seed, i, p) ? Math.max(v, 0) / (1 - p) : 0;
        return kept * a[Math.floor(i / plane) % g.o]!;
      }),
    };
  },
  shapes: [...convSweep((g) => ({ ...g, gated: true })), { shape: { ...convSweep((g) => g)[2]!.shape, gated: false } }],
  unfusedTwin: 'hat.hatConvForwardUnfused',
  variants: ['gated', 'plain (gated = false)'],
});
