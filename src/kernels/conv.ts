// conv2d kernels (NCHW input, OIHW weight): forward with an epilogue hook, input gradient (gather form),
// weight gradient (GEMM over N·OH·OW, with its own epilogue hook and an optional split reduction), bias
// gradient. All are implicit GEMMs with a register block per invocation (see shaders/conv2d*.wgsl).
//
// Measured on lavapipe (Mesa 25.0.7, 2 shared Zen 3 cores; noisy ±25 %), AlexNet-HAT shapes at batch 64,
// GFLOP/s = 2·N·O·OH·OW·C·KH·KW / time (`webgpu-hat bench --suite conv` measures the same shapes today):
// Measured (shared box, load average ~6; fastest of 4 repeats; default tiles 16×8, 4×16 for dX of conv1 (C = 3)):
//   conv1 64×3×32×32 * 64×3×4×4  (→29×29): fwd+bias+ReLU 6.3 | dX 3.3 | dW 8.6 GFLOP/s   (0.33 GFLOP per pass)
//   conv2 64×64×14×14 * 128×64×3×3 (→12×12): fwd+bias+ReLU 7.1 | dX 5.3 | dW 6.5 GFLOP/s (1.36 GFLOP per pass)
//   conv3 64×128×6×6 * 256×128×2×2 (→5×5):   fwd+bias+ReLU 3.6 | dX 7.2 | dW 7.9 GFLOP/s (0.42 GFLOP per pass)
//   same run, the project's matmul nn 128×576·576×9216 (conv2 forward as a GEMM): 6.2 GFLOP/s.
// Earlier runs on the same box under heavier load gave 0.4–0.6× these; compare ratios within one run.
// 8×8 blocks were ~1.5–2× slower than 16×8; 16×16 was slower again for the forward (spills).
import type { Engine } from '../runtime/engine.ts';
import { ShapeError } from '../runtime/errors.ts';
import { empty, type Tensor } from '../tensor.ts';
import { recordKernel, type KernelDeclaration } from './declaration.ts';
import { convDeclaration, type ConvShape } from './declarations/conv2d-family.ts';
import { chooseKernel, runKernel } from './registry.ts';
import { BWD_INPUT_TILE, BWD_WEIGHT_TILE, conv2dGeometry, FORWARD_TILE, pickWg, tileFor, type Conv2dGeometry, type Conv2dOptions, type ConvTile } from './conv-geometry.ts';

export { BWD_INPUT_TILE, BWD_WEIGHT_TILE, conv2dFlops, conv2dGeometry, FORWARD_TILE, type Conv2dGeometry, type Conv2dOptions, type ConvTile } from './conv-geometry.ts';

/**
 * A fused epilogue: a snippet in shaders/ defining `epilogue(...) -> f32`, its extra storage buffers
 * (bound from @binding(4) on), override constants, and the spare `epi_f` / `epi_u` params fields.
 */
export interface ConvEpilogue {
  shader: string;
  /** Snippets the epilogue itself needs (e.g. the dropout hash), placed before it. */
  append?: readonly string[];
  buffers?: GPUBuffer[];
  constants?: Record<string, number | boolean>;
  f?: readonly number[];
  u?: readonly number[];
}

