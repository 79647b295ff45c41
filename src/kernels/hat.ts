// HAT (hard attention to the task) kernels: the gated forward, the gate backward, the conditioned weight
// gradients, the embedding gradient (regulariser + compensation) and step, the regulariser value and the
// cumulative mask update (docs/hat.md, the algorithm as the reference implementation runs it). Every fused kernel has an unfused twin built from the
// same GEMM/conv kernels without the HAT epilogue plus elementwise and reduction passes: the twins are the
// reference the fused kernels are tested and benchmarked against.
//
// Shaders: shaders/hat_*.wgsl (standalone kernels), shaders/epilogue_hat_*.wgsl (matmul epilogues),
// shaders/conv2d_epilogue_hat_*.wgsl (conv2d epilogues); hat_common.wgsl (the overflow-free sigmoid) is
// appended to each that needs a gate. The forward epilogues append shaders/dropout_hash.wgsl, the same
// hash the dropout kernel uses, so fused and unfused dropout masks are bit-identical.
import type { Engine } from '../runtime/engine.ts';
import { ShapeError } from '../runtime/errors.ts';
import { empty, Tensor, tidy } from '../tensor.ts';
import { binary, ELEMENTWISE_WG, fill, map, unary } from './elementwise.ts';
import { matmul, matmulDims } from './matmul.ts';
import { conv2dBackwardWeight, conv2dForward, type Conv2dOptions } from './conv.ts';
import { reduce, sumAll } from './reduce.ts';
import { dropout, DROPOUT_HASH_SHADER } from './dropout.ts';
import { sgdStep } from './optim.ts';

/** A layer's gate for the current task: a = σ(s · embedding). */
export interface Gate { embedding: Tensor; s: number }
/** Inverted dropout (kept values scaled by 1/(1−p)); p = 0: none. */
export interface Dropout { p: number; seed: number }

const NO_DROPOUT: Dropout = { p: 0, seed: 0 };

// ---------------------------------------------------------------------------------------------------
// The s schedule and the regulariser's denominator (CPU side).

/** s for the batch starting at sample batchStart of nTrain: 1/smax + (smax − 1/smax) · batchStart / nTrain. */
export function annealS(batchStart: number, nTrain: number, smax: number): number {
  return 1 / smax + (smax - 1 / smax) * batchStart / nTrain;
}

/** Σ_l Σ_i (1 − prev_i), a layer without a mask counting its units (the first task: the unit count). */
export function hatRegDenominator(prevs: (Float32Array | null)[], units: number[]): number {
  if (prevs.length !== units.length) throw new RangeError(`hatRegDenominator: ${prevs.length} masks for ${units.length} layers`);
  let d = 0;
  prevs.forEach((prev, l) => {
    if (!prev) { d += units[l]!; return; }
    if (prev.length !== units[l]) throw new RangeError(`hatRegDenominator: layer ${l} mask has ${prev.length} values for ${units[l]} units`);
    for (let i = 0; i < prev.length; i++) d += 1 - prev[i]!;
  });
  return d;
}

// ---------------------------------------------------------------------------------------------------
// Checks and small helpers.

function assertUnits(op: string, t: Tensor | null, units: number, what: string): void {
  if (!t) return;
  t.assertAlive(op);
  if (t.size !== units) throw new ShapeError(op, `${what} has ${t.size} values [${t.shape.join(', ')}], expected ${units}`);
}

function checkDropout(op: string, d: Dropout): void {
  if (!(d.p >= 0 && d.p < 1)) throw new RangeError(`${op}: dropout p must be in [0, 1), got ${d.p}`);
}

function linearGrid(engine: Engine, count: number, wg = ELEMENTWISE_WG): [number, number] {
  return engine.grid(Math.ceil(count / wg));
}

/** a = σ(s·e) from primitives (affine, then sigmoid); intermediates disposed. */
function gateUnfused(e: Tensor, s: number): Tensor {
  const se = unary('affine', e, s, 0);
  const a = unary('sigmoid', se);
  se.dispose();
  return a;
}

/** 1 − m from a primitive. */
function oneMinus(m: Tensor): Tensor {
  return unary('affine', m, -1, 1);
}

// ---------------------------------------------------------------------------------------------------
// 1. Gated linear forward: h = dropout(relu(x Wᵀ + b)) · σ(s·e).


