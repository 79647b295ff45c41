// Every differentiable op of src/ops/, one entry each: sample inputs over several shapes (1, 7, 63, 65,
// 257 where the op allows), a float64 reference of the forward, and which inputs get a gradient. The
// generic check (op-check.ts, run by ops.test.ts) compares each sample's forward with the reference and
// its backward with finite differences of the reference. Adding an op is adding an entry here.
import type { Tensor } from '../../src/tensor.ts';
import * as ops from '../../src/ops/index.ts';
import { dropoutKeep, dropoutSeed } from '../../src/kernels/dropout.ts';
import { matmulRef } from '../reference/matmul.ts';
import { reduceRef } from '../reference/reduce.ts';
import { softmaxCrossEntropyRef, spacedArray } from '../reference/loss.ts';
import { conv2dRef, maxpool2dRef, type RefConvShape } from '../reference/conv.ts';
import { distillationRef, penaltyRef } from '../reference/continual.ts';
import { convForwardRef, convGeom, linearForwardRef, type ConvGeom } from '../reference/hat.ts';
import { defineOp, sizeOf, uniform, type OpEntry, type SampleInput } from './op-check.ts';

/** Seeded uniform values for a shape (the seed is mixed with the size, so samples of one op differ). */
function random(name: string, shape: readonly number[], seed: number, lo = -1, hi = 1, grad = true): SampleInput {
  return { name, shape, values: uniform(sizeOf(shape), seed * 7919 + sizeOf(shape), lo, hi), grad };
}

/** Distinct values 0.0137 off a regular grid: no ReLU/clamp kink or max tie within a difference step. */
function spaced(name: string, shape: readonly number[], seed: number, lo = -2, hi = 2): SampleInput {
  return { name, shape, values: spacedArray(sizeOf(shape), lo, hi, seed).map((v) => v + 0.0137) };
}

/** Inputs that take part in the op but get no gradient (labels, anchors, masks). */
function constant(name: string, shape: readonly number[], values: ArrayLike<number>, dtype: 'f32' | 'i32' = 'f32'): SampleInput {
  return { name, shape, values, dtype, grad: false };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

// ------------------------------------------------------------------------------------------ elementwise

/** numpy broadcasting of two row-major arrays. */
function broadcast(a: Float64Array, sa: readonly number[], b: Float64Array, sb: readonly number[], f: (x: number, y: number) => number): Float64Array {
  const rank = Math.max(sa.length, sb.length);
  const pa = [...Array<number>(rank - sa.length).fill(1), ...sa], pb = [...Array<number>(rank - sb.length).fill(1), ...sb];
  const shape = pa.map((d, i) => Math.max(d, pb[i]!));
  const out = new Float64Array(sizeOf(shape));
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < out.length; flat++) {
    let rest = flat;
    for (let i = rank - 1; i >= 0; i--) { index[i] = rest % shape[i]!; rest = Math.floor(rest / shape[i]!); }
    let ia = 0, ib = 0;
    for (let i = 0; i < rank; i++) {
      ia = ia * pa[i]! + (pa[i] === 1 ? 0 : index[i]!);
      ib = ib * pb[i]! + (pb[i] === 1 ? 0 : index[i]!);
    }
    out[flat] = f(a[ia]!, b[ib]!);
  }
  return out;
}

const BROADCAST_SHAPES: [number[], number[]][] = [[[1], [1]], [[7], [7]], [[257], [257]], [[5, 7], [7]], [[5, 7], [5, 1]], [[65, 7], [1]], [[2, 3, 2, 2], [1, 3, 1, 1]], [[3], [4, 3]], [[1], [63]]];

function binaryOp(name: string, op: (a: Tensor, b: Tensor) => Tensor, f: (x: number, y: number) => number, bRange: [number, number] = [-1, 1]): OpEntry {
  return defineOp({
    name,
    samples: BROADCAST_SHAPES.map(([sa, sb], k) => ({ label: `[${sa}] with [${sb}]`, inputs: [random('a', sa, k), random('b', sb, k + 50, ...bRange)], params: { sa, sb } })),
    op: ([a, b]) => op(a!, b!),
    reference: ([a, b], { sa, sb }) => broadcast(a!, sa, b!, sb, f),
  });
}

const UNARY_SIZES = [1, 7, 63, 65, 257];

function unaryOp(name: string, op: (x: Tensor) => Tensor, f: (x: number) => number, lo = -2, hi = 2): OpEntry {
  return defineOp({
    name,
    samples: [...UNARY_SIZES.map((n) => [n]), [5, 13]].map((shape, k) => ({ label: `[${shape}]`, inputs: [spaced('x', shape, k + 1, lo, hi)], params: null })),
    op: ([x]) => op(x!),
    reference: ([x]) => x!.map(f),
  });
}