function check(t: Tensor, op: string, shape: readonly number[]): void {
  t.assertAlive(op);
  if (t.dtype !== 'f32') throw new TypeError(`${op}: tensor ${t.label} is ${t.dtype}, expected f32`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) throw new ShapeError(op, `expected [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
}

export interface Conv2dForwardOptions extends Conv2dOptions {
  /** Defaults to conv2d_epilogue_none (no bias). */
  epilogue?: ConvEpilogue;
  tile?: Partial<ConvTile>;
  out?: Tensor;
}

/** y = epilogue(conv2d(x, w)), y [N, O, OH, OW]. */
export function conv2dForward(x: Tensor, w: Tensor, opts: Conv2dForwardOptions = {}): Tensor {
  const epi = opts.epilogue;
  if (!epi || epi.shader === 'conv2d_epilogue_none') return convForwardKernel(x, w, opts, { kernel: 'conv2d', buffers: {}, epilogue: 'conv2d_epilogue_none' });
  if (epi.shader === 'conv2d_epilogue_bias_relu' && epi.buffers?.length === 1) {
    // RELU defaults to true in the snippet.
    return convForwardKernel(x, w, opts, { kernel: 'conv2d-bias-relu', shape: { relu: epi.constants?.RELU !== false }, buffers: { bias: epi.buffers[0]! }, epilogue: epi.shader });
  }
  return convForwardKernel(x, w, opts, { kernel: customEpilogueKernel(epi), buffers: Object.fromEntries((epi.buffers ?? []).map((buf, i) => [`epi${i}`, buf])), epilogue: epi.shader });
}

/** What a conv2d forward kernel of the registry needs beyond x and w. */
export interface ConvKernelCall {
  /** Registry name (e.g. 'gated-conv2d'), or a declaration of the caller's own. */
  kernel: string | KernelDeclaration<ConvShape>;
  /** Fields of the kernel's shape beyond the geometry (e.g. gated). */
  shape?: Record<string, unknown>;
  /** Its bindings from 4 on, by name. */
  buffers: Record<string, GPUBuffer>;
  scalars?: Record<string, number>;
  /** Names the epilogue in the dispatch label. */
  epilogue: string;
}

/** Records a conv2d forward kernel of the registry on tensors; returns y [N, O, OH, OW]. */
export function convForwardKernel(x: Tensor, w: Tensor, opts: Omit<Conv2dForwardOptions, 'epilogue'>, call: ConvKernelCall): Tensor {
  const g = conv2dGeometry(x.shape, w.shape, opts);
  check(x, 'conv2d', x.shape);
  check(w, 'conv2d', w.shape);
  const engine = x.engine;
  const y = opts.out ?? empty(engine, [g.n, g.o, g.oh, g.ow], 'f32', 'conv2d');
  if (opts.out) check(y, 'conv2d out', [g.n, g.o, g.oh, g.ow]);
  const P = g.n * g.oh * g.ow;
  // A partial tile is completed as before (the workgroup size follows the final block).
  const pin = opts.tile ? (({ rows, cols, wg }) => ({ rows, cols, wg }))(tileFor(FORWARD_TILE, opts.tile, (r, c) => Math.ceil(g.o / r) * Math.ceil(P / c), g.o)) : undefined;
  const buffers = { x: x.buffer, w: w.buffer, y: y.buffer, ...call.buffers };
  const label = `conv2d ${shapeLabel(g)} ${call.epilogue}`;
  const shape = { ...g, ...call.shape };
  if (typeof call.kernel === 'string') runKernel(engine, call.kernel, { shape, buffers, scalars: call.scalars, pin, label });
  else recordKernel(engine, call.kernel, { shape, spec: { ...chooseKernel(engine, 'conv2d', shape).spec, ...pin }, buffers, scalars: call.scalars, label });
  return y;
}

/** A conv2d declaration around an epilogue snippet that no built-in kernel has. */
function customEpilogueKernel(epi: ConvEpilogue): KernelDeclaration<ConvShape> {
  return convDeclaration<ConvShape>({
    name: `conv2d+${epi.shader}`,
    summary: `conv2d with the epilogue ${epi.shader}`,
    epilogue: epi.shader,
    epilogueAppend: epi.append,
    extraBindings: (epi.buffers ?? []).map((_, i) => ({ name: `epi${i}`, binding: 4 + i, access: 'read', type: 'f32' })),
    constants: () => epi.constants ?? {},
    epi: () => ({ f: epi.f, u: epi.u }),
    reference: () => { throw new Error(`conv2d epilogue ${epi.shader} has no reference`); },
    shapes: [],
  });
}

/** y = conv2d(x, w) + b, optionally followed by ReLU, in one pass (conv2d_epilogue_bias_relu). */
export function conv2dBiasRelu(x: Tensor, w: Tensor, b: Tensor, opts: Conv2dOptions & { relu?: boolean; tile?: Partial<ConvTile>; out?: Tensor } = {}): Tensor {
  check(b, 'conv2d bias', [w.shape[0]!]);
  return conv2dForward(x, w, { ...opts, epilogue: { shader: 'conv2d_epilogue_bias_relu', buffers: [b.buffer], constants: { RELU: opts.relu ?? false } } });
}

function shapeLabel(g: Conv2dGeometry): string {
  return `[${g.n}x${g.c}x${g.h}x${g.w}]*[${g.o}x${g.c}x${g.kh}x${g.kw}] s${g.sh},${g.sw} p${g.ph},${g.pw}`;
}

/** dX [N, C, H, W] from dY [N, O, OH, OW] and w [O, C, KH, KW]. */
export function conv2dBackwardInput(dy: Tensor, w: Tensor, xShape: readonly number[], opts: Conv2dOptions & { tile?: Partial<ConvTile>; out?: Tensor } = {}): Tensor {
  const g = conv2dGeometry(xShape, w.shape, opts);
  check(dy, 'conv2d backward input', [g.n, g.o, g.oh, g.ow]);
  check(w, 'conv2d backward input', w.shape);
  const engine = dy.engine;
  const Q = g.n * g.h * g.w;
  const dx = opts.out ?? empty(engine, [g.n, g.c, g.h, g.w], 'f32', 'conv2d dX');
  if (opts.out) check(dx, 'conv2d dX out', [g.n, g.c, g.h, g.w]);
  // A partial tile is completed as before (the workgroup size follows the final block).
  const pin = opts.tile ? (({ rows, cols, wg }) => ({ rows, cols, wg }))(tileFor(BWD_INPUT_TILE, opts.tile, (r, c) => Math.ceil(g.c / r) * Math.ceil(Q / c), g.c)) : undefined;
  runKernel(engine, 'conv2d-backward-input', { shape: g, buffers: { dy: dy.buffer, w: w.buffer, dx: dx.buffer }, pin, label: `conv2d dX ${shapeLabel(g)}` });
  return dx;
}

export interface Conv2dBackwardWeightOptions extends Conv2dOptions {
  /** Defaults to conv2d_bwd_weight_epilogue_none; receives (o, c, kh·KW + kw, acc). */
  epilogue?: ConvEpilogue;
  tile?: Partial<ConvTile>;
  /** Slices of the N·OH·OW reduction (default: enough to give both cores work). */
  split?: number;
  out?: Tensor;
}

/** dW [O, C, KH, KW] = epilogue(Σ_{n,oh,ow} dY ⊗ X-window). */
export function conv2dBackwardWeight(dy: Tensor, x: Tensor, wShape: readonly number[], opts: Conv2dBackwardWeightOptions = {}): Tensor {
  const g = conv2dGeometry(x.shape, wShape, opts);
  check(dy, 'conv2d backward weight', [g.n, g.o, g.oh, g.ow]);
  check(x, 'conv2d backward weight', x.shape);
  const engine = dy.engine;
  const CKK = g.c * g.kh * g.kw;
  const P = g.n * g.oh * g.ow;
  const { rows, cols } = tileFor(BWD_WEIGHT_TILE, opts.tile, () => 0, g.o);
  const tilesK = Math.ceil(CKK / cols);
  const tilesOK = tilesK * Math.ceil(g.o / rows);
  // Split the reduction when there are too few tiles to occupy the cores (≥ 64 invocations) and it is long.
  const split = Math.max(1, Math.min(opts.split ?? (tilesOK >= 256 ? 1 : Math.ceil(256 / tilesOK)), Math.ceil(P / 64)));
  const wg = opts.tile?.wg ?? pickWg(tilesOK * split);
  const dw = opts.out ?? empty(engine, [g.o, g.c, g.kh, g.kw], 'f32', 'conv2d dW');
  if (opts.out) check(dw, 'conv2d dW out', [g.o, g.c, g.kh, g.kw]);
  const epi = opts.epilogue;
  const mask = !epi || epi.shader === 'conv2d_bwd_weight_epilogue_none' ? 'none' : epi.shader === 'conv2d_epilogue_hat_wgrad' ? (epi.constants?.HAT_PRE === false ? 'post' : 'pre') : null;
  if (mask === null || (mask !== 'none' && epi?.buffers?.length !== 2)) throw new RangeError(`conv2dBackwardWeight: epilogue ${epi?.shader} is not one of a declared kernel (conv2d_bwd_weight_epilogue_none, conv2d_epilogue_hat_wgrad with post and pre buffers)`);
  const masks: Record<string, GPUBuffer> = mask === 'none' ? {} : { post: epi!.buffers![0]!, pre: epi!.buffers![1]! };
  // The block is pinned only when the caller gave one (else the declaration's heuristic picks the same).
  const pin = opts.tile ? { rows, cols, wg } : undefined;
  if (split === 1) {
    runKernel(engine, 'masked-conv-weight-grad', { shape: { ...g, mask }, buffers: { dy: dy.buffer, x: x.buffer, dw: dw.buffer, ...masks }, pin, label: `conv2d dW ${shapeLabel(g)}` });
    return dw;
  }
  const partial = empty(engine, [split, g.o, CKK], 'f32', 'conv2d dW partials');
  runKernel(engine, 'conv2d-weight-grad-partials', { shape: { ...g, split }, buffers: { dy: dy.buffer, x: x.buffer, partials: partial.buffer }, pin, label: `conv2d dW ${shapeLabel(g)} split ${split}` });
  runKernel(engine, 'conv2d-weight-grad-reduce', {
    shape: { ...g, split, mask }, buffers: { partials: partial.buffer, partials2: partial.buffer, dw: dw.buffer, ...masks },
    scalars: { tilesK, tilesOK }, label: `conv2d dW reduce ${split}x${g.o * CKK}`,
  });
  partial.dispose(); // returns to the pool; reuse is ordered after this batch's work
  return dw;
}

/** db [O] = Σ_{n, oh, ow} dY[n, o, oh, ow]. */
export function conv2dBackwardBias(dy: Tensor, out?: Tensor): Tensor {
  if (dy.shape.length !== 4) throw new ShapeError('conv2d backward bias', `dY must be [N, O, OH, OW], got [${dy.shape.join(', ')}]`);
  dy.assertAlive('conv2d backward bias');
  const [n, o, oh, ow] = dy.shape as [number, number, number, number];
  const engine = dy.engine;
  const db = out ?? empty(engine, [o], 'f32', 'conv2d db');
  runKernel(engine, 'conv2d-backward-bias', { label: `conv2d db [${dy.shape.join('x')}]`, shape: { n, o, pix: oh * ow }, buffers: { dy: dy.buffer, db: db.buffer } });
  return db;
}

export type { Engine };