function checkLinear(op: string, x: Tensor, w: Tensor, b: Tensor, gate: Gate, dropout: Dropout): [number, number, number] {
  const [B, IN] = x.dims2(op);
  const [OUT, IN2] = w.dims2(op);
  if (IN !== IN2) throw new ShapeError(op, `x [${x.shape.join(', ')}] has ${IN} features, W [${w.shape.join(', ')}] expects ${IN2}`);
  assertUnits(op, b, OUT, 'bias');
  assertUnits(op, gate.embedding, OUT, 'embedding');
  checkDropout(op, dropout);
  return [B, IN, OUT];
}

/** Dropout params of the HAT forward epilogues: epi_f = (s, p, 1/(1−p), 0), epi_u = (seed, on, 0, 0). */
function forwardEpi(gate: Gate, d: Dropout): { f: number[]; u: number[] } {
  return { f: [gate.s, d.p, d.p > 0 ? 1 / (1 - d.p) : 1, 0], u: [d.seed >>> 0, d.p > 0 ? 1 : 0, 0, 0] };
}

/** h [B, out] = dropout(relu(x Wᵀ + b)) · σ(s·e): one GEMM ('nt') whose epilogue does all of it. */
export function hatLinearForward(x: Tensor, w: Tensor, b: Tensor, gate: Gate, dropout: Dropout = NO_DROPOUT): Tensor {
  checkLinear('hatLinearForward', x, w, b, gate, dropout);
  const { f, u } = forwardEpi(gate, dropout);
  return matmul(x.engine, 'nt', x, w, { epilogue: { name: 'epilogue_hat_linear', append: ['hat_common', DROPOUT_HASH_SHADER], buffers: [b.buffer, gate.embedding.buffer], f, u } });
}

/**
 * HAT's forward epilogue from primitives, one pass each: relu(z + b) → dropout → × σ(s·e). `perUnit` is
 * the shape that broadcasts a per-unit vector over z ([units] for linear, [O, 1, 1] for NCHW). Consumes z.
 */
function gatedEpilogueUnfused(z: Tensor, b: Tensor, gate: Gate, dropout: Dropout, perUnit: number[]): Tensor {
  const zb = binary('add', z, b.reshape(perUnit));
  z.dispose();
  const r = unary('relu', zb);
  zb.dispose();
  const d = dropout.p > 0 ? dropoutPrimitive(r, dropout) : r;
  if (d !== r) r.dispose();
  const a = gateUnfused(gate.embedding, gate.s);
  const h = binary('mul', d, a.reshape(perUnit));
  d.dispose();
  a.dispose();
  return h;
}

/** The same from primitives: matmul → + bias → relu → dropout → σ(s·e) → × gate (intermediates disposed). */
export function hatLinearForwardUnfused(x: Tensor, w: Tensor, b: Tensor, gate: Gate, dropout: Dropout = NO_DROPOUT): Tensor {
  // tidy: also releases the reshaped views made here.
  return tidy(() => {
    checkLinear('hatLinearForwardUnfused', x, w, b, gate, dropout);
    return gatedEpilogueUnfused(matmul(x.engine, 'nt', x, w), b, gate, dropout, [b.size]);
  });
}

function dropoutPrimitive(x: Tensor, d: Dropout): Tensor {
  return dropout(x, d.p, d.seed);
}

// ---------------------------------------------------------------------------------------------------
// 2. Gated conv forward (pre-pool): dropout(relu(conv(x) + b)) · σ(s·e[o]).

function checkConv(op: string, x: Tensor, w: Tensor, b: Tensor, gate: Gate, dropout: Dropout): void {
  x.assertAlive(op);
  w.assertAlive(op);
  const O = w.shape[0] ?? 0;
  assertUnits(op, b, O, 'bias');
  assertUnits(op, gate.embedding, O, 'embedding');
  checkDropout(op, dropout);
}

/** [N, O, OH, OW] = dropout(relu(conv(x, W) + b)) · σ(s·e[o]), one conv kernel with the HAT epilogue. */
export function hatConvForward(x: Tensor, w: Tensor, b: Tensor, gate: Gate, dropout: Dropout = NO_DROPOUT, conv: Conv2dOptions = {}): Tensor {
  checkConv('hatConvForward', x, w, b, gate, dropout);
  const { f, u } = forwardEpi(gate, dropout);
  return conv2dForward(x, w, { ...conv, epilogue: { shader: 'conv2d_epilogue_hat_forward', append: ['hat_common', DROPOUT_HASH_SHADER], buffers: [b.buffer, gate.embedding.buffer], f, u } });
}

