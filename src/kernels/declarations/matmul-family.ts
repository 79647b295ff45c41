// What every GEMM declaration shares: the cores (shaders/matmul.wgsl, matmul_sg.wgsl), the loaders, the
// block store, the params struct, the specialisation space (core, register block, workgroup, loader) and
// the dispatch rule. A member differs only in its epilogue (a snippet defining epilogue_row/col and
// epilogue), the epilogue's bindings and values, and its reference.
import type { Engine } from '../../runtime/engine.ts';
import type { BindingDecl, KernelDeclaration, ParamField, Problem, Specialisation, SweepCase, Tolerance } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { chooseVariant, FORM_ID, subgroupsOf8, variantTile, type MatmulForm, type MatmulVariant } from '../matmul-variants.ts';
import { operandShapes } from '../reference/matmul.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';

export interface MatmulShape { form: MatmulForm; m: number; n: number; k: number }

export const MATMUL_PARAMS: readonly ParamField[] = [
  { name: 'm', type: 'u32' }, { name: 'n', type: 'u32' }, { name: 'k', type: 'u32' }, { name: 'tiles_n', type: 'u32' },
  { name: 'epi_f', type: 'vec4<f32>' }, { name: 'epi_u', type: 'vec4<u32>' },
];

export const MATMUL_SPACE = {
  core: { values: ['matmul', 'matmul_sg'], default: 'matmul', doc: 'register-block core (any adapter) or subgroup core (subgroups of 8)' },
  tm: { values: [4, 8, 16], default: 16, doc: 'rows of the register block per invocation' },
  tn: { values: [4, 8, 16, 32, 64], default: 16, doc: 'columns of the register block per invocation' },
  wx: { values: [1, 2, 4, 8, 16], default: 4, doc: 'invocations per workgroup in x (the subgroup core needs 8)' },
  wy: { values: [1, 2, 4, 8, 16], default: 4, doc: 'invocations (subgroups for the subgroup core) per workgroup in y' },
  loader: { values: ['vec4', 'scalar'], default: 'vec4', doc: 'vec4 loads need both contiguous dims to be multiples of 4' },
} as const;

export function variantOf(spec: Specialisation): MatmulVariant {
  return { core: spec.core as MatmulVariant['core'], tm: Number(spec.tm), tn: Number(spec.tn), wx: Number(spec.wx), wy: Number(spec.wy) };
}

/** Whether both operands' contiguous dims are multiples of 4 (the vec4 loader's condition). */
export function vec4Loadable(s: MatmulShape): boolean {
  const aCols = s.form === 'tn' ? s.m : s.k;
  const bCols = s.form === 'nt' ? s.k : s.n;
  return aCols % 4 === 0 && bCols % 4 === 0;
}

function specOf(v: MatmulVariant, s: MatmulShape): Specialisation {
  return { ...v, loader: vec4Loadable(s) ? 'vec4' : 'scalar' };
}

export function matmulWorkgroups(s: MatmulShape, spec: Specialisation): [number, number, number] {
  const [bm, bn] = variantTile(variantOf(spec));
  return foldGrid(Math.ceil(s.m / bm) * Math.ceil(s.n / bn));
}

export interface MatmulMember<S extends MatmulShape> {
  name: string;
  summary: string;
  kind: 'forward' | 'gradient';
  /** Names of A, B and C in this kernel (e.g. x, w, h). */
  operands: readonly [string, string, string];
  /** The epilogue snippet and the snippets it needs before it. */
  epilogue: string;
  epilogueAppend?: readonly string[];
  /** Bindings from 4 on. */
  extraBindings?: readonly BindingDecl[];
  extraSizes?(s: S): Record<string, number>;
  constants?(s: S): Record<string, number | boolean>;
  epi?(s: S, scalars: Record<string, number>): { f?: readonly number[]; u?: readonly number[] };
  reference(problem: Problem<S>): Record<string, Float64Array>;
  /** Inputs beyond A and B, and the scalars. */
  generateExtra?(s: S, seed: number): Pick<Problem<S>, 'inputs' | 'scalars'>;
  shapes: readonly SweepCase<S>[];
  tolerance?(s: S): Tolerance;
  unfusedTwin?: string;
  variants?: readonly string[];
  describe?(s: S): string;
}

export function gemmTolerance(s: MatmulShape): Tolerance {
  return { rtol: 1e-5 * Math.sqrt(s.k), atol: 1e-6 * Math.sqrt(s.k) };
}

