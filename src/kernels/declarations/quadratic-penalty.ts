// The quadratic penalty of EWC (w = Fisher) and of the L2 transfer of IMM and LFL (w = 1) over one tensor
// (shaders/ewc_penalty.wgsl + workgroup_sum): per-workgroup partial sums of w·(θ − θ*)² and, by variant,
// the gradient added in place or written scaled by an incoming gradient. The bindings after θ and θ*
// depend on the variant; they are numbered in the order fisher, grad | grad_out + dx, partials.
import type { BindingDecl, KernelDeclaration, SweepCase } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

export interface QuadraticPenaltyShape { count: number; fisher: boolean; grad: 'none' | 'add' | 'out'; partials: boolean; offset: number }

const WG = 256;

function bindingsOf(s: QuadraticPenaltyShape): BindingDecl[] {
  const list: BindingDecl[] = [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'theta', binding: 1, access: 'read', type: 'f32' },
    { name: 'anchor', binding: 2, access: 'read', type: 'f32' },
  ];
  const bind = (name: string, access: 'read' | 'read_write', inout = false) => list.push({ name, binding: list.length, access, type: 'f32', ...(inout ? { inout } : {}) });
  if (s.fisher) bind('fisher', 'read');
  if (s.grad === 'add') bind('grad', 'read_write', true);
  if (s.grad === 'out') { bind('grad_out', 'read'); bind('dx', 'read_write'); }
  // Partials are written at an offset: the elements before it belong to other tensors' terms.
  if (s.partials) bind('partials', 'read_write', true);
  return list;
}

const ALL_BINDINGS = bindingsOf({ count: 1, fisher: true, grad: 'out', partials: true, offset: 0 });
const groups = (s: QuadraticPenaltyShape) => Math.ceil(s.count / WG);

export const quadraticPenaltyKernel: KernelDeclaration<QuadraticPenaltyShape> = {
  name: 'quadratic-penalty',
  summary: 'partials of Σ w·(θ − θ*)² per 256 elements, and lambda·w·(θ − θ*) added to grad or written to dx (× grad_out[0])',
  kind: 'gradient',
  bindings: ALL_BINDINGS,
  bindingsFor: bindingsOf,
  params: [{ name: 'count', type: 'u32' }, { name: 'partial_offset', type: 'u32' }, { name: 'lambda', type: 'f32' }],
  paramValues: (s, { lambda }) => ({ count: s.count, partial_offset: s.offset, lambda: lambda! }),
  space: {},
  shader: (_spec, s) => ({
    name: 'ewc_penalty',
    append: ['workgroup_sum'],
    defines: {
      BINDINGS: bindingsOf(s).slice(3).map((b) => `@group(0) @binding(${b.binding}) var<storage, ${b.access}> ${b.name}: array<f32>;`).join('\n'),
      WEIGHT: s.fisher ? 'fisher[i]' : '1.0',
      GRAD: s.grad === 'add' ? 'grad[i] = grad[i] + params.lambda * w * d;' : s.grad === 'out' ? 'dx[i] = grad_out[0] * params.lambda * w * d;' : '',
      PARTIALS: s.partials ? 'true' : 'false',
      STORE_PARTIAL: s.partials ? 'partials[params.partial_offset + group] = total;' : '',
    },
  }),
  heuristic: () => ({}),
  shapeClass: () => 'any',
  workgroups: (s) => foldGrid(groups(s)),
  sizes: (s) => ({ theta: s.count, anchor: s.count, fisher: s.count, grad: s.count, grad_out: 1, dx: s.count, partials: s.offset + groups(s) }),
  reference: ({ shape: s, inputs, scalars }) => {
    const lambda = scalars.lambda!;
    const d = (i: number) => inputs.theta![i]! - inputs.anchor![i]!;
    const w = (i: number) => (s.fisher ? inputs.fisher![i]! : 1);
    const out: Record<string, Float64Array> = {};
    if (s.grad === 'add') out.grad = Float64Array.from(inputs.grad!, (g, i) => g + lambda * w(i) * d(i));
    if (s.grad === 'out') out.dx = Float64Array.from({ length: s.count }, (_, i) => inputs.grad_out![0]! * lambda * w(i) * d(i));
    if (s.partials) {
      const partials = Float64Array.from(inputs.partials!);
      for (let g = 0; g < groups(s); g++) {
        let sum = 0;
        for (let i = g * WG; i < Math.min(s.count, (g + 1) * WG); i++) sum += w(i) * d(i) ** 2;
        partials[s.offset + g] = sum;
      }
      out.partials = partials;
    }
    return out;
  },
  generate: (s, seed) => ({
    shape: s,
    inputs: {
      theta: seededFloats(s.count, streamSeed(seed, 1)), anchor: seededFloats(s.count, streamSeed(seed, 2)), fisher: seededFloats(s.count, streamSeed(seed, 3), 0, 1),
      grad: seededFloats(s.count, streamSeed(seed, 4)), grad_out: Float32Array.of(0.5 + seed), partials: seededFloats(s.offset + groups(s), streamSeed(seed, 5)),
    },
    scalars: { lambda: 100 * seed },
  }),
  flops: (s) => 6 * s.count,
  bytes: (s) => 16 * s.count,
  shapes: ([
    [1, true, 'none', true, 0], [7, false, 'add', true, 3], [63, true, 'out', false, 0], [65, true, 'add', false, 0],
    [257, false, 'none', true, 5], [256, true, 'out', true, 1], [2000, false, 'add', true, 0],
  ] as const).map(([count, fisher, grad, partials, offset]): SweepCase<QuadraticPenaltyShape> => ({ shape: { count, fisher, grad, partials, offset } })).concat([
    // 256 a workgroup: 16.8 M elements give 65,600 workgroups.
    { shape: { count: 16793600, fisher: false, grad: 'none', partials: true, offset: 0 }, why: 'more than 65,535 workgroups', heavy: true },
  ]),
  tolerance: () => ({ rtol: 2e-5, atol: 2e-5 }),
  variants: ['EWC (Fisher weights)', 'L2 (weights 1)', 'gradient added in place', 'gradient written (× grad_out)'],
  describeShape: (s) => `[${s.count}]${s.fisher ? ' fisher' : ''} grad ${s.grad}${s.partials ? ` partials @${s.offset}` : ''}`,
};
