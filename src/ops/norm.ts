// Differentiable normalisation: BatchNorm (per channel over N·H·W, or over N for [N, C]) in training mode
// (batch statistics; the running statistics updated in the same kernel, momentum 0.1 as PyTorch) or
// evaluation mode (running statistics), and LayerNorm over the last dimension. The task-indexed layers of
// src/nn/task-norm.ts pass the current task's gamma, beta and running statistics.
import { record } from '../autograd.ts';
import { checkOperands, type Tensor } from '../tensor.ts';
import { ShapeError } from '../runtime/errors.ts';
import { batchNormApply, batchNormBackward, batchNormStats, batchNormView, layerNormBackward, layerNormForward, type NormSource } from '../kernels/norm.ts';

export interface BatchNormParams {
  gamma: Tensor;
  beta: Tensor;
  /** Updated in training mode, read in evaluation mode. */
  runningMean: Tensor;
  runningVar: Tensor;
}

export interface BatchNormOptions {
  /** Batch statistics (and a running-statistics update) when true; running statistics when false. */
  training: boolean;
  /** PyTorch's default 0.1: running = (1 − momentum)·running + momentum·batch. */
  momentum?: number;
  eps?: number;
}

/** y = (x − mean)/sqrt(var + eps)·gamma + beta per channel of x [N, C] or [N, C, H, W]. */
export function batchNorm(x: Tensor, p: BatchNormParams, opts: BatchNormOptions): Tensor {
  checkOperands('batchNorm', { x, gamma: p.gamma, beta: p.beta, runningMean: p.runningMean, runningVar: p.runningVar });
  const [, channels] = batchNormView('batchNorm', x.shape);
  for (const [name, t] of Object.entries(p)) {
    if ((t as Tensor).size !== channels) throw new ShapeError('batchNorm', `${name} has ${(t as Tensor).size} values, expected ${channels} (one per channel of [${x.shape.join(', ')}])`);
  }
  const eps = opts.eps;
  let source: NormSource;
  if (opts.training) {
    const stats = batchNormStats(x, { mean: p.runningMean, var: p.runningVar }, { eps, momentum: opts.momentum });
    source = { kind: 'batch', ...stats };
  } else {
    source = { kind: 'running', mean: p.runningMean, var: p.runningVar };
  }
  const y = batchNormApply(x, source, p.gamma, p.beta, { eps });
  const saved = source;
  const out = record(y, opts.training ? 'batchNorm(train)' : 'batchNorm(eval)', [x, p.gamma, p.beta], (g) => {
    const { dx, dgamma, dbeta } = batchNormBackward(g, x, saved, p.gamma, { eps, input: x.requiresGrad });
    return [dx, p.gamma.requiresGrad ? dgamma : (dgamma.dispose(), null), p.beta.requiresGrad ? dbeta : (dbeta.dispose(), null)];
  });
  if (saved.kind === 'batch') keepWithOutput(out, [saved.mean, saved.invstd]);
  return out;
}

/** y = (x − mean)/sqrt(var + eps)·gamma + beta over the last dimension of x (biased variance, as PyTorch). */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, opts: { eps?: number } = {}): Tensor {
  checkOperands('layerNorm', { x, gamma, beta });
  const { y, mean, invstd } = layerNormForward(x, gamma, beta, opts);
  const out = record(y, 'layerNorm', [x, gamma, beta], (g) => {
    const r = layerNormBackward(g, x, gamma, mean, invstd, { input: x.requiresGrad });
    return [r.dx, gamma.requiresGrad ? r.dgamma : (r.dgamma.dispose(), null), beta.requiresGrad ? r.dbeta : (r.dbeta.dispose(), null)];
  });
  keepWithOutput(out, [mean, invstd]);
  return out;
}

/**
 * The statistics a backward reads live as long as the output: kept out of the enclosing tidy and
 * disposed with the output (as maxpool2d's argmax), so a step's graph can be recorded inside tidy().
 */
function keepWithOutput(out: Tensor, saved: readonly Tensor[]): void {
  for (const t of saved) t.keep();
  const dispose = out.dispose.bind(out);
  out.dispose = () => { for (const t of saved) t.dispose(); dispose(); };
}