/** A GEMM declaration from its member-specific parts. */
export function matmulDeclaration<S extends MatmulShape>(member: MatmulMember<S>): KernelDeclaration<S> {
  const [an, bn, cn] = member.operands;
  const bindings: BindingDecl[] = [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: an, binding: 1, access: 'read', type: 'f32' },
    { name: bn, binding: 2, access: 'read', type: 'f32' },
    { name: cn, binding: 3, access: 'read_write', type: 'f32' },
    ...(member.extraBindings ?? []),
  ];
  const describe = member.describe ?? ((s: S) => `${s.form} ${s.m}x${s.n}x${s.k}`);
  return {
    name: member.name,
    summary: member.summary,
    kind: member.kind,
    bindings,
    params: MATMUL_PARAMS,
    space: MATMUL_SPACE,
    shader: (spec, s) => ({
      name: String(spec.core),
      append: [spec.loader === 'vec4' ? 'matmul_load_vec4' : 'matmul_load_scalar', 'matmul_store', ...(member.epilogueAppend ?? []), member.epilogue],
      defines: { FORM: FORM_ID[s.form], TM: Number(spec.tm), TN: Number(spec.tn), WX: Number(spec.wx), WY: Number(spec.wy) },
      constants: member.constants?.(s),
    }),
    paramValues: (s, scalars, spec) => {
      const [, bnTile] = variantTile(variantOf(spec));
      const epi = member.epi?.(s, scalars) ?? {};
      return { m: s.m, n: s.n, k: s.k, tiles_n: Math.ceil(s.n / bnTile), epi_f: epi.f ?? [], epi_u: epi.u ?? [] };
    },
    valid: (spec, s, engine?: Engine) => {
      const v = variantOf(spec);
      const sg = v.core === 'matmul_sg';
      if (v.tm % 4 || v.tn % 4 || v.tn > (sg ? 64 : 32) || (sg && (v.wx !== 8 || v.tn % 32))) return false;
      if (spec.loader === 'vec4' && !vec4Loadable(s)) return false;
      if (sg && engine && !subgroupsOf8(engine)) return false;
      return v.wx * v.wy <= 256;
    },
    shippedDefault: (engine, s) => specOf(chooseVariant(engine, s.form), s),
    heuristic: (_engine, s) => specOf({ core: 'matmul', tm: 4, tn: 4, wx: 16, wy: 16 }, s),
    shapeClass: (s) => `${s.form}/${s.m * s.n >= 1 << 16 ? 'large' : 'small'}/${vec4Loadable(s) ? 'vec4' : 'scalar'}`,
    workgroups: matmulWorkgroups,
    sizes: (s) => ({ [an]: s.m * s.k, [bn]: s.k * s.n, [cn]: s.m * s.n, ...member.extraSizes?.(s) }),
    reference: member.reference,
    generate: (s, seed) => {
      const [sa, sb] = operandShapes(s.form, s.m, s.n, s.k);
      const extra = member.generateExtra?.(s, seed) ?? { inputs: {}, scalars: {} };
      return {
        shape: s,
        inputs: { [an]: seededFloats(sa[0]! * sa[1]!, streamSeed(seed, 1)), [bn]: seededFloats(sb[0]! * sb[1]!, streamSeed(seed, 2)), ...extra.inputs },
        scalars: extra.scalars,
      };
    },
    flops: (s) => 2 * s.m * s.n * s.k,
    bytes: (s) => 4 * (s.m * s.k + s.k * s.n + s.m * s.n + Object.values(member.extraSizes?.(s) ?? {}).reduce((a, b) => a + b, 0)),
    shapes: member.shapes,
    tolerance: member.tolerance ?? gemmTolerance,
    unfusedTwin: member.unfusedTwin,
    variants: member.variants,
    describeShape: describe,
  };
}

/** The shapes every GEMM is swept over: 1, 7, 63, 65, 257, multiples of the tiles, and odd mixes. */
export function gemmSweep<S extends MatmulShape>(make: (m: number, n: number, k: number) => S): SweepCase<S>[] {
  const dims: [number, number, number][] = [[1, 1, 1], [7, 63, 65], [257, 65, 7], [65, 257, 63], [64, 128, 32], [128, 64, 64], [68, 132, 20], [33, 17, 129]];
  return [
    ...dims.map(([m, n, k]) => ({ shape: make(m, n, k) })),
    // One workgroup per 4×4 block: 280,004 rows give 70,001 workgroups, folded into y (> 65,535 in x).
    { shape: make(280004, 3, 5), spec: { core: 'matmul', tm: 4, tn: 4, wx: 1, wy: 1, loader: 'scalar' }, why: 'more than 65,535 workgroups', heavy: true },
  ];
}
