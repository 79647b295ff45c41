// GEMM binding: C = op(A) · op(B) in the three forms HAT training needs, with a fusable epilogue.
//
//   nn: A M×K, B K×N  (backward dX = dY·W)      nt: A M×K, B N×K  (forward Y = X·Wᵀ)
//   tn: A K×M, B K×N  (weight gradient dW = dYᵀ·X)
//
// Shaders: shaders/matmul.wgsl (register-block core, any adapter), shaders/matmul_sg.wgsl (CPU adapters
// with subgroups: lanes own rows, the other operand is loaded once per subgroup and broadcast), a loader
// (matmul_load_vec4 when both operands' contiguous dims are multiples of 4, else matmul_load_scalar) and
// an epilogue (shaders/<epilogue.name>.wgsl defining epilogue(row, col, acc) -> f32).
//
// MEASURED on lavapipe (Mesa 25.0.7, LLVM 15, 256-bit), 2 Zen cores shared with other jobs (load 3.5–4.5),
// GFLOP/s = 2MNK/time, best of 2 rounds: wall clock / CPU-time-normalised (flops ÷ (process CPU time ÷ 2):
// what 2 free cores would give, roughly). These choices predate the bench suite; `webgpu-hat bench
// --suite matmul` measures the shipped variant against tfjs on the adapter at hand.
// variant (core:TM:TN:WX:WY)         | g:16:16:4:4 | g:16:16:8:4 | sg:4:32:8:2
//   nt 1024³                         | 13.8 / 20.6 | 14.7 / 19.6 | 29.9 / 42.6   <- chosen: sg
//   nt 64×2000×784   (forward)       | 13.1 / 18.9 | 13.6 / 21.6 | 24.0 / 37.7
//   nt 64×2000×2000  (forward)       | 14.8 / 19.4 | 12.0 / 18.4 | 28.9 / 41.1
//   nn 1024³                         | 10.5 / 15.2 | 11.2 / 14.4 | 15.6 / 20.7   <- chosen: sg
//   nn 64×784×2000   (backward dX)   |  7.0 / 11.3 |  9.2 / 13.4 | 14.3 / 19.2
//   nn 64×2000×2000  (backward dX)   |  7.0 / 13.7 |  8.6 / 13.5 | 14.5 / 20.4
//   tn 1024³                         | 20.5 / 31.7 | 22.7 / 31.5 | 14.2 / 20.6   <- chosen: g:16:16:8:4
//   tn 2000×784×64   (weight grad)   |  8.4 / 23.0 | 12.1 / 22.6 |  8.6 / 15.2
//   tn 2000×2000×64  (weight grad)   | 12.3 / 23.2 | 15.6 / 24.5 |  7.5 / 15.9
// Earlier rounds: g:8:8:8:8 7–8 (nt), 4–6 (nn), 12–19 (tn) wall; before the hand-unrolling in the cores
// (NIR left the big loop nests rolled, so accumulators were indexed dynamically) 16×16 blocks ran at 4–5.
// Rejected: TN = 32 with TM = 16 in the register-block core (512 accumulators: never unrolled, 2–3),
// sg TM = 8 (worse than 4 for nt/nn), sg WY = 4 (same as 2), sg for tn (its A comes 4 rows of k at a time).

import type { Engine } from '../runtime/engine.ts';
import { DTypeError, ShapeError } from '../runtime/errors.ts';
import { empty, Tensor } from '../tensor.ts';
import type { MatmulForm, MatmulVariant } from './matmul-variants.ts';
import { recordKernel, type KernelDeclaration, type Specialisation } from './declaration.ts';
import { matmulDeclaration, type MatmulShape } from './declarations/matmul-family.ts';
import { builtinKernel, chooseKernel, runKernel } from './registry.ts';

export { chooseVariant, subgroupsOf8, variantTile, type MatmulForm, type MatmulVariant } from './matmul-variants.ts';