const elementwise: OpEntry[] = [
  binaryOp('add', ops.add, (x, y) => x + y),
  binaryOp('sub', ops.sub, (x, y) => x - y),
  binaryOp('mul', ops.mul, (x, y) => x * y),
  binaryOp('div', ops.div, (x, y) => x / y, [0.5, 1.5]),
  // One tensor on both sides: its two gradients must add up, not overwrite each other.
  defineOp({
    name: 'add(x, x), mul(x, x), sub(x, x) + x',
    samples: [[7], [3, 3], [257]].flatMap((shape, k) => (['add', 'mul', 'sub-add'] as const).map((form) => ({ label: `${form} [${shape}]`, inputs: [random('x', shape, k)], params: form }))),
    op: ([x], form) => (form === 'add' ? ops.add(x!, x!) : form === 'mul' ? ops.mul(x!, x!) : ops.add(ops.sub(x!, x!), x!)),
    reference: ([x], form) => x!.map((v) => (form === 'add' ? 2 * v : form === 'mul' ? v * v : v)),
  }),
  unaryOp('relu', ops.relu, (v) => Math.max(v, 0)),
  unaryOp('sigmoid', ops.sigmoid, sigmoid),
  unaryOp('tanh', ops.tanh, Math.tanh),
  unaryOp('exp', ops.exp, Math.exp),
  unaryOp('log', ops.log, Math.log, 0.5, 2),
  unaryOp('neg', ops.neg, (v) => -v),
  unaryOp('square', ops.square, (v) => v * v),
  unaryOp('affine(x, -1.5, 0.25)', (x) => ops.affine(x, -1.5, 0.25), (v) => -1.5 * v + 0.25),
  unaryOp('scale(x, 3)', (x) => ops.scale(x, 3), (v) => 3 * v),
  // Bounds exact in float32, so the GPU and the reference clamp the same values.
  unaryOp('clamp(x, -0.875, 1.125)', (x) => ops.clamp(x, -0.875, 1.125), (v) => Math.min(1.125, Math.max(-0.875, v))),
];

// ------------------------------------------------------------------------------------------- reductions

const REDUCE_CASES: [number[], number[] | undefined][] = [[[1], undefined], [[7], undefined], [[257], undefined], [[5, 7], undefined], [[5, 7], [0]], [[65, 7], [1]], [[2, 3, 2, 2], [0, 2, 3]], [[2, 3, 2, 2], [1, 3]], [[3, 4], [0, 1]], [[7, 63], [-1]]];

function reduction(name: 'sum' | 'mean' | 'max', op: typeof ops.sum): OpEntry {
  return defineOp({
    name,
    samples: REDUCE_CASES.flatMap(([shape, axes], k) => [false, true].map((keepDims) => ({
      label: `[${shape}] over ${axes ? `axes ${axes}` : 'everything'}${keepDims ? ', keepDims' : ''}`,
      inputs: [spaced('x', shape, k + 1)],
      params: { shape, axes, keepDims },
    }))),
    op: ([x], { axes, keepDims }) => op(x!, axes, keepDims),
    reference: ([x], { shape, axes }) => reduceRef(name, x!, shape, axes ?? shape.map((_, i) => i)),
  });
}

const reductions = [reduction('sum', ops.sum), reduction('mean', ops.mean), reduction('max', ops.max)];

// ------------------------------------------------------------------------------------------------- loss

const softmaxCrossEntropy = defineOp({
  name: 'softmaxCrossEntropy',
  samples: [[1, 2], [7, 3], [65, 10], [63, 257]].map(([B, N], k) => ({
    label: `[${B}, ${N}]`,
    inputs: [random('logits', [B!, N!], k, -3, 3), constant('labels', [B!], uniform(B!, 40 + k, 0, N!).map(Math.floor), 'i32')],
    params: { B: B!, N: N! },
  })),
  op: ([logits, labels]) => ops.softmaxCrossEntropy(logits!, labels!),
  reference: ([logits, labels], { B, N }) => Float64Array.of(softmaxCrossEntropyRef(logits!, labels!, B, N).loss),
});

// ---------------------------------------------------------------------------------------- dense layers

/** y = x·Wᵀ + b, optionally ReLU, W [out, in]. */
function denseRef(x: Float64Array, w: Float64Array, b: Float64Array, B: number, IN: number, OUT: number, relu: boolean): Float64Array {
  return matmulRef('nt', x, w, B, OUT, IN).map((v, i) => { const z = v + b[i % OUT]!; return relu ? Math.max(z, 0) : z; });
}

const LINEAR_SHAPES: [number, number, number, boolean][] = [[1, 1, 1, false], [7, 63, 65, true], [65, 257, 7, false], [3, 5, 257, true], [64, 64, 64, true]];