/** The same from primitives: conv → + bias → relu → dropout → × σ(s·e) per channel. */
export function hatConvForwardUnfused(x: Tensor, w: Tensor, b: Tensor, gate: Gate, dropout: Dropout = NO_DROPOUT, conv: Conv2dOptions = {}): Tensor {
  // tidy: also releases the reshaped views made here.
  return tidy(() => {
    checkConv('hatConvForwardUnfused', x, w, b, gate, dropout);
    const O = w.shape[0]!;
    return gatedEpilogueUnfused(conv2dForward(x, w, conv), b, gate, dropout, [O, 1, 1]);
  });
}

// ---------------------------------------------------------------------------------------------------
// 3. Gate backward.

export interface GateBackward { dz: Tensor; dEmbedding: Tensor; dBias: Tensor }

/** [outer, units, inner] view of a layer output: linear [B, units] (spatial 1) or conv [N, units, OH, OW]. */
function gateView(op: string, h: Tensor, units: number, spatial: number): [number, number, number] {
  if (!Number.isInteger(spatial) || spatial < 1) throw new RangeError(`${op}: spatial must be a positive integer, got ${spatial}`);
  const outer = h.size / (units * spatial);
  if (!Number.isInteger(outer) || (h.shape[1] ?? 1) !== units) throw new ShapeError(op, `h [${h.shape.join(', ')}] is not [batch, ${units}${spatial > 1 ? `, spatial ${spatial}` : ''}]`);
  return [outer, units, spatial];
}

function checkGateBackward(op: string, g: Tensor, h: Tensor, gate: Gate, p: number, maskPost: Tensor | null, spatial: number): [number, number, number] {
  g.assertAlive(op);
  h.assertAlive(op);
  if (g.size !== h.size) throw new ShapeError(op, `g [${g.shape.join(', ')}] and h [${h.shape.join(', ')}] differ`);
  const units = gate.embedding.size;
  gate.embedding.assertAlive(op);
  assertUnits(op, maskPost, units, 'maskPost');
  checkDropout(op, { p, seed: 0 });
  return gateView(op, h, units, spatial);
}

/**
 * From g = dL/dh and the saved output h, in one pass over them:
 *   dz = g · a/(1−p) · [h ≠ 0];  dEmbedding[u] = s·(1−a[u])·Σ g·h;  dBias[u] = (1 − maskPost[u])·Σ dz
 * (sums over the batch and, for conv, the spatial positions; maskPost null: factor 1).
 * `variant` forces the kernel (tests): per_unit (one invocation per unit) or per_group (a workgroup per unit).
 */
export function hatGateBackward(g: Tensor, h: Tensor, gate: Gate, p: number, maskPost: Tensor | null, spatial = 1, opts: { variant?: 'per_unit' | 'per_group' } = {}): GateBackward {
  return gateBackwardKernel('hatGateBackward', g, h, gate, p, maskPost, spatial, opts, true);
}

function gateBackwardKernel(op: string, g: Tensor, h: Tensor, gate: Gate, p: number, maskPost: Tensor | null, spatial: number, opts: { variant?: 'per_unit' | 'per_group' }, gated: boolean): GateBackward {
  const [outer, units, inner] = checkGateBackward(op, g, h, gate, p, maskPost, spatial);
  const engine = g.engine;
  const dz = empty(engine, g.shape, 'f32', 'hat dz');
  const dEmbedding = empty(engine, [units], 'f32', 'hat dE');
  const dBias = empty(engine, [units], 'f32', 'hat db');
  const variant = opts.variant ?? (outer * inner <= 256 || (inner === 1 && units >= 128) ? 'per_unit' : 'per_group');
  const params = new ArrayBuffer(32);
  new Uint32Array(params, 0, 4).set([outer, units, inner, maskPost ? 1 : 0]);
  new Float32Array(params, 16, 2).set([gate.s, 1 / (1 - p)]);
  engine.dispatch({
    label: `${gated ? 'hat gate' : 'relu/dropout'} backward [${outer}x${units}x${inner}] ${variant}`,
    shader: { name: 'hat_gate_backward', append: ['hat_common'], entryPoint: variant, constants: { GATED: gated } },
    params,
    buffers: [g.buffer, h.buffer, gate.embedding.buffer, (maskPost ?? gate.embedding).buffer, dz.buffer, dEmbedding.buffer, dBias.buffer],
    workgroups: variant === 'per_unit' ? linearGrid(engine, units, 64) : engine.grid(units),
  });
  return { dz, dEmbedding, dBias };
}

