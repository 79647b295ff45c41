// Pieces several baselines share: the parameters they regularise, kept copies of tensors, per-parameter
// state named for checkpoints, the empirical Fisher, and the plain (ungated) network most of them train.
import type { Engine } from '../runtime/engine.ts';
import { tensor, tidy, type Tensor } from '../tensor.ts';
import { backward } from '../autograd.ts';
import { copy, fill } from '../kernels/elementwise.ts';
import { fisherAccumulate } from '../kernels/continual.ts';
import { softmaxCrossEntropy } from '../ops/loss.ts';
import { batches } from '../data/dataset.ts';
import { deriveSeed } from '../data/rng.ts';
import { HatNetwork, type NetworkConfig } from '../nn/network.ts';
import { ResNet18 } from '../nn/resnet.ts';
import type { ContinualNetwork } from '../nn/model.ts';
import type { SavedApproachState, TrainingRun } from '../train/approach.ts';

/** The network without gates (HAT's layers, heads and init; no embeddings, no masks). */
export function plainNetwork(engine: Engine, config: NetworkConfig): ContinualNetwork {
  return config.kind === 'resnet18' ? new ResNet18(engine, { ...config, gated: false }) : new HatNetwork(engine, { ...config, gated: false });
}

/** The run's network as a HatNetwork (the baselines that copy or re-initialise it need its config). */
export function hatNetworkOf(run: TrainingRun, approach: string): HatNetwork {
  if (!(run.net instanceof HatNetwork)) throw new Error(`${approach}: needs the HAT-style network, not ${run.net.constructor.name}`);
  return run.net;
}

/** The network's weights, biases and heads (everything but HAT's embeddings), with names. */
export function weightsAndHeads(run: TrainingRun): [string, Tensor][] {
  // Task embeddings are e<layer>.<task>, the layer name possibly dotted (ResNet's elayer1.0.conv1.<t>).
  return run.net.namedParameters().filter(([name]) => !/^e.+\.\d+$/.test(name));
}

/** Kept copies of tensors (an old model's parameters, anchors), disposed together. */
export class Copies {
  readonly of = new Map<Tensor, Tensor>();
  take(tensors: readonly Tensor[]): void {
    this.dispose();
    for (const t of tensors) this.of.set(t, copy(t, `old ${t.label}`).keep());
  }
  /** Replaces the copies with ones already made (from a checkpoint). */
  set(copies: Map<Tensor, Tensor>): void {
    this.dispose();
    for (const [t, c] of copies) this.of.set(t, c);
  }
  get(t: Tensor): Tensor {
    const c = this.of.get(t);
    if (!c) throw new Error(`no saved copy of ${t.label}`);
    return c;
  }
  dispose(): void {
    for (const c of this.of.values()) c.dispose();
    this.of.clear();
  }
}

/** Per-parameter tensors (Fisher, anchors, old weights) named `<prefix>.<parameter name>` for a checkpoint. */
export function namedState(run: TrainingRun, prefix: string, byParameter: ReadonlyMap<Tensor, Tensor>): [string, Tensor][] {
  return weightsAndHeads(run).filter(([, p]) => byParameter.has(p)).map(([name, p]) => [`${prefix}.${name}`, byParameter.get(p)!]);
}

/**
 * Per-parameter tensors back from a checkpoint (`<prefix>.<parameter name>`), uploaded and kept; empty
 * when the checkpoint has none with this prefix; an error naming the tensor when only some are there.
 */
export function loadNamedState(run: TrainingRun, approach: string, prefix: string, saved: SavedApproachState): Map<Tensor, Tensor> {
  const out = new Map<Tensor, Tensor>();
  const params = weightsAndHeads(run);
  const present = params.filter(([name]) => saved.tensors.has(`${prefix}.${name}`));
  if (present.length === 0) return out;
  for (const [name, p] of params) {
    const t = saved.tensors.get(`${prefix}.${name}`);
    if (!t) throw new Error(`checkpoint has no ${prefix}.${name} (${approach} state)`);
    if (t.shape.join() !== p.shape.join()) throw new Error(`checkpoint tensor approach.${prefix}.${name} has shape [${t.shape.join(', ')}], the network [${p.shape.join(', ')}]`);
    out.set(p, tensor(run.engine, t.data, p.shape, 'f32', `${prefix} ${name}`).keep());
  }
  return out;
}

/**
 * The diagonal empirical Fisher of the current model on task t's training data, in training mode (as
 * the reference): F = Σ_batches (B/N)·g², g the gradient of the batch's mean cross-entropy on head t.
 */
export async function fisherOf(run: TrainingRun, t: number, params: readonly Tensor[]): Promise<Map<Tensor, Tensor>> {
  const { engine, config } = run;
  const data = run.tasks[t]!.train;
  const fisher = new Map(params.map((p) => [p, fill(engine, p.shape, 0).keep()]));
  let k = 0;
  for (const b of batches(data, config.batch)) {
    tidy(() => {
      const x = tensor(engine, b.images, [b.size, data.channels, data.height, data.width]);
      const y = tensor(engine, b.labels, [b.size], 'i32');
      const logits = run.net.forward(x, { task: t, s: config.smax, training: true, step: deriveSeed(0xf15, t, k++), fused: config.fused });
      backward(softmaxCrossEntropy(logits, y));
      for (const p of params) if (p.grad) fisherAccumulate(fisher.get(p)!, p.grad, b.size / data.n);
      for (const [, p] of run.net.namedParameters()) { p.grad?.dispose(); p.grad = null; }
    });
    await engine.submit();
  }
  return fisher;
}