const linear = defineOp({
  name: 'linear',
  samples: LINEAR_SHAPES.map(([B, IN, OUT, relu], k) => ({
    label: `x [${B}, ${IN}], W [${OUT}, ${IN}]${relu ? ', relu' : ''}`,
    inputs: [random('x', [B, IN], k), random('W', [OUT, IN], k + 10, -0.5, 0.5), random('b', [OUT], k + 20, -0.2, 0.2)],
    params: { B, IN, OUT, relu },
  })),
  op: ([x, w, b], { relu }) => ops.linear(x!, w!, b!, { relu }),
  reference: ([x, w, b], { B, IN, OUT, relu }) => denseRef(x!, w!, b!, B, IN, OUT, relu),
});

// ----------------------------------------------------------------------------------------- conv / pool

interface ConvSample { n: number; c: number; h: number; w: number; o: number; kh: number; kw: number; stride: [number, number]; padding: [number, number]; bias: boolean }

const CONV_SAMPLES: ConvSample[] = [
  { n: 1, c: 1, h: 1, w: 1, o: 1, kh: 1, kw: 1, stride: [1, 1], padding: [0, 0], bias: false },
  { n: 2, c: 3, h: 7, w: 7, o: 5, kh: 3, kw: 3, stride: [1, 1], padding: [0, 0], bias: true },
  { n: 1, c: 2, h: 9, w: 8, o: 3, kh: 3, kw: 3, stride: [2, 2], padding: [1, 1], bias: true },
  { n: 3, c: 4, h: 5, w: 6, o: 7, kh: 3, kw: 2, stride: [1, 2], padding: [1, 0], bias: false },
  { n: 2, c: 1, h: 28, w: 28, o: 4, kh: 5, kw: 5, stride: [1, 1], padding: [2, 2], bias: true },
];

const refShape = (s: ConvSample): RefConvShape => ({ n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, kh: s.kh, kw: s.kw, sh: s.stride[0], sw: s.stride[1], ph: s.padding[0], pw: s.padding[1] });

const conv2d = defineOp({
  name: 'conv2d',
  samples: CONV_SAMPLES.map((s, k) => ({
    label: `x [${s.n}, ${s.c}, ${s.h}, ${s.w}], W [${s.o}, ${s.c}, ${s.kh}, ${s.kw}], stride ${s.stride}, padding ${s.padding}${s.bias ? ', bias' : ''}`,
    inputs: [random('x', [s.n, s.c, s.h, s.w], k), random('W', [s.o, s.c, s.kh, s.kw], k + 10, -0.5, 0.5), ...(s.bias ? [random('b', [s.o], k + 20, -0.2, 0.2)] : [])],
    params: s,
  })),
  op: ([x, w, b], s) => ops.conv2d(x!, w!, b ?? null, { stride: s.stride, padding: s.padding }),
  reference: ([x, w, b], s) => conv2dRef(x!, w!, b ?? null, refShape(s)),
});

const POOL_SAMPLES = [
  { n: 1, c: 1, h: 2, w: 2, kernel: 2, stride: 2 },
  { n: 2, c: 3, h: 7, w: 7, kernel: 2, stride: 2 },
  { n: 1, c: 2, h: 9, w: 8, kernel: 3, stride: 2 },
  { n: 2, c: 5, h: 28, w: 28, kernel: 2, stride: 2 },
];

const maxpool2d = defineOp({
  name: 'maxpool2d',
  samples: POOL_SAMPLES.map((s, k) => ({ label: `[${s.n}, ${s.c}, ${s.h}, ${s.w}], kernel ${s.kernel}, stride ${s.stride}`, inputs: [spaced('x', [s.n, s.c, s.h, s.w], k + 1)], params: s })),
  op: ([x], s) => ops.maxpool2d(x!, { kernel: s.kernel, stride: s.stride }),
  reference: ([x], s) => maxpool2dRef(x!, { n: s.n, c: s.c, h: s.h, w: s.w, kh: s.kernel, kw: s.kernel, sh: s.stride, sw: s.stride }).y,
});

// ------------------------------------------------------------------------------------ dropout / shape

const DROPOUT_SEED = dropoutSeed(3, 17, 1);

/** Inverted dropout of element `index` (the kernel's mask, its CPU mirror). */
const dropped = (v: number, index: number, p: number, seed: number): number => (p === 0 ? v : dropoutKeep(seed, index, p) ? v / (1 - p) : 0);