// ---------------------------------------------------------------------------------------------------
// The same layers without HAT (no gate, no masks): the control that HAT's overhead is measured against
// (bench --suite gates, impl webgpu-hat-plain) and the layers of the plain network (approach sgd). Same
// kernels with GATED = false, so the comparison is between equals.

/** h = dropout(relu(x Wᵀ + b)) in one GEMM epilogue. */
export function plainLinearForward(x: Tensor, w: Tensor, b: Tensor, dropout: Dropout = NO_DROPOUT): Tensor {
  checkLinear('plainLinearForward', x, w, b, { embedding: b, s: 1 }, dropout);
  const { f, u } = forwardEpi({ embedding: b, s: 1 }, dropout);
  return matmul(x.engine, 'nt', x, w, { epilogue: { name: 'epilogue_hat_linear', append: ['hat_common', DROPOUT_HASH_SHADER], buffers: [b.buffer, b.buffer], f, u, constants: { GATED: false } } });
}

/** h = dropout(relu(conv(x) + b)) in the conv epilogue (pool separately). */
export function plainConvForward(x: Tensor, w: Tensor, b: Tensor, dropout: Dropout = NO_DROPOUT, conv: Conv2dOptions = {}): Tensor {
  checkConv('plainConvForward', x, w, b, { embedding: b, s: 1 }, dropout);
  const { f, u } = forwardEpi({ embedding: b, s: 1 }, dropout);
  return conv2dForward(x, w, { ...conv, epilogue: { shader: 'conv2d_epilogue_hat_forward', append: ['hat_common', DROPOUT_HASH_SHADER], buffers: [b.buffer, b.buffer], f, u, constants: { GATED: false } } });
}

/** ReLU/dropout backward from the output h: dz = g/(1−p)·[h ≠ 0], db = Σ dz, in one pass. */
export function plainReluDropoutBackward(g: Tensor, h: Tensor, p: number, spatial = 1): { dz: Tensor; dBias: Tensor } {
  const units = h.shape[1]!;
  const placeholder = empty(g.engine, [units], 'f32', 'no gate');
  const { dz, dEmbedding, dBias } = gateBackwardKernel('plainReluDropoutBackward', g, h, { embedding: placeholder, s: 1 }, p, null, spatial, {}, false);
  dEmbedding.dispose();
  placeholder.dispose();
  return { dz, dBias };
}

/** The same from primitives: reluGrad-style mask, broadcast multiplies and per-unit sums (reduce). */
export function hatGateBackwardUnfused(g: Tensor, h: Tensor, gate: Gate, p: number, maskPost: Tensor | null, spatial = 1): GateBackward {
  // tidy: also releases the reshaped views made here.
  return tidy(() => {
    const [outer, units, inner] = checkGateBackward('hatGateBackwardUnfused', g, h, gate, p, maskPost, spatial);
    const engine = g.engine;
    const g3 = g.reshape([outer, units, inner]);
    const h3 = h.reshape([outer, units, inner]);
    const a = gateUnfused(gate.embedding, gate.s);
    // dz = [h > 0] · g · a/(1−p)   (h ≥ 0 always, so h > 0 ⇔ h ≠ 0)
    const masked = binary('reluGrad', g3, h3);
    const aKeep = unary('affine', a, 1 / (1 - p), 0);
    const dz = empty(engine, g.shape, 'f32', 'hat dz');
    binary('mul', masked, aKeep.reshape([units, 1]), 1, dz);
    masked.dispose();
    aKeep.dispose();
    // dE = s·(1 − a)·Σ g·h
    const gh = binary('mul', g3, h3);
    const sumGh = reduce('sum', gh, [0, 2]);
    gh.dispose();
    const sOneMinusA = unary('affine', a, -gate.s, gate.s);
    const dEmbedding = binary('mul', sOneMinusA, sumGh);
    sOneMinusA.dispose();
    sumGh.dispose();
    a.dispose();
    // db = (1 − post)·Σ dz
    const dz3 = dz.reshape([outer, units, inner]);
    const sumDz = reduce('sum', dz3, [0, 2]);
    let dBias = sumDz;
    if (maskPost) {
      const free = oneMinus(maskPost);
      dBias = binary('mul', free, sumDz);
      free.dispose();
      sumDz.dispose();
    }
    for (const v of [g3, h3, dz3]) v.dispose();
    return { dz, dEmbedding, dBias };
  });
}

