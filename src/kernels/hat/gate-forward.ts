// Gated forward layers of HAT, each fused kernel beside its unfused twin: the linear layer as one GEMM with
// the HAT epilogue (shaders/epilogue_hat_linear.wgsl), the conv layer as one conv with the HAT epilogue
// (shaders/conv2d_epilogue_hat_forward.wgsl), and the same layers without HAT (GATED = false). The
// epilogues append shaders/dropout_hash.wgsl, the hash the dropout kernel uses, so fused and unfused
// dropout masks are bit-identical.
import { ShapeError } from '../../runtime/errors.ts';
import { type Tensor, tidy } from '../../tensor.ts';
import { binary, unary } from '../elementwise.ts';
import { gemmKernel, matmul } from '../matmul.ts';
import { conv2dForward, convForwardKernel, type Conv2dOptions } from '../conv.ts';
import { dropout } from '../dropout.ts';
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

/** The scalars of the gated-matmul and gated-conv2d declarations (their epi_f/epi_u params). */
function gateScalars(gate: Gate, d: Dropout): Record<string, number> {
  return { s: gate.s, p: d.p, seed: d.seed };
}

/** h [B, out] = dropout(relu(x Wᵀ + b)) · σ(s·e): one GEMM ('nt') whose epilogue does all of it. */
export function hatLinearForward(x: Tensor, w: Tensor, b: Tensor, gate: Gate, dropout: Dropout = NO_DROPOUT): Tensor {
  checkLinear('hatLinearForward', x, w, b, gate, dropout);
  return gemmKernel(x.engine, 'nt', x, w, {
    kernel: 'gated-matmul', operands: ['x', 'w', 'h'], shape: { gated: true }, epilogue: 'epilogue_hat_linear',
    buffers: { bias: b.buffer, embedding: gate.embedding.buffer }, scalars: gateScalars(gate, dropout),
  });
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
  return convForwardKernel(x, w, conv, {
    kernel: 'gated-conv2d', shape: { gated: true }, epilogue: 'conv2d_epilogue_hat_forward',
    buffers: { bias: b.buffer, embedding: gate.embedding.buffer }, scalars: gateScalars(gate, dropout),
  });
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
  return gemmKernel(x.engine, 'nt', x, w, {
    kernel: 'gated-matmul', operands: ['x', 'w', 'h'], shape: { gated: false }, epilogue: 'epilogue_hat_linear',
    buffers: { bias: b.buffer, embedding: b.buffer }, scalars: gateScalars({ embedding: b, s: 1 }, dropout),
  });
}

/** h = dropout(relu(conv(x) + b)) in the conv epilogue (pool separately). */
export function plainConvForward(x: Tensor, w: Tensor, b: Tensor, dropout: Dropout = NO_DROPOUT, conv: Conv2dOptions = {}): Tensor {
  checkConv('plainConvForward', x, w, b, { embedding: b, s: 1 }, dropout);
  return convForwardKernel(x, w, conv, {
    kernel: 'gated-conv2d', shape: { gated: false }, epilogue: 'conv2d_epilogue_hat_forward',
    buffers: { bias: b.buffer, embedding: b.buffer }, scalars: gateScalars({ embedding: b, s: 1 }, dropout),
  });
}
