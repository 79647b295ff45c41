// One stage of a reduction of x viewed as [O, A, K, C] over A and C (shaders/reduce.wgsl; the binding
// reduceView chains stages into a fixed-order tree). The plan (entry point tree or per_thread, P chunks of
// `chunk`) belongs to the shape: it fixes how many values the stage writes and where.
import type { KernelDeclaration, ParamField } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { planStage, type ReduceView, type StagePlan } from '../reduce/plan.ts';
import { REDUCE_SPECS, type ReduceOp } from '../reduce/specs.ts';

/** later: a stage reducing partials (no map); final: the last stage (FINAL applied); offset: where it writes. */
export interface ReduceStageShape { view: ReduceView; plan: StagePlan; op: ReduceOp; later: boolean; final: boolean; offset: number }

const THREAD_WG = 64;

const COMBINE: Record<'sum' | 'max', (a: number, b: number) => number> = { sum: (a, b) => a + b, max: (a, b) => Math.max(a, b) };

function stageOf(view: ReduceView, op: ReduceOp, later = false, final = true, offset = 0): ReduceStageShape {
  return { view, plan: planStage(view), op, later, final, offset };
}

function written(s: ReduceStageShape): number {
  return s.view.O * s.view.K * s.plan.P;
}

export const reduceStageKernel: KernelDeclaration<ReduceStageShape> = {
  name: 'reduce-stage',
  summary: 'one stage of a deterministic reduction of [O, A, K, C] over A and C: outputs, or partials per chunk',
  kind: 'forward',
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'x', binding: 1, access: 'read', type: 'f32' },
    { name: 'out', binding: 2, access: 'read_write', type: 'f32' },
  ],
  params: [...['O', 'A', 'K', 'C', 'P', 'chunk', 'out_offset', 'apply_final'].map((name): ParamField => ({ name, type: 'u32' })), { name: 'scale', type: 'f32' }],
  paramValues: (s, { scale = 1 }) => ({ ...s.view, P: s.plan.P, chunk: s.plan.chunk, out_offset: s.offset, apply_final: s.final ? 1 : 0, scale }),
  space: {},
  shader: (_spec, s) => {
    const spec = REDUCE_SPECS[s.op];
    const mode = s.view.C === 1 ? 0 : s.view.A === 1 ? 1 : 2;
    return {
      name: 'reduce', entryPoint: s.plan.variant,
      defines: { COMBINE: spec.combine, IDENTITY: spec.identity, MAP: s.later ? 'x' : spec.map, FINAL: spec.final },
      constants: s.plan.variant === 'tree' ? { MODE: mode } : undefined,
    };
  },
  heuristic: () => ({}),
  shapeClass: (s) => s.plan.variant,
  workgroups: (s) => {
    const total = s.view.O * s.view.K;
    return foldGrid(s.plan.variant === 'tree' ? total * s.plan.P : Math.ceil(total / THREAD_WG) * s.plan.P);
  },
  sizes: (s) => ({ x: s.view.O * s.view.A * s.view.K * s.view.C, out: s.offset + written(s) }),
  reference: ({ shape: s, inputs, scalars }) => {
    const { O, A, K, C } = s.view, { P, chunk, variant } = s.plan;
    const spec = REDUCE_SPECS[s.op];
    const combine = COMBINE[spec.combine === 'a + b' ? 'sum' : 'max'];
    const map = !s.later && spec.map === 'x * x' ? (v: number) => v * v : (v: number) => v;
    const finish = (v: number) => (!s.final ? v : spec.final === 'sqrt(v)' ? Math.sqrt(v) : spec.final === 'v * scale' ? v * (scalars.scale ?? 1) : v);
    const out = new Float64Array(s.offset + written(s)).fill(NaN);
    const x = inputs.x!;
    const total = O * K;
    for (let j = 0; j < total; j++) {
      const o = Math.floor(j / K), k = j % K;
      for (let p = 0; p < P; p++) {
        // tree chunks run over r = a·C + c; per_thread chunks over a (all of c).
        const [r0, r1] = variant === 'tree' ? [p * chunk, Math.min(A * C, (p + 1) * chunk)] : [p * chunk * C, Math.min(A, (p + 1) * chunk) * C];
        let acc = spec.combine === 'a + b' ? 0 : -3.4028234e38;
        for (let r = r0; r < r1; r++) acc = combine(acc, map(x[((o * A + Math.floor(r / C)) * K + k) * C + (r % C)]!));
        out[s.offset + (variant === 'tree' ? j * P + p : p * total + j)] = finish(acc);
      }
    }
    // The elements before the offset belong to someone else: the stage must leave them alone.
    return { out: out.map((v, i) => (i < s.offset ? NaN : v)) };
  },
  generate: (s, seed) => ({ shape: s, inputs: { x: seededFloats(s.view.O * s.view.A * s.view.K * s.view.C, streamSeed(seed, 1)) }, scalars: { scale: 1 / (seed + 1) } }),
  flops: (s) => s.view.O * s.view.A * s.view.K * s.view.C,
  bytes: (s) => 4 * (s.view.O * s.view.A * s.view.K * s.view.C + written(s)),
  shapes: [
    stageOf({ O: 1, A: 1, K: 1, C: 1 }, 'sum'),
    stageOf({ O: 1, A: 7, K: 63, C: 1 }, 'mean'),
    stageOf({ O: 1, A: 1, K: 1, C: 65 }, 'max'),
    stageOf({ O: 2, A: 7, K: 3, C: 257 }, 'sumSquares'),
    stageOf({ O: 1, A: 1, K: 1, C: 100000 }, 'norm', false, false),
    stageOf({ O: 1, A: 4096, K: 8, C: 1 }, 'sum', false, false),
    stageOf({ O: 1, A: 1, K: 5, C: 17 }, 'norm', true, true, 3),
    stageOf({ O: 1, A: 256, K: 64, C: 1 }, 'mean'),
    // 64 outputs a workgroup: 4.2 M outputs give 65,600 per_thread workgroups.
    { ...{ shape: stageOf({ O: 1, A: 1, K: 4198400, C: 1 }, 'sum') }, why: 'more than 65,535 workgroups', heavy: true },
  ].map((c) => ('shape' in c ? c : { shape: c })),
  tolerance: (s) => ({ rtol: 1e-5 * Math.sqrt(s.view.A * s.view.C) + 1e-6, atol: 1e-6 * Math.sqrt(s.view.A * s.view.C) }),
  describeShape: (s) => `${s.op} [${s.view.O}x${s.view.A}x${s.view.K}x${s.view.C}] ${s.plan.variant} P${s.plan.P}${s.later ? ' later' : ''}${s.final ? '' : ' partial'}${s.offset ? ` @${s.offset}` : ''}`,
};