const dropout = defineOp({
  name: 'dropout (fixed seed)',
  samples: [1, 7, 65, 257, 1000].flatMap((n, k) => [0, 0.2, 0.5].map((p) => ({ label: `[${n}], p ${p}`, inputs: [random('x', [n], k)], params: { p } }))),
  op: ([x], { p }) => ops.dropout(x!, p, DROPOUT_SEED),
  reference: ([x], { p }) => x!.map((v, i) => dropped(v, i, p, DROPOUT_SEED)),
});

const shapes = [
  defineOp({
    name: 'reshape',
    samples: [[[6, 4], [3, 8]], [[1], [1, 1]], [[2, 3, 5, 7], [2, 105]], [[257], [1, 257]]].map(([from, to], k) => ({ label: `[${from}] → [${to}]`, inputs: [random('x', from!, k)], params: to! })),
    op: ([x], to) => ops.reshape(x!, to),
    reference: ([x]) => x!.slice(),
  }),
  defineOp({
    name: 'flatten',
    samples: [[2, 3, 5, 7], [1, 1, 1, 1], [7, 65], [3, 4, 5]].map((shape, k) => ({ label: `[${shape}]`, inputs: [random('x', shape, k)], params: null })),
    op: ([x]) => ops.flatten(x!),
    reference: ([x]) => x!.slice(),
  }),
];

// ------------------------------------------------------------------------- baseline approaches' ops

const PENALTY_SHAPES = [[1], [7], [65, 7], [257]];

/** λ/2 Σ F (θ − θ*)² over two terms: θ₁ with a Fisher weight, θ₂ without (EWC and IMM's L2 in one sum). */
const quadraticPenalty = defineOp({
  name: 'quadraticPenalty (EWC, L2 transfer)',
  samples: PENALTY_SHAPES.map((shape, k) => ({
    label: `θ [${shape}] with Fisher, θ [${shape}] without`,
    inputs: [random('θ₁', shape, k), constant('θ₁*', shape, uniform(sizeOf(shape), 100 + k)), constant('F', shape, uniform(sizeOf(shape), 200 + k, 0, 2)), random('θ₂', shape, k + 300), constant('θ₂*', shape, uniform(sizeOf(shape), 400 + k))],
    params: { lambda: 3 },
  })),
  op: ([t1, a1, f1, t2, a2], { lambda }) => ops.quadraticPenalty([{ theta: t1!, anchor: a1!, fisher: f1! }, { theta: t2!, anchor: a2! }], lambda),
  reference: ([t1, a1, f1, t2, a2], { lambda }) => Float64Array.of(penaltyRef([{ theta: t1!, anchor: a1!, fisher: f1! }, { theta: t2!, anchor: a2! }], lambda).value),
});

const ewcPenalty = defineOp({
  name: 'ewcPenalty',
  samples: PENALTY_SHAPES.map((shape, k) => ({
    label: `θ [${shape}]`,
    inputs: [random('θ', shape, k), constant('θ*', shape, uniform(sizeOf(shape), 500 + k)), constant('F', shape, uniform(sizeOf(shape), 600 + k, 0, 2))],
    params: { lambda: 5000 },
  })),
  op: ([theta, anchor, fisher], { lambda }) => ops.ewcPenalty([{ theta: theta!, anchor: anchor!, fisher: fisher! }], lambda),
  reference: ([theta, anchor, fisher], { lambda }) => Float64Array.of(penaltyRef([{ theta: theta!, anchor: anchor!, fisher: fisher! }], lambda).value),
});

const l2Transfer = defineOp({
  name: 'l2Transfer',
  samples: PENALTY_SHAPES.map((shape, k) => ({ label: `θ [${shape}]`, inputs: [random('θ', shape, k), constant('θ_old', shape, uniform(sizeOf(shape), 700 + k))], params: { lambda: 0.5 } })),
  op: ([theta, anchor], { lambda }) => ops.l2Transfer([{ theta: theta!, anchor: anchor! }], lambda),
  reference: ([theta, anchor], { lambda }) => Float64Array.of(penaltyRef([{ theta: theta!, anchor: anchor! }], lambda).value),
});

const lflLoss = defineOp({
  name: 'lflLoss',
  samples: [[1, 1], [7, 63], [65, 7]].map((shape, k) => ({ label: `h [${shape}]`, inputs: [random('h', shape, k), constant('h_old', shape, uniform(sizeOf(shape), 800 + k))], params: { lambda: 0.05 } })),
  op: ([h, hOld], { lambda }) => ops.lflLoss(h!, hOld!, lambda),
  reference: ([h, hOld], { lambda }) => Float64Array.of(penaltyRef([{ theta: h!, anchor: hOld! }], lambda).value),
});