export interface Epilogue {
  /** shaders/<name>.wgsl, defining `epilogue_row(row)` and `epilogue_col(col)` (vec4 values the core computes once per row and per column of its block) and `epilogue(row, col, acc, rv, cv) -> f32`. */
  name: string;
  /** Storage buffers bound from @binding(4) on. */
  buffers: GPUBuffer[];
  /** Up to 4 floats in params.epi_f. */
  f?: number[];
  /** Up to 4 u32 in params.epi_u. */
  u?: number[];
  /** WGSL override constants of the epilogue (e.g. RELU). */
  constants?: Record<string, number | boolean>;
  /** Snippets the epilogue itself needs (e.g. the dropout hash), placed before it. */
  append?: readonly string[];
  /** Unused by the cache key (constants and name already are); kept for callers that label variants. */
  key?: string;
}

export interface MatmulOptions {
  epilogue?: Epilogue;
  /** Output tensor (M×N, f32) to write instead of allocating one. */
  out?: Tensor;
  /** Force a variant (tests, tuning). */
  variant?: MatmulVariant;
  /** Force the scalar loader even where vec4 loads are possible (tests). */
  scalar?: boolean;
}

/** M, N, K of a product, or a ShapeError naming the shapes. */
export function matmulDims(form: MatmulForm, a: Tensor, b: Tensor): [number, number, number] {
  const op = `matmul ${form}`;
  const [a0, a1] = a.dims2(op);
  const [b0, b1] = b.dims2(op);
  const [M, K] = form === 'tn' ? [a1, a0] : [a0, a1];
  const [N, Kb] = form === 'nt' ? [b0, b1] : [b1, b0];
  if (K !== Kb) throw new ShapeError(op, `inner dimensions differ: A [${a.shape.join(', ')}], B [${b.shape.join(', ')}]`);
  return [M, N, K];
}

/** Records C = op(A)·op(B) (then the epilogue per element) and returns C (M×N). */
export function matmul(engine: Engine, form: MatmulForm, a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  a.assertAlive(`matmul ${form}`);
  b.assertAlive(`matmul ${form}`);
  // The GEMM reads f32: an i32 or u32 operand's bits would come out as denormal garbage.
  for (const [name, t] of [['A', a], ['B', b]] as const) if (t.dtype !== 'f32') throw new DTypeError(`matmul ${form}`, `operand ${name} (${t.label}) is ${t.dtype}; the GEMM takes f32`);
  const [M, N, K] = matmulDims(form, a, b);
  const c = opts.out ?? empty(engine, [M, N], 'f32', `matmul ${form}`);
  if (opts.out && (c.size !== M * N || c.dtype !== 'f32')) throw new ShapeError(`matmul ${form}`, `out is [${c.shape.join(', ')}] ${c.dtype}, expected [${M}, ${N}] f32`);
  if (M === 0 || N === 0) return c;

  const pin: Partial<Specialisation> = { ...opts.variant, ...(opts.scalar ? { loader: 'scalar' } : {}) };
  if (opts.variant) {
    const v = opts.variant;
    if (v.tm % 4 || v.tn % 4 || v.tn > (v.core === 'matmul_sg' ? 64 : 32) || (v.core === 'matmul_sg' && (v.wx !== 8 || v.tn % 32))) throw new RangeError(`matmul: unsupported variant ${JSON.stringify(v)}`);
  }
  const epi = opts.epilogue;
  const label = `matmul ${form} ${M}x${N}x${K}${!epi || epi.name === 'epilogue_none' ? '' : ' +' + epi.name}`;
  const shape = { form, m: M, n: N, k: K };
  const operands = { a: a.buffer, b: b.buffer, c: c.buffer };
  if (!epi || epi.name === 'epilogue_none') runKernel(engine, 'matmul', { shape, buffers: operands, pin, label });
  else if (epi.name === 'epilogue_bias_relu') {
    // RELU defaults to true in the snippet, as biasReluEpilogue's relu does.
    runKernel(engine, 'matmul-bias-relu', { shape: { ...shape, relu: epi.constants?.RELU !== false }, buffers: { ...operands, bias: epi.buffers[0]! }, pin, label });
  } else {
    // An epilogue of the caller's own: a declaration made for it, specialised as the plain GEMM would be.
    const decl = customEpilogueKernel(epi);
    const spec = chooseKernel(engine, 'matmul', shape, pin).spec;
    recordKernel(engine, decl, { shape, spec, buffers: { ...operands, ...Object.fromEntries(epi.buffers.map((buf, i) => [`epi${i}`, buf])) }, label });
  }
  return c;
}

