// Per-row argmax of x [B, N] (first index of the maximum), one invocation per row (shaders/argmax.wgsl);
// correct-flags is the same scan writing 1.0 where the argmax equals the label (countCorrect sums them).
import type { KernelDeclaration, SweepCase } from '../declaration.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { elementwiseParts } from './elementwise-family.ts';

export interface RowsShape { b: number; n: number }

const ROW_WG = 64;
const PARAMS = { name: 'params', binding: 0, access: 'uniform', type: 'u32' } as const;

function argmaxRef(x: ArrayLike<number>, b: number, n: number): number[] {
  return Array.from({ length: b }, (_, r) => {
    let best = x[r * n]!, at = 0;
    for (let j = 1; j < n; j++) if (x[r * n + j]! > best) { best = x[r * n + j]!; at = j; }
    return at;
  });
}

const SHAPES: SweepCase<RowsShape>[] = [
  ...([[1, 1], [7, 7], [63, 10], [65, 2], [257, 3], [64, 100]] as const).map(([b, n]) => ({ shape: { b, n } })),
  // One row a workgroup: 70,000 rows give 70,000 workgroups.
  { shape: { b: 70000, n: 3 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
];

// Rows of the row kernels: the workgroup axis with the shader's default of 64.
const rowParts = { ...elementwiseParts<RowsShape>((s) => s.b), space: { wg: { values: [1, 32, 64, 128], default: ROW_WG, doc: 'rows per workgroup' } }, heuristic: () => ({ wg: ROW_WG }) };
const rowShader = (spec: Record<string, unknown>, defines: Record<string, string>) => {
  const wg = Number(spec.wg);
  return { name: 'argmax', defines, constants: wg === ROW_WG ? {} : { WG: wg } as Record<string, number> };
};

export const argmaxKernel: KernelDeclaration<RowsShape> = {
  name: 'argmax',
  summary: 'out[b] = the first index of the maximum of row b of x [B, N] (int32)',
  kind: 'forward',
  bindings: [PARAMS, { name: 'x', binding: 1, access: 'read', type: 'f32' }, { name: 'out', binding: 2, access: 'read_write', type: 'i32' }],
  params: [{ name: 'B', type: 'u32' }, { name: 'N', type: 'u32' }],
  paramValues: (s) => ({ B: s.b, N: s.n }),
  ...rowParts,
  shader: (spec) => rowShader(spec, { BINDINGS: '@group(0) @binding(2) var<storage, read_write> out: array<i32>;', STORE: 'out[b] = i32(arg);' }),
  sizes: (s) => ({ x: s.b * s.n, out: s.b }),
  reference: ({ shape: s, inputs }) => ({ out: Float64Array.from(argmaxRef(inputs.x!, s.b, s.n)) }),
  // Few distinct values, so ties (first index wins) happen.
  generate: (s, seed) => ({ shape: s, inputs: { x: seededFloats(s.b * s.n, streamSeed(seed, 1), 0, 4).map(Math.floor) }, scalars: {} }),
  flops: (s) => s.b * s.n,
  bytes: (s) => 4 * (s.b * s.n + s.b),
  shapes: SHAPES,
  tolerance: () => ({ rtol: 0, atol: 0 }),
  describeShape: (s) => `[${s.b}x${s.n}]`,
};

export const correctFlagsKernel: KernelDeclaration<RowsShape> = {
  name: 'correct-flags',
  summary: 'out[b] = 1.0 where argmax of row b equals labels[b], else 0.0',
  kind: 'forward',
  bindings: [
    PARAMS,
    { name: 'x', binding: 1, access: 'read', type: 'f32' },
    { name: 'labels', binding: 2, access: 'read', type: 'i32' },
    { name: 'out', binding: 3, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'B', type: 'u32' }, { name: 'N', type: 'u32' }],
  paramValues: (s) => ({ B: s.b, N: s.n }),
  ...rowParts,
  shader: (spec) => rowShader(spec, {
    BINDINGS: '@group(0) @binding(2) var<storage, read> labels: array<i32>;\n@group(0) @binding(3) var<storage, read_write> out: array<f32>;',
    STORE: 'out[b] = select(0.0, 1.0, i32(arg) == labels[b]);',
  }),
  sizes: (s) => ({ x: s.b * s.n, labels: s.b, out: s.b }),
  reference: ({ shape: s, inputs }) => ({ out: Float64Array.from(argmaxRef(inputs.x!, s.b, s.n), (a, r) => (a === inputs.labels![r] ? 1 : 0)) }),
  generate: (s, seed) => ({
    shape: s,
    inputs: { x: seededFloats(s.b * s.n, streamSeed(seed, 1), 0, 4).map(Math.floor), labels: Int32Array.from(seededFloats(s.b, streamSeed(seed, 2), 0, s.n), Math.floor) },
    scalars: {},
  }),
  flops: (s) => s.b * s.n,
  bytes: (s) => 4 * (s.b * s.n + 2 * s.b),
  shapes: SHAPES,
  tolerance: () => ({ rtol: 0, atol: 0 }),
  describeShape: (s) => `[${s.b}x${s.n}]`,
};
