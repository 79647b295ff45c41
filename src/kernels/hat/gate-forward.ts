// Gated forward layers of HAT, each fused kernel beside its unfused twin: the linear layer as one GEMM with
// the HAT epilogue (shaders/epilogue_hat_linear.wgsl), the conv layer as one conv with the HAT epilogue
// (shaders/conv2d_epilogue_hat_forward.wgsl), and the same layers without HAT (GATED = false). The
// epilogues append shaders/dropout_hash.wgsl, the hash the dropout kernel uses, so fused and unfused
// dropout masks are bit-identical.
import { ShapeError } from '../../runtime/errors.ts';
import { type Tensor, tidy } from '../../tensor.ts';
import { binary, unary } from '../elementwise.ts';
import { matmul } from '../matmul.ts';
import { conv2dForward, type Conv2dOptions } from '../conv.ts';
import { dropout, DROPOUT_HASH_SHADER } from '../dropout.ts';
import { assertUnits, checkDropout, gateUnfused } from './common.ts';
import type { Dropout, Gate } from './types.ts';

const NO_DROPOUT: Dropout = { p: 0, seed: 0 };

// ---------------------------------------------------------------------------------------------------
// Gated linear forward: h = dropout(relu(x Wᵀ + b)) · σ(s·e).

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
// Gated conv forward (pre-pool): dropout(relu(conv(x) + b)) · σ(s·e[o]).

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
// The same forward layers without HAT (no gate, no masks): the control that HAT's overhead is measured
// against (bench --suite gates, impl webgpu-hat-plain) and the layers of the plain network (approach
// sgd). Same kernels with GATED = false, so the comparison is between equals.

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
