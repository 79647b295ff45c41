// The backward of a reduction (shaders/reduce_broadcast.wgsl): out = scale·g broadcast back to the input
// shape (rank ≤ 4) through g's broadcast strides; with max, only where x equals its maximum y (ties each
// get the full gradient).
import type { KernelDeclaration, SweepCase } from '../declaration.ts';
import { broadcastStrides } from '../broadcast.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { elementwiseParts, elementwiseShader } from './elementwise-family.ts';

/** shape: the input's (rank ≤ 4); kept: the reduced shape with kept dims of size 1; max: route to the maxima. */
export interface ReduceBroadcastShape { shape: readonly number[]; kept: readonly number[]; max: boolean }

const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const pad4 = (s: readonly number[]) => [...Array(4 - s.length).fill(1), ...s];

/** For each element of the padded input shape, its index in the reduced tensor. */
function reducedIndex(s: ReduceBroadcastShape): Int32Array {
  const shape4 = pad4(s.shape), strides = broadcastStrides(s.kept, shape4);
  return Int32Array.from({ length: product(shape4) }, (_, i) => {
    let rest = i, ig = 0;
    for (let d = 3; d >= 0; d--) { ig += (rest % shape4[d]!) * strides[d]!; rest = Math.floor(rest / shape4[d]!); }
    return ig;
  });
}

export const reduceBroadcastKernel: KernelDeclaration<ReduceBroadcastShape> = {
  name: 'reduce-broadcast',
  summary: 'out = scale·g broadcast from the reduced shape back to the input (with max: only where x equals its maximum)',
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'g', binding: 1, access: 'read', type: 'f32' },
    { name: 'out', binding: 2, access: 'read_write', type: 'f32' },
    { name: 'x', binding: 3, access: 'read', type: 'f32' },
    { name: 'y', binding: 4, access: 'read', type: 'f32' },
  ],
  bindingsFor: (s) => (s.max ? reduceBroadcastKernel.bindings : reduceBroadcastKernel.bindings.slice(0, 3)),
  params: [{ name: 'count', type: 'u32' }, { name: 'scale', type: 'f32' }, { name: 'out_shape', type: 'vec4<u32>' }, { name: 'g_strides', type: 'vec4<u32>' }],
  paramValues: (s, { scale = 1 }) => ({ count: product(s.shape), scale, out_shape: pad4(s.shape), g_strides: broadcastStrides(s.kept, pad4(s.shape)) }),
  ...elementwiseParts<ReduceBroadcastShape>((s) => product(s.shape)),
  shader: (spec, s) => elementwiseShader('reduce_broadcast', spec, {
    defines: s.max
      ? { BINDINGS: '@group(0) @binding(3) var<storage, read> x: array<f32>;\n@group(0) @binding(4) var<storage, read> y: array<f32>;', VALUE: 'select(0.0, params.scale * g[ig], x[i] == y[ig])' }
      : { BINDINGS: '', VALUE: 'params.scale * g[ig]' },
  }),
  sizes: (s) => ({ g: product(s.kept), out: product(s.shape), x: product(s.shape), y: product(s.kept) }),
  reference: ({ shape: s, inputs, scalars }) => {
    const ig = reducedIndex(s), scale = scalars.scale ?? 1;
    return { out: Float64Array.from(ig, (j, i) => (!s.max || inputs.x![i] === inputs.y![j] ? scale * inputs.g![j]! : 0)) };
  },
  // x of few distinct values, so maxima tie; y its maximum over the reduced axes.
  generate: (s, seed) => {
    const x = seededFloats(product(s.shape), streamSeed(seed, 2), 0, 3).map(Math.floor);
    const y = new Float32Array(product(s.kept)).fill(-Infinity);
    reducedIndex(s).forEach((j, i) => { y[j] = Math.max(y[j]!, x[i]!); });
    return { shape: s, inputs: { g: seededFloats(product(s.kept), streamSeed(seed, 1)), x, y }, scalars: { scale: 0.5 * seed } };
  },
  flops: (s) => product(s.shape),
  bytes: (s) => 8 * product(s.shape),
  shapes: ([
    [[1], [1], false], [[7], [1], true], [[63, 65], [63, 1], false], [[65, 7], [1, 7], true],
    [[2, 3, 257], [2, 1, 257], false], [[3, 4, 5, 6], [1, 4, 1, 6], true], [[64, 64], [1, 1], false],
  ] as const).map(([shape, kept, max]): SweepCase<ReduceBroadcastShape> => ({ shape: { shape, kept, max } })).concat([
    { shape: { shape: [70000, 1], kept: [1, 1], max: true }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ]),
  tolerance: () => ({ rtol: 1e-6, atol: 0 }),
  describeShape: (s) => `[${s.shape.join('x')}] from [${s.kept.join('x')}]${s.max ? ' max' : ''}`,
};
