// Gates suite: one training step of a single gated layer — forward, backward with the masked weight
// gradient, the embedding gradient with compensation, clipping and the update — at the HAT MLP shapes
// (batch 64) and the AlexNet-HAT conv shapes, in three rows that do the same work:
//   webgpu-hat-plain    the same layer without HAT (no gate, masks or embedding; same kernels, gate off)
//   webgpu-hat          the fused HAT kernels
//   webgpu-hat-unfused  their unfused twins (same GEMM/conv kernels, HAT work in separate passes)
// The masks are those of an earlier task (t > 0), so conditioning is active, as in every task but the first.
import type { Engine } from '../src/runtime/engine.ts';
import { tensor, tidy, type Tensor } from '../src/tensor.ts';
import { matmul } from '../src/kernels/matmul.ts';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dFlops, conv2dGeometry } from '../src/kernels/conv.ts';
import { maxpool2dBackward, maxpool2dForward } from '../src/kernels/pool.ts';
import { gradNorm, sgdStep } from '../src/kernels/optim.ts';
import * as hat from '../src/kernels/hat.ts';
import { engineVariant, runCase, type CaseResult } from './case.ts';
import type { SamplingOptions } from './lab/options.ts';
import { randomData } from './matmul.ts';

export type GateImpl = 'webgpu-hat-plain' | 'webgpu-hat' | 'webgpu-hat-unfused';
/** Fused HAT first: the comparison's ratios are against it. */
export const GATE_IMPLS: GateImpl[] = ['webgpu-hat', 'webgpu-hat-unfused', 'webgpu-hat-plain'];

interface LinearCase { kind: 'linear'; name: string; batch: number; in: number; out: number; firstLayer: boolean }
interface ConvCase { kind: 'conv'; name: string; batch: number; c: number; size: number; o: number; k: number; firstLayer: boolean }
type GateCase = LinearCase | ConvCase;

export function gateCases(quick: boolean): GateCase[] {
  const cases: GateCase[] = [
    { kind: 'linear', name: 'fc1 64x784→2000', batch: 64, in: 784, out: 2000, firstLayer: true },
    { kind: 'linear', name: 'fc2 64x2000→2000', batch: 64, in: 2000, out: 2000, firstLayer: false },
    { kind: 'conv', name: 'conv1 64x3x32x32 k4→64', batch: 64, c: 3, size: 32, o: 64, k: 4, firstLayer: true },
    { kind: 'conv', name: 'conv2 64x64x14x14 k3→128', batch: 64, c: 64, size: 14, o: 128, k: 3, firstLayer: false },
    { kind: 'conv', name: 'conv3 64x128x6x6 k2→256', batch: 64, c: 128, size: 6, o: 256, k: 2, firstLayer: false },
  ];
  return quick ? cases.filter((c) => c.name.startsWith('fc2') || c.name.startsWith('conv2')) : cases;
}

const LR = 0.05, S = 50, SMAX = 400, C = 0.75, CLIP = 10000, P = 0.5;

function maskData(n: number, seed: number): Float32Array {
  // An earlier task's cumulative mask: mostly saturated near 0 or 1, as after training.
  return Float32Array.from(randomData(n, seed), (v) => (v > 0.1 ? 1 - 1e-4 : v < -0.3 ? 0.3 : 1e-4));
}

interface LayerState { x: Tensor; w: Tensor; b: Tensor; e: Tensor; post: Tensor; pre: Tensor | null; upstream: Tensor; flops: number; dispose(): void }

export function makeState(engine: Engine, c: GateCase): LayerState {
  const t = (data: Float32Array, shape: number[]) => tensor(engine, data, shape);
  if (c.kind === 'linear') {
    const x = t(randomData(c.batch * c.in, 1), [c.batch, c.in]);
    const w = t(randomData(c.out * c.in, 2).map((v) => v * 0.05), [c.out, c.in]);
    const parts = { x, w, b: t(randomData(c.out, 3), [c.out]), e: t(randomData(c.out, 4).map((v) => v * 4), [c.out]), post: t(maskData(c.out, 5), [c.out]), pre: c.firstLayer ? null : t(maskData(c.in, 6), [c.in]), upstream: t(randomData(c.batch * c.out, 7), [c.batch, c.out]) };
    return { ...parts, flops: 3 * 2 * c.batch * c.in * c.out, dispose: () => Object.values(parts).forEach((p) => p?.dispose()) };
  }
  const g = conv2dGeometry([c.batch, c.c, c.size, c.size], [c.o, c.c, c.k, c.k]);
  const pooled = [c.batch, c.o, Math.floor(g.oh / 2), Math.floor(g.ow / 2)];
  const parts = {
    x: t(randomData(c.batch * c.c * c.size * c.size, 1), [c.batch, c.c, c.size, c.size]),
    w: t(randomData(c.o * c.c * c.k * c.k, 2).map((v) => v * 0.1), [c.o, c.c, c.k, c.k]),
    b: t(randomData(c.o, 3), [c.o]), e: t(randomData(c.o, 4).map((v) => v * 4), [c.o]), post: t(maskData(c.o, 5), [c.o]),
    pre: c.firstLayer ? null : t(maskData(c.c, 6), [c.c]),
    upstream: t(randomData(pooled.reduce((a, b) => a * b, 1), 7), pooled),
  };
  // The first layer needs no input gradient.
  return { ...parts, flops: (c.firstLayer ? 2 : 3) * conv2dFlops(g), dispose: () => Object.values(parts).forEach((p) => p?.dispose()) };
}