const distillation = defineOp({
  name: 'distillation (LwF)',
  samples: [[1, 2, 1], [7, 3, 1], [65, 10, 2], [5, 257, 1]].map(([B, N, T], k) => ({
    label: `[${B}, ${N}], T ${T}`,
    inputs: [random('logits', [B!, N!], k, -3, 3), constant('old logits', [B!, N!], uniform(B! * N!, 900 + k, -3, 3))],
    params: { B: B!, N: N!, T: T! },
  })),
  op: ([logits, old], { T }) => ops.distillation(logits!, old!, { T }),
  reference: ([logits, old], { B, N, T }) => Float64Array.of(distillationRef(logits!, old!, B, N, T, 1e-5)),
});

const scaleByEntry = defineOp({
  name: 'scaleByEntry (progressive lateral)',
  samples: [[[1], 1, 0], [[7, 5], 3, 2], [[65, 63], 4, 1], [[257], 2, 0]].map(([shape, columns, j], k) => ({
    label: `x [${shape}], alpha [${columns}], entry ${j}`,
    inputs: [random('x', shape as number[], k), random('alpha', [columns as number], k + 10, 0.2, 1.5)],
    params: { j: j as number },
  })),
  op: ([x, alpha], { j }) => ops.scaleByEntry(x!, alpha!, j),
  reference: ([x, alpha], { j }) => x!.map((v) => v * alpha![j]!),
});

// ----------------------------------------------------------------------------------------------- HAT

/**
 * A cumulative mask of earlier tasks, values in [0, 1] with a fully used unit (1: its gradients
 * vanish) and a free one (0) among them.
 */
function mask(name: string, units: number, seed: number): SampleInput {
  const values = uniform(units, seed, 0, 1);
  if (units > 1) { values[0] = 1; values[units - 1] = 0; }
  return constant(name, [units], values);
}

interface HatLinearSample { B: number; IN: number; OUT: number; p: number; post: boolean; pre: boolean; preRepeat: number }

const HAT_LINEAR_SAMPLES: HatLinearSample[] = [
  { B: 1, IN: 1, OUT: 1, p: 0, post: false, pre: false, preRepeat: 1 },
  { B: 7, IN: 63, OUT: 65, p: 0.2, post: true, pre: false, preRepeat: 1 },
  { B: 65, IN: 36, OUT: 7, p: 0, post: true, pre: true, preRepeat: 4 },
  { B: 5, IN: 257, OUT: 3, p: 0.5, post: true, pre: true, preRepeat: 1 },
];
const GATE_S = 2.5;

/**
 * HAT's conditioning (docs/hat.md): the weight gradient times 1 − min(a_post[i], a_pre[⌊j / repeat⌋])
 * (1 − a_post[i] without a previous layer's mask), the bias gradient times 1 − a_post[i]; none on the
 * first task. Inputs: x, W, b, e, then the masks.
 */
function conditionByMasks(index: number, derivative: Float64Array, inputs: Float64Array[], post: boolean, pre: boolean, OUT: number, perUnit: number, preRepeat: number): Float64Array {
  if (!post || (index !== 1 && index !== 2)) return derivative;
  const maskPost = inputs[4]!, maskPre = pre ? inputs[5]! : null;
  if (index === 2) return derivative.map((v, i) => v * (1 - maskPost[i]!));
  const IN = derivative.length / OUT / perUnit;
  return derivative.map((v, flat) => {
    const i = Math.floor(flat / (IN * perUnit)), j = Math.floor(flat / perUnit) % IN;
    return v * (1 - (maskPre ? Math.min(maskPost[i]!, maskPre[Math.floor(j / preRepeat)]!) : maskPost[i]!));
  });
}

function hatLinear(fused: boolean): OpEntry {
  return defineOp({
    name: `hatLinear (${fused ? 'fused' : 'unfused'})`,
    samples: HAT_LINEAR_SAMPLES.map((s, k) => ({
      label: `x [${s.B}, ${s.IN}], W [${s.OUT}, ${s.IN}], dropout ${s.p}, ${s.post ? `maskPost${s.pre ? ` and maskPre (repeat ${s.preRepeat})` : ''}` : 'first task'}`,
      inputs: [
        random('x', [s.B, s.IN], k), random('W', [s.OUT, s.IN], k + 10, -0.5, 0.5), random('b', [s.OUT], k + 20, -0.2, 0.2), random('e', [s.OUT], k + 30),
        ...(s.post ? [mask('maskPost', s.OUT, k + 40)] : []), ...(s.pre ? [mask('maskPre', s.IN / s.preRepeat, k + 50)] : []),
      ],
      params: s,
    })),
    op: ([x, w, b, e, post, pre], s) => ops.hatLinear(x!, w!, b!, { embedding: e!, s: GATE_S, dropout: s.p, seed: DROPOUT_SEED, maskPost: post ?? null, maskPre: pre ?? null, preRepeat: s.preRepeat, fused }),
    reference: ([x, w, b, e], s) => linearForwardRef(x!, w!, b!, e!, GATE_S, s.p, DROPOUT_SEED, s.B, s.IN, s.OUT),
    condition: (index, derivative, inputs, s) => conditionByMasks(index, derivative, inputs, s.post, s.pre, s.OUT, 1, s.preRepeat),
  });
}