// ---------------------------------------------------------------------------------------------------
// 4. Conditioned weight gradients.

function checkMasks(op: string, out: number, inUnits: number, maskPost: Tensor | null, maskPre: Tensor | null, preRepeat: number): void {
  if (!Number.isInteger(preRepeat) || preRepeat < 1) throw new RangeError(`${op}: preRepeat must be a positive integer, got ${preRepeat}`);
  assertUnits(op, maskPost, out, 'maskPost');
  if (maskPre) {
    if (inUnits % preRepeat !== 0) throw new ShapeError(op, `${inUnits} inputs are not a multiple of preRepeat ${preRepeat}`);
    assertUnits(op, maskPre, inUnits / preRepeat, 'maskPre');
  }
}

/**
 * dW [out, in] = (dzᵀ x) · (1 − min(maskPost[i], maskPre[⌊j / preRepeat⌋])), the mask in the GEMM epilogue.
 * maskPre null: factor 1 − maskPost[i]; maskPost null (task 0): the plain GEMM.
 */
export function hatLinearWeightGrad(dz: Tensor, x: Tensor, maskPost: Tensor | null, maskPre: Tensor | null, preRepeat = 1): Tensor {
  const [M, N] = matmulDims('tn', dz, x);
  checkMasks('hatLinearWeightGrad', M, N, maskPost, maskPre, preRepeat);
  if (!maskPost) return matmul(dz.engine, 'tn', dz, x);
  return matmul(dz.engine, 'tn', dz, x, { epilogue: { name: 'epilogue_hat_wgrad', buffers: [maskPost.buffer, (maskPre ?? maskPost).buffer], u: [preRepeat, 0, 0, 0], constants: { HAT_PRE: maskPre !== null, HAT_REPEAT: maskPre !== null && preRepeat > 1 } } });
}

/** The same unfused: plain GEMM, the mask 1 − min(post, pre) built with elementwise ops, then a multiply. */
export function hatLinearWeightGradUnfused(dz: Tensor, x: Tensor, maskPost: Tensor | null, maskPre: Tensor | null, preRepeat = 1): Tensor {
  // tidy: also releases the reshaped views made here.
  return tidy(() => {
    const [M, N] = matmulDims('tn', dz, x);
    checkMasks('hatLinearWeightGradUnfused', M, N, maskPost, maskPre, preRepeat);
    const dw = matmul(dz.engine, 'tn', dz, x);
    if (!maskPost) return dw;
    const C = N / preRepeat;
    const free = maskPre ? minOneMinus(maskPost.reshape([M, 1]), maskPre.reshape([C, 1])) : oneMinus(maskPost.reshape([M, 1]));  // [M, C, 1] or [M, 1]
    const out = empty(dz.engine, [M, N], 'f32', 'hat dW');
    const dwView = maskPre ? dw.reshape([M, C, preRepeat]) : dw;
    binary('mul', dwView, free, 1, out);
    if (dwView !== dw) dwView.dispose();
    dw.dispose();
    free.dispose();
    return out;
  });
}

/** 1 − min(post, pre) with broadcasting (two primitive passes). post [M, 1], pre [C, 1] → [M, C, 1]. */
function minOneMinus(post: Tensor, pre: Tensor): Tensor {
  const m = binary('min', post.reshape([post.size, 1, 1]), pre);
  const free = oneMinus(m);
  m.dispose();
  return free;
}

/** Conv weight gradient [O, C, KH, KW] with the epilogue 1 − min(post[o], pre[c]) (maskPre null: 1 − post[o]). */
export function hatConvWeightGrad(dz: Tensor, x: Tensor, maskPost: Tensor | null, maskPre: Tensor | null, conv: HatConvGradOptions): Tensor {
  const { wShape, opts } = convWShape(dz, x, conv);
  checkMasks('hatConvWeightGrad', wShape[0]!, wShape[1]!, maskPost, maskPre, 1);
  if (!maskPost) return conv2dBackwardWeight(dz, x, wShape, opts);
  return conv2dBackwardWeight(dz, x, wShape, { ...opts, epilogue: { shader: 'conv2d_epilogue_hat_wgrad', buffers: [maskPost.buffer, (maskPre ?? maskPost).buffer], constants: { HAT_PRE: maskPre !== null } } });
}

