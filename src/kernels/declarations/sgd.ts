// The SGD step in place with optional global-norm clipping read on the GPU (shaders/sgd.wgsl):
// w −= lr·c·g, c = min(1, maxNorm/(norm + 1e-6)) when clip, else 1.
import type { KernelDeclaration } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

export interface SgdShape { count: number; clip: boolean }

const WG_DEFAULT = 256;

function lanes(spec: Record<string, unknown>): number {
  return spec.vector === 'vec4' ? 4 : 1;
}

export const sgdKernel: KernelDeclaration<SgdShape> = {
  name: 'sgd',
  summary: 'in place: w −= lr·c·g, c = min(1, maxNorm/(norm + 1e-6)) read on the GPU when clipping',
  kind: 'gradient',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'g', binding: 1, access: 'read', type: 'f32' },
    { name: 'w', binding: 2, access: 'read_write', type: 'f32', inout: true },
    { name: 'norm', binding: 3, access: 'read', type: 'f32' },
  ],
  params: [{ name: 'count', type: 'u32' }, { name: 'lr', type: 'f32' }, { name: 'max_norm', type: 'f32' }, { name: 'clip', type: 'u32' }],
  paramValues: (sh, { lr, maxNorm = 0 }, spec) => ({ count: sh.count / lanes(spec), lr: lr!, max_norm: sh.clip ? maxNorm : 0, clip: sh.clip ? 1 : 0 }),
  space: {
    vector: { values: ['vec4', 'scalar'], default: 'vec4', doc: 'vec4 loads need a size that is a multiple of 4' },
    wg: { values: [1, 64, 128, 256], default: WG_DEFAULT, doc: 'invocations per workgroup' },
  },
  // The default workgroup size is the shader's own, so the built-in pipeline is compiled without constants.
  shader: (spec) => ({ name: 'sgd', defines: { T: spec.vector === 'vec4' ? 'vec4<f32>' : 'f32' }, constants: Number(spec.wg) === WG_DEFAULT ? {} : { WG: Number(spec.wg) } as Record<string, number> }),
  valid: (spec, sh) => spec.vector === 'scalar' || sh.count % 4 === 0,
  shippedDefault: (_engine, sh) => ({ vector: sh.count % 4 === 0 ? 'vec4' : 'scalar', wg: WG_DEFAULT }),
  heuristic: () => ({ vector: 'scalar', wg: WG_DEFAULT }),
  shapeClass: (sh) => (sh.count % 4 === 0 ? 'vec4' : 'scalar'),
  workgroups: (sh, spec) => foldGrid(Math.ceil(sh.count / lanes(spec) / Number(spec.wg))),
  sizes: (sh) => ({ g: sh.count, w: sh.count, norm: 1 }),
  reference: ({ shape: sh, inputs, scalars }) => {
    const c = sh.clip ? Math.min(1, scalars.maxNorm! / (inputs.norm![0]! + 1e-6)) : 1;
    return { w: Float64Array.from(inputs.w!, (v, i) => v - scalars.lr! * c * inputs.g![i]!) };
  },
  generate: (sh, seed) => ({
    shape: sh,
    inputs: { g: seededFloats(sh.count, streamSeed(seed, 1)), w: seededFloats(sh.count, streamSeed(seed, 2)), norm: Float32Array.of(seed % 2 ? 0.5 : 4) },
    scalars: { lr: 0.05 * seed, maxNorm: 1 },
  }),
  flops: (sh) => 2 * sh.count,
  bytes: (sh) => 12 * sh.count,
  shapes: [
    ...[1, 7, 63, 65, 257, 256, 2000].map((count, i) => ({ shape: { count, clip: i % 2 === 0 } })),
    // One invocation per workgroup: 70,000 elements give 70,000 workgroups.
    { shape: { count: 70000, clip: true }, spec: { vector: 'scalar', wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  tolerance: () => ({ rtol: 1e-6, atol: 1e-7 }),
  describeShape: (sh) => `[${sh.count}]${sh.clip ? ' clip' : ''}`,
};