interface HatConvSample { n: number; c: number; h: number; w: number; o: number; k: number; stride: number; padding: number; p: number; post: boolean; pre: boolean; knownFailure?: string }

const HAT_CONV_SAMPLES: HatConvSample[] = [
  { n: 1, c: 1, h: 3, w: 3, o: 1, k: 1, stride: 1, padding: 0, p: 0, post: false, pre: false },
  { n: 2, c: 3, h: 7, w: 7, o: 5, k: 3, stride: 1, padding: 0, p: 0.2, post: true, pre: false },
  { n: 2, c: 4, h: 9, w: 8, o: 3, k: 3, stride: 1, padding: 1, p: 0, post: true, pre: true },
  { n: 1, c: 2, h: 12, w: 12, o: 7, k: 5, stride: 1, padding: 2, p: 0.5, post: true, pre: true },
  { n: 2, c: 4, h: 9, w: 8, o: 3, k: 3, stride: 2, padding: 1, p: 0, post: true, pre: true },
];

const hatGeom = (s: HatConvSample): ConvGeom => convGeom(s.n, s.c, s.h, s.w, s.o, s.k, s.k, s.stride, s.padding);
const convLabel = (s: HatConvSample): string => `x [${s.n}, ${s.c}, ${s.h}, ${s.w}], W [${s.o}, ${s.c}, ${s.k}, ${s.k}], stride ${s.stride}, padding ${s.padding}, dropout ${s.p}`;

function hatConv2d(fused: boolean): OpEntry {
  return defineOp({
    name: `hatConv2d (${fused ? 'fused' : 'unfused'})`,
    samples: HAT_CONV_SAMPLES.map((s, k) => ({
      label: `${convLabel(s)}, ${s.post ? `maskPost${s.pre ? ' and maskPre' : ''}` : 'first task'}`,
      knownFailure: s.knownFailure,
      inputs: [
        random('x', [s.n, s.c, s.h, s.w], k), random('W', [s.o, s.c, s.k, s.k], k + 10, -0.5, 0.5), random('b', [s.o], k + 20, -0.2, 0.2), random('e', [s.o], k + 30),
        ...(s.post ? [mask('maskPost', s.o, k + 40)] : []), ...(s.pre ? [mask('maskPre', s.c, k + 50)] : []),
      ],
      params: s,
    })),
    op: ([x, w, b, e, post, pre], s) => ops.hatConv2d(x!, w!, b!, { embedding: e!, s: GATE_S, dropout: s.p, seed: DROPOUT_SEED, maskPost: post ?? null, maskPre: pre ?? null, fused }, { stride: s.stride, padding: s.padding }),
    reference: ([x, w, b, e], s) => convForwardRef(x!, w!, b!, e!, GATE_S, s.p, DROPOUT_SEED, hatGeom(s)),
    condition: (index, derivative, inputs, s) => conditionByMasks(index, derivative, inputs, s.post, s.pre, s.o, s.k * s.k, 1),
  });
}

const plainLinear = defineOp({
  name: 'plainLinear (linear + relu + dropout)',
  samples: HAT_LINEAR_SAMPLES.map((s, k) => ({
    label: `x [${s.B}, ${s.IN}], W [${s.OUT}, ${s.IN}], dropout ${s.p}`,
    inputs: [random('x', [s.B, s.IN], k), random('W', [s.OUT, s.IN], k + 10, -0.5, 0.5), random('b', [s.OUT], k + 20, -0.2, 0.2)],
    params: s,
  })),
  op: ([x, w, b], s) => ops.plainLinear(x!, w!, b!, { p: s.p, seed: DROPOUT_SEED }),
  reference: ([x, w, b], s) => denseRef(x!, w!, b!, s.B, s.IN, s.OUT, true).map((v, i) => dropped(v, i, s.p, DROPOUT_SEED)),
});

const plainConv2d = defineOp({
  name: 'plainConv2d (conv + relu + dropout)',
  samples: HAT_CONV_SAMPLES.map((s, k) => ({
    label: convLabel(s),
    inputs: [random('x', [s.n, s.c, s.h, s.w], k), random('W', [s.o, s.c, s.k, s.k], k + 10, -0.5, 0.5), random('b', [s.o], k + 20, -0.2, 0.2)],
    params: s,
  })),
  op: ([x, w, b], s) => ops.plainConv2d(x!, w!, b!, { p: s.p, seed: DROPOUT_SEED }, { stride: s.stride, padding: s.padding }),
  reference: ([x, w, b], s) => {
    const shape: RefConvShape = { n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, kh: s.k, kw: s.k, sh: s.stride, sw: s.stride, ph: s.padding, pw: s.padding };
    return conv2dRef(x!, w!, b!, shape).map((v, i) => dropped(Math.max(v, 0), i, s.p, DROPOUT_SEED));
  },
});