/** The same unfused: plain conv weight gradient, then the mask built and multiplied in separate passes. */
export function hatConvWeightGradUnfused(dz: Tensor, x: Tensor, maskPost: Tensor | null, maskPre: Tensor | null, conv: HatConvGradOptions): Tensor {
  // tidy: also releases the reshaped views made here.
  return tidy(() => {
    const { wShape, opts } = convWShape(dz, x, conv);
    const [O, C] = wShape as [number, number, number, number];
    checkMasks('hatConvWeightGradUnfused', O, C, maskPost, maskPre, 1);
    const dw = conv2dBackwardWeight(dz, x, wShape, opts);
    if (!maskPost) return dw;
    const free = maskPre ? minOneMinus(maskPost.reshape([O, 1]), maskPre.reshape([C, 1])) : oneMinus(maskPost.reshape([O, 1, 1]));  // [O, C, 1] or [O, 1, 1]
    const out = empty(dz.engine, wShape, 'f32', 'hat conv dW');
    const dwView = dw.reshape([O, C, wShape[2]! * wShape[3]!]);
    binary('mul', dwView, free, 1, out);
    dwView.dispose();
    dw.dispose();
    free.dispose();
    return out;
  });
}

/**
 * Geometry of a conv weight gradient: stride, padding (conv2d's options) and the kernel size. Without
 * `kernel` it is inferred from the shapes, KH = H + 2·PH − (OH − 1)·SH, which is exact for stride 1; with a
 * larger stride several kernel sizes give the same output, so `kernel` is then required.
 */
export interface HatConvGradOptions extends Conv2dOptions { kernel?: number | readonly [number, number] }

