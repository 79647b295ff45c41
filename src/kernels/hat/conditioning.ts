// Conditioning of the weight gradients on the cumulative masks, each fused kernel beside its unfused twin:
// linear (shaders/epilogue_hat_wgrad.wgsl, a GEMM epilogue) and conv (shaders/conv2d_epilogue_hat_wgrad.wgsl).
import { ShapeError } from '../../runtime/errors.ts';
import { empty, type Tensor, tidy } from '../../tensor.ts';
import { binary } from '../elementwise.ts';
import { gemmKernel, matmul, matmulDims } from '../matmul.ts';
import { conv2dBackwardWeight, type Conv2dOptions } from '../conv.ts';
import { assertUnits, oneMinus } from './common.ts';

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
  return gemmKernel(dz.engine, 'tn', dz, x, {
    kernel: 'masked-weight-grad', operands: ['dz', 'x', 'dw'], shape: { pre: maskPre !== null, preRepeat }, epilogue: 'epilogue_hat_wgrad',
    buffers: { post: maskPost.buffer, pre: (maskPre ?? maskPost).buffer },
  });
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