// ------------------------------------------------------------------------ normalisation (task norms)

const NORM_EPS = 1e-5;

/** BatchNorm over [outer, C, inner]: batch statistics (biased variance) or the given running ones. */
function batchNormRef(x: Float64Array, shape: readonly number[], gamma: Float64Array, beta: Float64Array, running: { mean: Float64Array; var: Float64Array } | null): Float64Array {
  const [n, c] = shape as [number, number];
  const inner = shape.length === 4 ? shape[2]! * shape[3]! : 1;
  const out = new Float64Array(x.length);
  for (let ch = 0; ch < c; ch++) {
    const at = (m: number) => (Math.floor(m / inner) * c + ch) * inner + (m % inner);
    const count = n * inner;
    let mu = 0, v = 0;
    if (running) { mu = running.mean[ch]!; v = running.var[ch]!; }
    else {
      for (let m = 0; m < count; m++) mu += x[at(m)]!;
      mu /= count;
      for (let m = 0; m < count; m++) v += (x[at(m)]! - mu) ** 2;
      v /= count;
    }
    for (let m = 0; m < count; m++) out[at(m)] = ((x[at(m)]! - mu) / Math.sqrt(v + NORM_EPS)) * gamma[ch]! + beta[ch]!;
  }
  return out;
}

// Channels of 1, 7, 63, 65; a channel of 300 values crosses the kernels' 256-invocation stride loop.
const BATCHNORM_SHAPES: number[][] = [[7, 1], [2, 7, 3, 3], [3, 63, 1, 1], [65, 5], [1, 3, 5, 7], [2, 65, 2, 3], [1, 2, 300, 1]];

const batchNorm = defineOp({
  name: 'batchNorm (training: batch statistics; evaluation: running statistics)',
  samples: BATCHNORM_SHAPES.flatMap((shape, k) => [true, false].map((training) => {
    const c = shape[1]!;
    return {
      label: `[${shape}] ${training ? 'training' : 'evaluation'}`,
      inputs: [random('x', shape, k, -2, 2), random('gamma', [c], k + 10, 0.5, 1.5), random('beta', [c], k + 20, -0.5, 0.5), constant('running mean', [c], uniform(c, k + 30, -0.5, 0.5)), constant('running var', [c], uniform(c, k + 40, 0.5, 2))],
      params: { shape, training },
    };
  })),
  op: ([x, gamma, beta, runningMean, runningVar], { training }) => ops.batchNorm(x!, { gamma: gamma!, beta: beta!, runningMean: runningMean!, runningVar: runningVar! }, { training }),
  reference: ([x, gamma, beta, mean, variance], { shape, training }) => batchNormRef(x!, shape, gamma!, beta!, training ? null : { mean: mean!, var: variance! }),
});

const LAYERNORM_SHAPES: number[][] = [[1, 1], [7, 63], [65, 7], [3, 300], [2, 3, 65]];

const layerNorm = defineOp({
  name: 'layerNorm',
  samples: LAYERNORM_SHAPES.map((shape, k) => {
    const d = shape[shape.length - 1]!;
    return { label: `[${shape}]`, inputs: [random('x', shape, k, -2, 2), random('gamma', [d], k + 10, 0.5, 1.5), random('beta', [d], k + 20, -0.5, 0.5)], params: shape };
  }),
  op: ([x, gamma, beta]) => ops.layerNorm(x!, gamma!, beta!),
  reference: ([x, gamma, beta], shape) => {
    const d = shape[shape.length - 1]!;
    const out = new Float64Array(x!.length);
    for (let r = 0; r < x!.length / d; r++) {
      const row = x!.subarray(r * d, (r + 1) * d);
      const mu = row.reduce((a, v) => a + v, 0) / d;
      const v = row.reduce((a, t) => a + (t - mu) ** 2, 0) / d;
      row.forEach((t, j) => { out[r * d + j] = ((t - mu) / Math.sqrt(v + NORM_EPS)) * gamma![j]! + beta![j]!; });
    }
    return out;
  },
});