function pairOf(v: number | readonly [number, number] | undefined, dflt: number): [number, number] {
  return v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

function convWShape(dz: Tensor, x: Tensor, conv: HatConvGradOptions): { wShape: number[]; opts: Conv2dOptions } {
  const op = 'hatConvWeightGrad';
  if (x.shape.length !== 4 || dz.shape.length !== 4) throw new ShapeError(op, `dz [${dz.shape.join(', ')}] and x [${x.shape.join(', ')}] must be NCHW`);
  const [sh, sw] = pairOf(conv.stride, 1), [ph, pw] = pairOf(conv.padding, 0);
  const [, C, H, W] = x.shape as [number, number, number, number];
  const [, O, OH, OW] = dz.shape as [number, number, number, number];
  let kh: number, kw: number;
  if (conv.kernel !== undefined) [kh, kw] = pairOf(conv.kernel, 1);
  else {
    if (sh !== 1 || sw !== 1) throw new RangeError(`${op}: pass conv.kernel with stride [${sh}, ${sw}] (the kernel size is ambiguous from the shapes)`);
    [kh, kw] = [H + 2 * ph - (OH - 1), W + 2 * pw - (OW - 1)];
  }
  return { wShape: [O, C, kh, kw], opts: { stride: conv.stride, padding: conv.padding } };
}

// ---------------------------------------------------------------------------------------------------
// 5. Embedding gradient (regulariser + compensation) and step.

export interface EmbeddingGradOptions { s: number; smax: number; c: number; regDenominator: number }

function checkEmbeddingGrad(op: string, e: Tensor, dERaw: Tensor, prev: Tensor | null, o: EmbeddingGradOptions): void {
  e.assertAlive(op);
  assertUnits(op, dERaw, e.size, 'dERaw');
  assertUnits(op, prev, e.size, 'prev');
  if (!(o.s > 0) || !(o.smax > 0)) throw new RangeError(`${op}: s and smax must be positive, got ${o.s}, ${o.smax}`);
  if (!(o.regDenominator > 0)) throw new RangeError(`${op}: regDenominator must be positive, got ${o.regDenominator}`);
}

/**
 * e's gradient: g = dERaw + c·s·a(1−a)(1 − prev)/regDenominator, then
 * g *= smax/s · (cosh(clamp(s·e, −50, 50)) + 1)/(cosh(e) + 1); one elementwise kernel.
 */
export function hatEmbeddingGrad(e: Tensor, dERaw: Tensor, prev: Tensor | null, o: EmbeddingGradOptions): Tensor {
  checkEmbeddingGrad('hatEmbeddingGrad', e, dERaw, prev, o);
  const out = empty(e.engine, e.shape, 'f32', 'hat embedding grad');
  const params = new ArrayBuffer(32);
  new Uint32Array(params, 0, 2).set([e.size, prev ? 1 : 0]);
  new Float32Array(params, 8, 3).set([o.s, o.c * o.s / o.regDenominator, o.smax / o.s]);
  e.engine.dispatch({
    label: `hat embedding grad [${e.size}]`,
    shader: { name: 'hat_embedding_grad', append: ['hat_common'] },
    params,
    buffers: [e.buffer, dERaw.buffer, (prev ?? e).buffer, out.buffer],
    workgroups: linearGrid(e.engine, e.size),
  });
  return out;
}

/** The same from primitives (affine, sigmoid, mul, addScaled, div, unary maps for cosh). */
export function hatEmbeddingGradUnfused(e: Tensor, dERaw: Tensor, prev: Tensor | null, o: EmbeddingGradOptions): Tensor {
  checkEmbeddingGrad('hatEmbeddingGradUnfused', e, dERaw, prev, o);
  const se = unary('affine', e, o.s, 0);
  const a = unary('sigmoid', se);
  let slope = map('sigmoid slope', 'x * (1.0 - x)', a);
  a.dispose();
  if (prev) {
    const free = oneMinus(prev);
    const t = binary('mul', slope, free);
    free.dispose();
    slope.dispose();
    slope = t;
  }
  const g = binary('addScaled', dERaw, slope, o.c * o.s / o.regDenominator);
  slope.dispose();
  const num = map('cosh clamp', 'cosh(clamp(x, -50.0, 50.0)) + 1.0', se);
  se.dispose();
  const den = map('cosh', 'cosh(x) + 1.0', e);
  const ratio = binary('div', num, den);
  num.dispose();
  den.dispose();
  const comp = binary('mul', g, ratio);
  g.dispose();
  ratio.dispose();
  const out = unary('affine', comp, o.smax / o.s, 0);
  comp.dispose();
  return out;
}

/**
 * The global-norm clip factor c of a step: a [1] tensor holding c itself, or the global gradient norm
 * (e.g. gradNorm() of src/kernels/optim.ts) with c = min(1, maxNorm / (norm + 1e-6)) as sgdStep does; null: 1.
 */
export type ClipScale = Tensor | { norm: Tensor; maxNorm: number } | null;

function clipTensor(clip: ClipScale): Tensor | null {
  return clip === null ? null : clip instanceof Tensor ? clip : clip.norm;
}

function checkStep(op: string, e: Tensor, grad: Tensor, clip: ClipScale): void {
  e.assertAlive(op);
  assertUnits(op, grad, e.size, 'grad');
  const t = clipTensor(clip);
  if (t && t.size !== 1) throw new ShapeError(op, `the clip tensor must have 1 element, got [${t.shape.join(', ')}]`);
  t?.assertAlive(op);
}

/** In place: e = clamp(e − lr · c · grad, −clampTo, clampTo), c the clip factor read on the GPU (see ClipScale). */
export function hatEmbeddingStep(e: Tensor, grad: Tensor, lr: number, clipScale: ClipScale, clampTo = 6): void {
  checkStep('hatEmbeddingStep', e, grad, clipScale);
  const t = clipTensor(clipScale);
  const mode = clipScale === null ? 0 : clipScale instanceof Tensor ? 1 : 2;
  const params = new ArrayBuffer(32);
  new Uint32Array(params, 0, 2).set([e.size, mode]);
  new Float32Array(params, 8, 3).set([lr, clampTo, mode === 2 ? (clipScale as { maxNorm: number }).maxNorm : 0]);
  e.engine.dispatch({
    label: `hat embedding step [${e.size}]`,
    shader: { name: 'hat_embedding_step' },
    params,
    buffers: [e.buffer, grad.buffer, (t ?? grad).buffer],
    workgroups: linearGrid(e.engine, e.size),
  });
}

/** The same from primitives: (× clip factor), the SGD step kernel, clamp, copy back. */
export function hatEmbeddingStepUnfused(e: Tensor, grad: Tensor, lr: number, clipScale: ClipScale, clampTo = 6): void {
  checkStep('hatEmbeddingStepUnfused', e, grad, clipScale);
  if (clipScale instanceof Tensor) {
    const scaled = binary('mul', grad, clipScale);
    sgdStep(e, scaled, lr);
    scaled.dispose();
  } else {
    sgdStep(e, grad, lr, clipScale ?? undefined);
  }
  const clamped = unary('clamp', e, -clampTo, clampTo);
  e.engine.copy(clamped.buffer, e.buffer, e.bytes, 'hat embedding clamp');
  clamped.dispose();
}

// ---------------------------------------------------------------------------------------------------
// 6. Regulariser value, on the GPU.

export interface RegLayer { embedding: Tensor; prev: Tensor | null }

/** R = Σ_l Σ_i a_i(1 − prev_i) / Σ_l Σ_i (1 − prev_i), a = σ(s·e) (prev null: factor 1): a 1-element tensor. */
export function hatRegularizer(layers: RegLayer[], s: number): Tensor {
  if (layers.length === 0) throw new RangeError('hatRegularizer: no layers');
  const engine = layers[0]!.embedding.engine;
  for (const l of layers) { l.embedding.assertAlive('hatRegularizer'); assertUnits('hatRegularizer', l.prev, l.embedding.size, 'prev'); }
  const out = empty(engine, [1], 'f32', 'hat R');
  const acc = empty(engine, [2], 'f32', 'hat R sums');
  layers.forEach((l, i) => {
    const flags = (l.prev ? 1 : 0) | (i > 0 ? 2 : 0) | (i === layers.length - 1 ? 4 : 0);
    const params = new ArrayBuffer(16);
    new Uint32Array(params, 0, 2).set([l.embedding.size, flags]);
    new Float32Array(params, 8, 1)[0] = s;
    engine.dispatch({
      label: `hat regulariser layer ${i} [${l.embedding.size}]`,
      shader: { name: 'hat_regularizer', append: ['hat_common'] },
      params,
      buffers: [l.embedding.buffer, (l.prev ?? l.embedding).buffer, acc.buffer, out.buffer],
      workgroups: [1],
    });
  });
  acc.dispose();
  return out;
}

/** The same from primitives: gate, (1 − prev), multiply, sum per layer, add, divide. */
export function hatRegularizerUnfused(layers: RegLayer[], s: number): Tensor {
  if (layers.length === 0) throw new RangeError('hatRegularizerUnfused: no layers');
  const engine = layers[0]!.embedding.engine;
  let num: Tensor | null = null, den: Tensor | null = null;
  const accumulate = (total: Tensor | null, part: Tensor): Tensor => {
    if (!total) return part;
    const t = binary('add', total, part);
    total.dispose();
    part.dispose();
    return t;
  };
  for (const l of layers) {
    assertUnits('hatRegularizerUnfused', l.prev, l.embedding.size, 'prev');
    const a = gateUnfused(l.embedding, s);
    if (l.prev) {
      const free = oneMinus(l.prev);
      const af = binary('mul', a, free);
      num = accumulate(num, sumAll(af));
      den = accumulate(den, sumAll(free));
      af.dispose();
      free.dispose();
    } else {
      num = accumulate(num, sumAll(a));
      den = accumulate(den, fill(engine, [1], l.embedding.size));
    }
    a.dispose();
  }
  const r = binary('div', num!, den!);
  num!.dispose();
  den!.dispose();
  return r;
}

// ---------------------------------------------------------------------------------------------------
// 7. Cumulative mask update.

/** In place at the end of a task: prev = max(prev, σ(smax·e)). */
export function hatMaskUpdate(prev: Tensor, e: Tensor, smax: number): void {
  prev.assertAlive('hatMaskUpdate');
  assertUnits('hatMaskUpdate', e, prev.size, 'embedding');
  const params = new ArrayBuffer(16);
  new Uint32Array(params, 0, 1)[0] = prev.size;
  new Float32Array(params, 4, 1)[0] = smax;
  prev.engine.dispatch({ label: `hat mask update [${prev.size}]`, shader: { name: 'hat_mask_update', append: ['hat_common'] }, params, buffers: [prev.buffer, e.buffer], workgroups: linearGrid(prev.engine, prev.size) });
}

/** The same from primitives: gate, max, copy back. */
export function hatMaskUpdateUnfused(prev: Tensor, e: Tensor, smax: number): void {
  prev.assertAlive('hatMaskUpdateUnfused');
  assertUnits('hatMaskUpdateUnfused', e, prev.size, 'embedding');
  const a = gateUnfused(e, smax);
  const m = binary('max', prev, a);
  prev.engine.copy(m.buffer, prev.buffer, prev.bytes, 'hat mask update');
  a.dispose();
  m.dispose();
}

