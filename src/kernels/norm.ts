// Normalisation kernels: BatchNorm per channel of a tensor viewed as [outer, channels, inner] (NCHW:
// [N, C, H·W]; [N, C]: inner 1) and LayerNorm over the last dimension of [rows, D]. Forward and backward;
// BatchNorm in training mode (batch statistics, running statistics updated in the same pass, momentum
// as PyTorch's) or evaluation mode (running statistics). Shaders: shaders/batchnorm_*.wgsl,
// shaders/layernorm_*.wgsl; the per-channel and per-row sums use shaders/workgroup_sum.wgsl.
import { ShapeError } from '../runtime/errors.ts';
import { empty, type Tensor } from '../tensor.ts';
import { runKernel } from './registry.ts';
import type { BatchNormShape, BatchNormStatsShape } from './declarations/batchnorm.ts';
import type { LayerNormShape } from './declarations/layernorm.ts';

/** PyTorch's defaults for nn.BatchNorm2d and nn.LayerNorm. */
export const NORM_EPS = 1e-5;
export const BATCHNORM_MOMENTUM = 0.1;

/** [outer, channels, inner] of a BatchNorm input: [N, C] or [N, C, H, W]. */
export function batchNormView(op: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 2 && shape.length !== 4) throw new ShapeError(op, `input must be [N, C] or [N, C, H, W], got [${shape.join(', ')}]`);
  const [n, c] = shape as [number, number];
  return [n, c, shape.length === 4 ? shape[2]! * shape[3]! : 1];
}

function perChannel(op: string, t: Tensor | null, channels: number, what: string): void {
  if (!t) return;
  t.assertAlive(op);
  if (t.size !== channels) throw new ShapeError(op, `${what} has ${t.size} values, expected ${channels} (one per channel)`);
}

export interface BatchNormStats { mean: Tensor; invstd: Tensor }

/**
 * The batch's per-channel mean and 1/sqrt(var + eps) (var biased); with `running`, updates the running
 * mean and (unbiased) variance in place: r = (1 − momentum)·r + momentum·batch value.
 */
export function batchNormStats(x: Tensor, running: { mean: Tensor; var: Tensor } | null, opts: { eps?: number; momentum?: number } = {}): BatchNormStats {
  const op = 'batchNormStats';
  x.assertAlive(op);
  const [outer, channels, inner] = batchNormView(op, x.shape);
  perChannel(op, running?.mean ?? null, channels, 'running mean');
  perChannel(op, running?.var ?? null, channels, 'running var');
  if (running && outer * inner < 2) throw new ShapeError(op, `a running variance needs more than one value per channel, got [${x.shape.join(', ')}]`);
  const engine = x.engine;
  const mean = empty(engine, [channels], 'f32', 'batchnorm mean');
  const invstd = empty(engine, [channels], 'f32', 'batchnorm invstd');
  // Without running statistics the kernel still needs writable buffers there (never written: update 0),
  // two of them: WebGPU refuses one buffer bound to two writable bindings of a dispatch.
  const spare = running ? null : { mean: empty(engine, [channels], 'f32', 'no running mean'), var: empty(engine, [channels], 'f32', 'no running var') };
  runKernel<BatchNormStatsShape>(engine, 'batchnorm-stats', {
    shape: { outer, channels, inner, update: running !== null },
    buffers: { x: x.buffer, mean: mean.buffer, invstd: invstd.buffer, runningMean: (running ?? spare!).mean.buffer, runningVar: (running ?? spare!).var.buffer },
    scalars: { eps: opts.eps ?? NORM_EPS, momentum: opts.momentum ?? BATCHNORM_MOMENTUM },
    label: `batchnorm stats [${x.shape.join('x')}]${running ? ' +running' : ''}`,
  });
  spare?.mean.dispose();
  spare?.var.dispose();
  return { mean, invstd };
}

/** Where the normalisation's statistics come from: the batch's (training) or the running ones (evaluation). */
export type NormSource = { kind: 'batch'; mean: Tensor; invstd: Tensor } | { kind: 'running'; mean: Tensor; var: Tensor };

function scaleOf(s: NormSource): Tensor {
  return s.kind === 'batch' ? s.invstd : s.var;
}

/** y = (x − mean[c])·invstd[c]·gamma[c] + beta[c]. */
export function batchNormApply(x: Tensor, stats: NormSource, gamma: Tensor, beta: Tensor, opts: { eps?: number } = {}): Tensor {
  const op = 'batchNormApply';
  x.assertAlive(op);
  const [outer, channels, inner] = batchNormView(op, x.shape);
  for (const [t, what] of [[stats.mean, 'mean'], [scaleOf(stats), stats.kind === 'batch' ? 'invstd' : 'running var'], [gamma, 'gamma'], [beta, 'beta']] as const) perChannel(op, t, channels, what);
  const engine = x.engine;
  const y = empty(engine, x.shape, 'f32', 'batchnorm');
  runKernel<BatchNormShape>(engine, 'batchnorm-apply', {
    shape: { outer, channels, inner, evalMode: stats.kind === 'running' },
    buffers: { x: x.buffer, mean: stats.mean.buffer, scale: scaleOf(stats).buffer, gamma: gamma.buffer, beta: beta.buffer, y: y.buffer },
    scalars: { eps: opts.eps ?? NORM_EPS },
    label: `batchnorm ${stats.kind === 'batch' ? 'train' : 'eval'} [${x.shape.join('x')}]`,
  });
  return y;
}

/**
 * The BatchNorm backward from g = dL/dy and the forward's input and statistics: dgamma, dbeta, and dx
 * (when `input` is set) through the batch statistics (training) or with them held constant (evaluation).
 */