const globalAvgPool2d = defineOp({
  name: 'globalAvgPool2d',
  samples: [[1, 1, 1, 1], [2, 7, 3, 3], [3, 63, 2, 1], [1, 65, 4, 4], [2, 3, 17, 17]].map((shape, k) => ({ label: `[${shape}]`, inputs: [random('x', shape, k)], params: shape })),
  op: ([x]) => ops.globalAvgPool2d(x!),
  reference: ([x], shape) => reduceRef('mean', x!, shape, [2, 3]),
});

// ------------------------------------------------------------------------- HAT ops of residual networks

interface ConditionedConvSample { n: number; c: number; h: number; w: number; o: number; k: number; stride: number; padding: number; post: boolean; pre: boolean }

const CONDITIONED_CONV_SAMPLES: ConditionedConvSample[] = [
  { n: 1, c: 1, h: 3, w: 3, o: 1, k: 1, stride: 1, padding: 0, post: false, pre: false },
  { n: 2, c: 7, h: 5, w: 5, o: 7, k: 3, stride: 1, padding: 1, post: true, pre: false },
  { n: 2, c: 4, h: 9, w: 8, o: 3, k: 3, stride: 2, padding: 1, post: true, pre: true },
  { n: 3, c: 5, h: 6, w: 6, o: 65, k: 1, stride: 2, padding: 0, post: true, pre: true },
];

function conditionedConv2d(fused: boolean): OpEntry {
  return defineOp({
    name: `conditionedConv2d (${fused ? 'fused' : 'unfused'})`,
    samples: CONDITIONED_CONV_SAMPLES.map((s, k) => ({
      label: `x [${s.n}, ${s.c}, ${s.h}, ${s.w}], W [${s.o}, ${s.c}, ${s.k}, ${s.k}], stride ${s.stride}, padding ${s.padding}, ${s.post ? `maskPost${s.pre ? ' and maskPre' : ''}` : 'first task'}`,
      inputs: [random('x', [s.n, s.c, s.h, s.w], k), random('W', [s.o, s.c, s.k, s.k], k + 10, -0.5, 0.5), ...(s.post ? [mask('maskPost', s.o, k + 40)] : []), ...(s.pre ? [mask('maskPre', s.c, k + 50)] : [])],
      params: s,
    })),
    op: ([x, w, post, pre], s) => ops.conditionedConv2d(x!, w!, { maskPost: post ?? null, maskPre: pre ?? null, fused }, { stride: s.stride, padding: s.padding }),
    reference: ([x, w], s) => conv2dRef(x!, w!, null, { n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, kh: s.k, kw: s.k, sh: s.stride, sw: s.stride, ph: s.padding, pw: s.padding }),
    // W[o, c, ·, ·] times 1 − min(post[o], pre[c]) (1 − post[o] without a previous mask).
    condition: (index, derivative, inputs, s) => {
      if (index !== 1 || !s.post) return derivative;
      const post = inputs[2]!, pre = s.pre ? inputs[3]! : null;
      return derivative.map((v, flat) => {
        const o = Math.floor(flat / (s.c * s.k * s.k)), c = Math.floor(flat / (s.k * s.k)) % s.c;
        return v * (1 - (pre ? Math.min(post[o]!, pre[c]!) : post[o]!));
      });
    },
  });
}

function hatGate(fused: boolean): OpEntry {
  return defineOp({
    name: `hatGate (${fused ? 'fused' : 'unfused'} backward)`,
    samples: [[1, 1], [7, 63], [2, 7, 3, 3], [3, 65, 2, 2]].flatMap((shape, k) => [true, false].map((relu) => ({
      label: `[${shape}]${relu ? ', relu' : ''}`,
      inputs: [spaced('x', shape, k + 1), random('e', [shape[1]!], k + 30)],
      params: { shape, relu },
    }))),
    op: ([x, e], { relu }) => ops.hatGate(x!, { embedding: e!, s: GATE_S, relu, fused }),
    reference: ([x, e], { shape, relu }) => {
      const inner = shape.length === 4 ? shape[2]! * shape[3]! : 1;
      return x!.map((v, i) => (relu ? Math.max(v, 0) : v) * sigmoid(GATE_S * e![Math.floor(i / inner) % shape[1]!]!));
    },
  });
}

export const OP_TABLE: OpEntry[] = [
  ...elementwise,
  ...reductions,
  softmaxCrossEntropy,
  linear,
  conv2d,
  maxpool2d,
  dropout,
  ...shapes,
  quadraticPenalty,
  ewcPenalty,
  l2Transfer,
  lflLoss,
  distillation,
  scaleByEntry,
  hatLinear(true),
  hatLinear(false),
  hatConv2d(true),
  hatConv2d(false),
  plainLinear,
  plainConv2d,
  batchNorm,
  layerNorm,
  globalAvgPool2d,
  conditionedConv2d(true),
  conditionedConv2d(false),
  hatGate(true),
  hatGate(false),
];
