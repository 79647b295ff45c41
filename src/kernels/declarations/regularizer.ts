// One layer's step of HAT's regulariser (shaders/hat_regularizer.wgsl), one workgroup: adds Σ a·(1 − prev)
// and Σ (1 − prev) (a = σ(s·e)) to acc (from 0 on the first layer) and, on the last layer, writes
// out[0] = acc[0]/acc[1]. hatRegularizer records one of these per layer in order.
import type { KernelDeclaration } from '../declaration.ts';
import { sigmoid } from '../reference/hat.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

export interface RegularizerLayerShape { count: number; hasPrev: boolean; first: boolean; last: boolean }

export const regularizerLayerKernel: KernelDeclaration<RegularizerLayerShape> = {
  name: 'regularizer-layer',
  summary: "one layer's share of R = Σ a(1 − prev) / Σ (1 − prev), accumulated in acc; the last layer writes R",
  kind: 'forward',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'embedding', binding: 1, access: 'read', type: 'f32' },
    { name: 'prev', binding: 2, access: 'read', type: 'f32' },
    { name: 'acc', binding: 3, access: 'read_write', type: 'f32', inout: true },
    { name: 'out', binding: 4, access: 'read_write', type: 'f32', inout: true },
  ],
  params: [{ name: 'count', type: 'u32' }, { name: 'flags', type: 'u32' }, { name: 's', type: 'f32' }],
  paramValues: (sh, { s }) => ({ count: sh.count, flags: (sh.hasPrev ? 1 : 0) | (sh.first ? 0 : 2) | (sh.last ? 4 : 0), s: s! }),
  space: {},
  shader: () => ({ name: 'hat_regularizer', append: ['hat_common'] }),
  heuristic: () => ({}),
  shapeClass: () => 'any',
  // One workgroup walks the whole layer: the grid never grows with the shape.
  workgroups: () => [1, 1, 1],
  sizes: (sh) => ({ embedding: sh.count, prev: sh.count, acc: 2, out: 1 }),
  reference: ({ shape: sh, inputs, scalars }) => {
    let num = 0, den = 0;
    for (let i = 0; i < sh.count; i++) {
      const free = sh.hasPrev ? 1 - inputs.prev![i]! : 1;
      num += sigmoid(scalars.s! * inputs.embedding![i]!) * free;
      den += free;
    }
    const acc = sh.first ? [num, den] : [inputs.acc![0]! + num, inputs.acc![1]! + den];
    return { acc: Float64Array.from(acc), out: Float64Array.of(sh.last ? acc[0]! / acc[1]! : inputs.out![0]!) };
  },
  generate: (sh, seed) => ({
    shape: sh,
    inputs: { embedding: seededFloats(sh.count, streamSeed(seed, 1), -3, 3), prev: seededFloats(sh.count, streamSeed(seed, 2), 0, 1), acc: Float32Array.of(3.5, 7.25), out: Float32Array.of(0.125) },
    scalars: { s: [1 / 400, 1, 400][seed % 3]! },
  }),
  flops: (sh) => 8 * sh.count,
  bytes: (sh) => 8 * sh.count,
  shapes: ([[1, true, true, true], [7, false, true, false], [63, true, false, false], [65, true, false, true], [257, false, true, true], [256, true, true, true], [70000, true, false, true]] as const)
    .map(([count, hasPrev, first, last]) => ({ shape: { count, hasPrev, first, last } })),
  tolerance: (sh) => ({ rtol: 1e-5, atol: 1e-7 * Math.sqrt(sh.count) }),
  unfusedTwin: 'hat.hatRegularizerUnfused',
  variants: ['first layer', 'later layers', 'last layer (writes R)'],
  describeShape: (sh) => `[${sh.count}]${sh.hasPrev ? ' prev' : ''}${sh.first ? ' first' : ''}${sh.last ? ' last' : ''}`,
};