/** Records one layer step of `impl`. */
export function recordLayerStep(c: GateCase, s: LayerState, impl: GateImpl, step: number): void {
  tidy(() => {
    const drop = { p: P, seed: step };
    const gate = { embedding: s.e, s: S };
    const fused = impl === 'webgpu-hat';
    let dz: Tensor, dW: Tensor, db: Tensor, dE: Tensor | null = null;
    if (c.kind === 'linear') {
      if (impl === 'webgpu-hat-plain') {
        const h = hat.plainLinearForward(s.x, s.w, s.b, drop);
        ({ dz, dBias: db } = hat.plainReluDropoutBackward(s.upstream, h, P));
        dW = matmul(s.x.engine, 'tn', dz, s.x);
      } else {
        const h = fused ? hat.hatLinearForward(s.x, s.w, s.b, gate, drop) : hat.hatLinearForwardUnfused(s.x, s.w, s.b, gate, drop);
        const back = fused ? hat.hatGateBackward(s.upstream, h, gate, P, s.post) : hat.hatGateBackwardUnfused(s.upstream, h, gate, P, s.post);
        ({ dz, dBias: db, dEmbedding: dE } = back);
        dW = fused ? hat.hatLinearWeightGrad(dz, s.x, s.post, s.pre) : hat.hatLinearWeightGradUnfused(dz, s.x, s.post, s.pre);
      }
      if (!c.firstLayer) matmul(s.x.engine, 'nn', dz, s.w);
    } else {
      const pre = impl === 'webgpu-hat-plain' ? hat.plainConvForward(s.x, s.w, s.b, drop) : fused ? hat.hatConvForward(s.x, s.w, s.b, gate, drop) : hat.hatConvForwardUnfused(s.x, s.w, s.b, gate, drop);
      const pool = maxpool2dForward(pre);
      const gPre = maxpool2dBackward(s.upstream, pool.argmax, pre.shape);
      const spatial = pre.shape[2]! * pre.shape[3]!;
      if (impl === 'webgpu-hat-plain') {
        ({ dz, dBias: db } = hat.plainReluDropoutBackward(gPre, pre, P, spatial));
        dW = conv2dBackwardWeight(dz, s.x, s.w.shape);
      } else {
        const back = fused ? hat.hatGateBackward(gPre, pre, gate, P, s.post, spatial) : hat.hatGateBackwardUnfused(gPre, pre, gate, P, s.post, spatial);
        ({ dz, dBias: db, dEmbedding: dE } = back);
        dW = fused ? hat.hatConvWeightGrad(dz, s.x, s.post, s.pre, {}) : hat.hatConvWeightGradUnfused(dz, s.x, s.post, s.pre, {});
      }
      if (!c.firstLayer) conv2dBackwardInput(dz, s.w, s.x.shape);
    }
    let eGrad: Tensor | null = null;
    if (dE) {
      const o = { s: S, smax: SMAX, c: C, regDenominator: 1000 };
      eGrad = fused ? hat.hatEmbeddingGrad(s.e, dE, s.post, o) : hat.hatEmbeddingGradUnfused(s.e, dE, s.post, o);
    }
    const norm = gradNorm(s.x.engine, eGrad ? [dW, db, eGrad] : [dW, db]);
    const clip = { norm, maxNorm: CLIP };
    sgdStep(s.w, dW, LR, clip);
    sgdStep(s.b, db, LR, clip);
    if (eGrad) (fused ? hat.hatEmbeddingStep : hat.hatEmbeddingStepUnfused)(s.e, eGrad, LR, clip, 6);
  });
}

/** The three implementations of each case in one interleaved comparison (fused HAT first: the ratios' baseline). */
export async function benchGates(engine: Engine, cases: GateCase[], opts: SamplingOptions, log: (s: string) => void): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  // Freed intermediates are held until the submit, so a sample of many layer steps holds them all.
  const sampling = { maxUnits: 8, ...opts };
  for (const c of cases) {
    const state = makeState(engine, c);
    let step = 0;
    try {
      const variants = GATE_IMPLS.map((impl) => engineVariant(engine, impl, { name: impl, flops: state.flops, record: () => recordLayerStep(c, state, impl, step++) }));
      const result = await runCase(engine, 'gates', c.name, variants, sampling);
      for (const r of result.rows) log(`  ${c.name} ${r.impl}: ${r.medianMs.toPrecision(4)} ms (${r.clock})`);
      results.push(result);
    } finally {
      state.dispose();
      await engine.submit();
    }
  }
  return results;
}