export function batchNormBackward(g: Tensor, x: Tensor, stats: NormSource, gamma: Tensor, opts: { eps?: number; input?: boolean } = {}): { dx: Tensor | null; dgamma: Tensor; dbeta: Tensor } {
  const op = 'batchNormBackward';
  g.assertAlive(op);
  x.assertAlive(op);
  if (g.shape.join() !== x.shape.join()) throw new ShapeError(op, `g [${g.shape.join(', ')}] and x [${x.shape.join(', ')}] differ`);
  const [outer, channels, inner] = batchNormView(op, x.shape);
  perChannel(op, gamma, channels, 'gamma');
  const engine = x.engine;
  const eps = opts.eps ?? NORM_EPS;
  const evalMode = stats.kind === 'running';
  const dgamma = empty(engine, [channels], 'f32', 'batchnorm dgamma');
  const dbeta = empty(engine, [channels], 'f32', 'batchnorm dbeta');
  const shape: BatchNormShape = { outer, channels, inner, evalMode };
  runKernel<BatchNormShape>(engine, 'batchnorm-backward-reduce', {
    shape,
    buffers: { g: g.buffer, x: x.buffer, mean: stats.mean.buffer, scale: scaleOf(stats).buffer, dgamma: dgamma.buffer, dbeta: dbeta.buffer },
    scalars: { eps },
    label: `batchnorm backward sums [${x.shape.join('x')}]`,
  });
  let dx: Tensor | null = null;
  if (opts.input ?? true) {
    dx = empty(engine, x.shape, 'f32', 'batchnorm dX');
    runKernel<BatchNormShape>(engine, 'batchnorm-backward-input', {
      shape,
      buffers: { g: g.buffer, x: x.buffer, mean: stats.mean.buffer, scale: scaleOf(stats).buffer, gamma: gamma.buffer, dgamma: dgamma.buffer, dbeta: dbeta.buffer, dx: dx.buffer },
      scalars: { eps },
      label: `batchnorm backward dX [${x.shape.join('x')}]`,
    });
  }
  return { dx, dgamma, dbeta };
}

function layerNormDims(op: string, x: Tensor, gamma: Tensor, beta: Tensor | null): [number, number] {
  x.assertAlive(op);
  gamma.assertAlive(op);
  beta?.assertAlive(op);
  if (x.shape.length < 1) throw new ShapeError(op, 'input has no dimensions');
  const d = x.shape[x.shape.length - 1]!;
  if (gamma.size !== d || (beta && beta.size !== d)) throw new ShapeError(op, `gamma and beta need ${d} values (the last dimension of [${x.shape.join(', ')}]), got ${gamma.size} and ${beta?.size ?? gamma.size}`);
  return [x.size / d, d];
}

/** LayerNorm over the last dimension: y, and the per-row mean and invstd the backward needs. */
export function layerNormForward(x: Tensor, gamma: Tensor, beta: Tensor, opts: { eps?: number } = {}): { y: Tensor; mean: Tensor; invstd: Tensor } {
  const [rows, d] = layerNormDims('layerNormForward', x, gamma, beta);
  const engine = x.engine;
  const y = empty(engine, x.shape, 'f32', 'layernorm');
  const mean = empty(engine, [rows], 'f32', 'layernorm mean');
  const invstd = empty(engine, [rows], 'f32', 'layernorm invstd');
  runKernel<LayerNormShape>(engine, 'layernorm-forward', {
    shape: { rows, d },
    buffers: { x: x.buffer, gamma: gamma.buffer, beta: beta.buffer, y: y.buffer, mean: mean.buffer, invstd: invstd.buffer },
    scalars: { eps: opts.eps ?? NORM_EPS },
    label: `layernorm [${x.shape.join('x')}]`,
  });
  return { y, mean, invstd };
}

/** LayerNorm backward: dx (when `input` is set), dgamma and dbeta from g = dL/dy and the forward's statistics. */
export function layerNormBackward(g: Tensor, x: Tensor, gamma: Tensor, mean: Tensor, invstd: Tensor, opts: { input?: boolean } = {}): { dx: Tensor | null; dgamma: Tensor; dbeta: Tensor } {
  const op = 'layerNormBackward';
  const [rows, d] = layerNormDims(op, x, gamma, null);
  g.assertAlive(op);
  if (g.shape.join() !== x.shape.join()) throw new ShapeError(op, `g [${g.shape.join(', ')}] and x [${x.shape.join(', ')}] differ`);
  if (mean.size !== rows || invstd.size !== rows) throw new ShapeError(op, `mean and invstd need ${rows} values (one per row)`);
  const engine = x.engine;
  let dx: Tensor | null = null;
  if (opts.input ?? true) {
    dx = empty(engine, x.shape, 'f32', 'layernorm dX');
    runKernel<LayerNormShape>(engine, 'layernorm-backward-input', {
      shape: { rows, d },
      buffers: { g: g.buffer, x: x.buffer, gamma: gamma.buffer, mean: mean.buffer, invstd: invstd.buffer, dx: dx.buffer },
      label: `layernorm backward dX [${x.shape.join('x')}]`,
    });
  }
  const dgamma = empty(engine, [d], 'f32', 'layernorm dgamma');
  const dbeta = empty(engine, [d], 'f32', 'layernorm dbeta');
  runKernel<LayerNormShape>(engine, 'layernorm-backward-params', {
    shape: { rows, d },
    buffers: { g: g.buffer, x: x.buffer, mean: mean.buffer, invstd: invstd.buffer, dgamma: dgamma.buffer, dbeta: dbeta.buffer },
    label: `layernorm backward params [${x.shape.join('x')}]`,
  });
  return { dx, dgamma, dbeta };
}