/** What a GEMM kernel of the registry other than the plain one needs beyond A and B. */
export interface GemmKernelCall {
  /** Registry name, e.g. 'gated-matmul'. */
  kernel: string;
  /** The kernel's names of A, B and C (its declared bindings 1–3). */
  operands: readonly [string, string, string];
  /** Fields of the kernel's shape beyond form, m, n, k (e.g. gated). */
  shape?: Record<string, unknown>;
  /** Its bindings from 4 on, by name. */
  buffers: Record<string, GPUBuffer>;
  scalars?: Record<string, number>;
  /** Names the epilogue in the dispatch label. */
  epilogue: string;
}

/** Records a GEMM kernel of the registry (gated-matmul, masked-weight-grad) on tensors; returns C (M×N). */
export function gemmKernel(engine: Engine, form: MatmulForm, a: Tensor, b: Tensor, call: GemmKernelCall): Tensor {
  a.assertAlive(`matmul ${form}`);
  b.assertAlive(`matmul ${form}`);
  // The GEMM reads f32: an i32 or u32 operand's bits would come out as denormal garbage.
  for (const [name, t] of [['A', a], ['B', b]] as const) if (t.dtype !== 'f32') throw new DTypeError(`matmul ${form}`, `operand ${name} (${t.label}) is ${t.dtype}; the GEMM takes f32`);
  const [M, N, K] = matmulDims(form, a, b);
  const c = empty(engine, [M, N], 'f32', `matmul ${form}`);
  if (M === 0 || N === 0) return c;
  const [an, bn, cn] = call.operands;
  runKernel(engine, call.kernel, {
    shape: { form, m: M, n: N, k: K, ...call.shape },
    buffers: { [an]: a.buffer, [bn]: b.buffer, [cn]: c.buffer, ...call.buffers },
    scalars: call.scalars,
    label: `matmul ${form} ${M}x${N}x${K} +${call.epilogue}`,
  });
  return c;
}

/** A GEMM declaration around an epilogue snippet that no built-in kernel has. */
function customEpilogueKernel(epi: Epilogue): KernelDeclaration<MatmulShape> {
  const base = builtinKernel('matmul') as KernelDeclaration<MatmulShape>;
  return matmulDeclaration<MatmulShape>({
    name: `matmul+${epi.name}`,
    summary: `GEMM with the epilogue ${epi.name}`,
    kind: 'forward',
    operands: ['a', 'b', 'c'],
    epilogue: epi.name,
    epilogueAppend: epi.append,
    extraBindings: epi.buffers.map((_, i) => ({ name: `epi${i}`, binding: 4 + i, access: 'read', type: 'f32' })),
    constants: () => epi.constants ?? {},
    epi: () => ({ f: epi.f, u: epi.u }),
    reference: () => { throw new Error(`matmul epilogue ${epi.name} has no reference`); },
    shapes: base.shapes,
  });
}

/** Bias (per output column, length N) plus optional ReLU, as a matmul epilogue. */
export function biasReluEpilogue(bias: Tensor, relu = true): Epilogue {
  return { name: 'epilogue_bias_relu', buffers: [bias.buffer], constants: { RELU: relu } };
}
