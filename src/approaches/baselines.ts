// The baseline approaches as trainer hooks (src/train/trainer.ts ApproachHooks): what each adds
// to the plain SGD loop, with the reference's hyperparameters (approaches.ts says what each does and
// where it was read). The trainer keeps the loop, lr schedule, best-parameter restore and evaluation.
import type { Engine } from '../runtime/engine.ts';
import { tidy, type Tensor } from '../tensor.ts';
import { backward, noGrad } from '../autograd.ts';
import { axpy, copy, fill } from '../kernels/elementwise.ts';
import { fisherAccumulate, fisherMerge, immMeanMerge, immModeMerge } from '../kernels/continual.ts';
import { add, scale } from '../ops/elementwise.ts';
import { softmaxCrossEntropy } from '../ops/loss.ts';
import { distillation, ewcPenalty, l2Transfer, lflLoss } from '../ops/continual.ts';
import { tensor } from '../tensor.ts';
import { batches } from '../data/dataset.ts';
import { deriveSeed, Rng } from '../data/rng.ts';
import { HatNetwork, type NetworkConfig } from '../nn/network.ts';
import type { ApproachHooks, ApproachState, HeadBatch, SavedApproachState, Trainer, Approach } from '../train/trainer.ts';
import { APPROACH_DEFAULTS } from './defaults.ts';
import { pathnetHooks } from './pathnet.ts';
import { progressiveHooks } from './progressive.ts';

/** Hyperparameters of the baselines (defaults: the reference's). */
export interface BaselineOptions {
  lambda?: number;
  /** LwF's distillation temperature. */
  temperature?: number;
  /** PathNet: modules per layer (M), active modules per layer (N), generations per task, paths (P). */
  modules?: number;
  active?: number;
  generations?: number;
  paths?: number;
}

/** The hooks of `approach` (hat and sgd need none). */
export function approachHooks(approach: Approach, o: BaselineOptions = {}): ApproachHooks {
  switch (approach) {
    case 'hat':
    case 'sgd':
      return {};
    case 'sgd-frozen':
      return sgdFrozen();
    case 'ewc':
      return ewc(o.lambda ?? APPROACH_DEFAULTS.ewc.lambda);
    case 'imm-mean':
      return imm('mean', o.lambda ?? APPROACH_DEFAULTS['imm-mean'].lambda);
    case 'imm-mode':
      return imm('mode', o.lambda ?? APPROACH_DEFAULTS['imm-mode'].lambda);
    case 'lwf':
      return lwf(o.lambda ?? APPROACH_DEFAULTS.lwf.lambda, o.temperature ?? APPROACH_DEFAULTS.lwf.T);
    case 'lfl':
      return lfl(o.lambda ?? APPROACH_DEFAULTS.lfl.lambda);
    case 'joint':
      return joint();
    case 'pathnet': {
      const d = APPROACH_DEFAULTS.pathnet;
      return pathnetHooks({ modules: o.modules ?? d.modules, active: o.active ?? d.active, generations: o.generations ?? d.generations, paths: o.paths ?? d.paths });
    }
    case 'progressive':
      return progressiveHooks();
  }
}

/** The trainer's network as a HatNetwork (the baselines that copy or re-initialise it need its config). */
function hatNetworkOf(trainer: Trainer): HatNetwork {
  if (!(trainer.net instanceof HatNetwork)) throw new Error(`${trainer.config.approach}: needs the HAT-style network, not ${trainer.net.constructor.name}`);
  return trainer.net;
}


/** The network's weights, biases and heads (everything but HAT's embeddings), with names. */
function weightsAndHeads(trainer: Trainer): [string, Tensor][] {
  return trainer.net.namedParameters().filter(([name]) => !/^e[^.]+\.\d+$/.test(name));
}

/** Kept copies of tensors (an old model's parameters, anchors), disposed together. */
class Copies {
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
function namedState(trainer: Trainer, prefix: string, byParameter: ReadonlyMap<Tensor, Tensor>): [string, Tensor][] {
  return weightsAndHeads(trainer).filter(([, p]) => byParameter.has(p)).map(([name, p]) => [`${prefix}.${name}`, byParameter.get(p)!]);
}

/**
 * Per-parameter tensors back from a checkpoint (`<prefix>.<parameter name>`), uploaded and kept; empty
 * when the checkpoint has none with this prefix; an error naming the tensor when only some are there.
 */
function loadNamedState(trainer: Trainer, prefix: string, saved: SavedApproachState): Map<Tensor, Tensor> {
  const out = new Map<Tensor, Tensor>();
  const params = weightsAndHeads(trainer);
  const present = params.filter(([name]) => saved.tensors.has(`${prefix}.${name}`));
  if (present.length === 0) return out;
  for (const [name, p] of params) {
    const t = saved.tensors.get(`${prefix}.${name}`);
    if (!t) throw new Error(`checkpoint has no ${prefix}.${name} (${trainer.config.approach} state)`);
    if (t.shape.join() !== p.shape.join()) throw new Error(`checkpoint tensor approach.${prefix}.${name} has shape [${t.shape.join(', ')}], the network [${p.shape.join(', ')}]`);
    out.set(p, tensor(trainer.engine, t.data, p.shape, 'f32', `${prefix} ${name}`).keep());
  }
  return out;
}

/** SGD-F: after the first task only the heads train (the shared layers' gradients are dropped). */
function sgdFrozen(): ApproachHooks {
  return {
    afterBackward(ctx) {
      if (ctx.task === 0) return;
      for (const p of ctx.trainer.net.sharedParameters()) { p.grad?.dispose(); p.grad = null; }
    },
  };
}

/**
 * The diagonal empirical Fisher of the current model on task t's training data, in training mode (as
 * the reference): F = Σ_batches (B/N)·g², g the gradient of the batch's mean cross-entropy on head t.
 */
async function fisherOf(trainer: Trainer, t: number, params: readonly Tensor[]): Promise<Map<Tensor, Tensor>> {
  const engine = trainer.engine;
  const data = trainer.tasks[t]!.train;
  const fisher = new Map(params.map((p) => [p, fill(engine, p.shape, 0).keep()]));
  let k = 0;
  for (const b of batches(data, trainer.config.batch)) {
    tidy(() => {
      const x = tensor(engine, b.images, [b.size, data.channels, data.height, data.width]);
      const y = tensor(engine, b.labels, [b.size], 'i32');
      const logits = trainer.net.forward(x, { task: t, s: trainer.config.smax, training: true, step: deriveSeed(0xf15, t, k++), fused: trainer.config.fused });
      backward(softmaxCrossEntropy(logits, y));
      for (const p of params) if (p.grad) fisherAccumulate(fisher.get(p)!, p.grad, b.size / data.n);
      for (const [, p] of trainer.net.namedParameters()) { p.grad?.dispose(); p.grad = null; }
    });
    await engine.submit();
  }
  return fisher;
}

/** EWC: CE + (λ/2) Σ F (θ − θ*)², F averaged over tasks, θ* the model after the previous task. */
function ewc(lambda: number): ApproachHooks {
  const anchors = new Copies();
  let fisher: Map<Tensor, Tensor> | null = null;
  const penalty = (trainer: Trainer) => ewcPenalty(weightsAndHeads(trainer).map(([, p]) => ({ theta: p, anchor: anchors.get(p), fisher: fisher!.get(p)! })), lambda);
  return {
    extraLoss: (ctx) => (fisher ? penalty(ctx.trainer) : null),
    validationPenalty: async (trainer) => {
      if (!fisher) return 0;
      const p = noGrad(() => penalty(trainer));
      const value = await p.item();
      p.dispose();
      return value;
    },
    async afterTask(trainer, t) {
      const params = weightsAndHeads(trainer).map(([, p]) => p);
      const fresh = await fisherOf(trainer, t, params);
      if (fisher) {
        for (const p of params) { fisherMerge(fisher.get(p)!, fresh.get(p)!, t); fresh.get(p)!.dispose(); }
      } else {
        fisher = fresh;
      }
      anchors.take(params);
      await trainer.engine.submit();
    },
    saveState: (trainer) => ({ json: null, tensors: new Map(fisher ? [...namedState(trainer, 'fisher', fisher), ...namedState(trainer, 'anchor', anchors.of)] : []) }),
    loadState(trainer, saved) {
      const loaded = loadNamedState(trainer, 'fisher', saved);
      if (loaded.size === 0) return;
      for (const f of fisher?.values() ?? []) f.dispose();
      fisher = loaded;
      anchors.set(loadNamedState(trainer, 'anchor', saved));
    },
    dispose() {
      anchors.dispose();
      for (const f of fisher?.values() ?? []) f.dispose();
    },
  };
}

/**
 * IMM: CE + (λ/2) Σ (θ − θ_old)² while training task t; after it, θ merged with the previous merged
 * model: the mean (imm-mean) or Fisher-weighted (imm-mode). As the reference, every parameter merges,
 * the current head too.
 */
function imm(kind: 'mean' | 'mode', lambda: number): ApproachHooks {
  const old = new Copies();
  const fisherAcc = new Map<Tensor, Tensor>();
  const transfer = (trainer: Trainer) => l2Transfer(weightsAndHeads(trainer).map(([, p]) => ({ theta: p, anchor: old.get(p) })), lambda);
  return {
    extraLoss: (ctx) => (ctx.task > 0 ? transfer(ctx.trainer) : null),
    validationPenalty: async (trainer, t) => {
      if (t === 0) return 0;
      const p = noGrad(() => transfer(trainer));
      const value = await p.item();
      p.dispose();
      return value;
    },
    async afterTask(trainer, t) {
      const params = weightsAndHeads(trainer).map(([, p]) => p);
      if (kind === 'mean') {
        if (t > 0) for (const p of params) immMeanMerge(p, old.get(p), t, 1);
      } else {
        const fisher = await fisherOf(trainer, t, params);
        for (const p of params) {
          if (!fisherAcc.has(p)) fisherAcc.set(p, fill(trainer.engine, p.shape, 0).keep());
          immModeMerge(p, t > 0 ? old.get(p) : null, fisher.get(p)!, fisherAcc.get(p)!, t, 1);
          fisher.get(p)!.dispose();
        }
      }
      old.take(params);
      await trainer.engine.submit();
    },
    saveState: (trainer) => ({ json: null, tensors: new Map([...namedState(trainer, 'old', old.of), ...namedState(trainer, 'fisherSum', fisherAcc)]) }),
    loadState(trainer, saved) {
      old.set(loadNamedState(trainer, 'old', saved));
      for (const f of fisherAcc.values()) f.dispose();
      fisherAcc.clear();
      for (const [p, f] of loadNamedState(trainer, 'fisherSum', saved)) fisherAcc.set(p, f);
    },
    dispose() {
      old.dispose();
      for (const f of fisherAcc.values()) f.dispose();
    },
  };
}

/**
 * A network of `config` whose parameters `setValue` fills (a copy of the current model, or a checkpoint's
 * values) and that never trains: the "old model" of LwF and LFL.
 */
function frozenNetwork(engine: Engine, config: NetworkConfig, setValue: (name: string, p: Tensor) => void): HatNetwork {
  const net = new HatNetwork(engine, config);
  try {
    for (const [name, p] of net.namedParameters()) {
      setValue(name, p);
      p.requiresGrad = false;
    }
  } catch (e) {
    net.dispose();
    throw e;
  }
  return net;
}

/** The old model's features for this batch (evaluation mode, no tape). */
function oldFeatures(old: HatNetwork, x: Tensor, smax: number): Tensor {
  return noGrad(() => old.forwardWithFeatures(x, { task: 0, s: smax, training: false, step: 0, fused: true }).features);
}

/**
 * The size-weighted mean over task t's validation batches of a per-batch penalty (no dropout, no tape),
 * as the reference's eval adds its distillation terms to the validation loss.
 */
async function validationMean(trainer: Trainer, t: number, penalty: (x: Tensor, features: Tensor) => Tensor): Promise<number> {
  const engine = trainer.engine;
  const data = trainer.tasks[t]!.valid;
  const total = fill(engine, [1], 0).keep();
  // Batches of the training size: LFL's penalty is a sum over the batch, so the reference's validation
  // loss (per-batch loss × batch size / N) depends on it.
  for (const b of batches(data, trainer.config.batch)) {
    tidy(() => noGrad(() => {
      const x = tensor(engine, b.images, [b.size, data.channels, data.height, data.width]);
      const { features } = trainer.net.forwardWithFeatures(x, { task: t, s: trainer.config.smax, training: false, step: 0, fused: trainer.config.fused });
      axpy(total, penalty(x, features), b.size);
    }));
  }
  const value = (await total.item()) / data.n;
  total.dispose();
  return value;
}

/** LwF's distillation term: λ Σ_{u<t} distill(head u on `features`, head u of `old` on x; T). */
function distillTerm(trainer: Trainer, old: HatNetwork, t: number, x: Tensor, features: Tensor, lambda: number, temperature: number): Tensor {
  const before = oldFeatures(old, x, trainer.config.smax);
  let total: Tensor | null = null;
  for (let u = 0; u < t; u++) {
    const target = noGrad(() => old.head(before, u));
    const d = distillation(hatNetworkOf(trainer).head(features, u), target, { T: temperature });
    total = total ? add(total, d) : d;
  }
  return scale(total!, lambda);
}

/**
 * The old model of LwF and LFL: a frozen copy of the network as it was before task t (none for the first
 * task); checkpointed as `old.<parameter name>`.
 */
class OldModel {
  net: HatNetwork | null = null;
  renew(trainer: Trainer, t: number): void {
    this.dispose();
    if (t === 0) return;
    const current = hatNetworkOf(trainer);
    const source = new Map(current.namedParameters());
    this.net = frozenNetwork(trainer.engine, current.config, (name, p) => trainer.engine.copy(source.get(name)!.buffer, p.buffer, p.bytes, `freeze ${name}`));
  }
  save(): ApproachState {
    return { json: null, tensors: new Map(this.net ? this.net.namedParameters().map(([name, p]): [string, Tensor] => [`old.${name}`, p]) : []) };
  }
  load(trainer: Trainer, saved: SavedApproachState): void {
    this.dispose();
    if (![...saved.tensors.keys()].some((k) => k.startsWith('old.'))) return;
    this.net = frozenNetwork(trainer.engine, hatNetworkOf(trainer).config, (name, p) => {
      const t = saved.tensors.get(`old.${name}`);
      if (!t || t.shape.join() !== p.shape.join()) throw new Error(`checkpoint's old model: tensor approach.old.${name} is ${t ? `[${t.shape.join(', ')}], the network needs [${p.shape.join(', ')}]` : 'missing'}`);
      trainer.engine.upload(p.buffer, t.data);
    });
  }
  dispose(): void {
    this.net?.dispose();
    this.net = null;
  }
}

/** LwF: CE + λ Σ_{u<t} distill(head u now, head u of the old model; T). The old heads train too. */
function lwf(lambda: number, temperature: number): ApproachHooks {
  const old = new OldModel();
  return {
    beforeTask: async (trainer, t) => old.renew(trainer, t),
    extraLoss: (ctx) => (old.net && ctx.task > 0 ? distillTerm(ctx.trainer, old.net, ctx.task, ctx.x, ctx.features, lambda, temperature) : null),
    validationPenalty: async (trainer, t) => (old.net && t > 0 ? validationMean(trainer, t, (x, f) => distillTerm(trainer, old.net!, t, x, f, lambda, temperature)) : 0),
    saveState: () => old.save(),
    loadState: (trainer, saved) => old.load(trainer, saved),
    dispose: () => old.dispose(),
  };
}

/**
 * LFL: CE + λ Σ (h − h_old)² / 2 on the penultimate activations, h_old from the old model. The network
 * has no dropout on h (as the reference's LFL network): the penalty compares h across two models.
 */
function lfl(lambda: number): ApproachHooks {
  const old = new OldModel();
  return {
    createNetwork: (engine, config) => new HatNetwork(engine, { ...config, featureDropout: false }),
    beforeTask: async (trainer, t) => old.renew(trainer, t),
    extraLoss: (ctx) => (old.net && ctx.task > 0 ? lflLoss(ctx.features, oldFeatures(old.net, ctx.x, ctx.trainer.config.smax), lambda) : null),
    validationPenalty: async (trainer, t) => (old.net && t > 0 ? validationMean(trainer, t, (x, f) => lflLoss(f, oldFeatures(old.net!, x, trainer.config.smax), lambda)) : 0),
    saveState: () => old.save(),
    loadState: (trainer, saved) => old.load(trainer, saved),
    dispose: () => old.dispose(),
  };
}

/**
 * Joint training, the upper reference of the forgetting ratio: for task t, from a fresh initialisation,
 * on the union of tasks ≤ t, each batch from one task and scored on its head (batches in proportion to
 * each task's size, so the per-task losses weigh by sample count); validation over the union.
 */
function joint(): ApproachHooks {
  return {
    async beforeTask(trainer, t) {
      // From scratch: a network initialised from another seed per task, copied into the trainer's.
      const fresh = new HatNetwork(trainer.engine, { ...hatNetworkOf(trainer).config, seed: deriveSeed(trainer.config.seed, 0x101, t) });
      const source = new Map(fresh.namedParameters());
      for (const [name, p] of trainer.net.namedParameters()) trainer.engine.copy(source.get(name)!.buffer, p.buffer, p.bytes, `re-init ${name}`);
      await trainer.engine.submit();
      fresh.dispose();
    },
    *epochBatches(trainer, t, rng: Rng): Iterable<HeadBatch> {
      const all: HeadBatch[] = [];
      for (let u = 0; u <= t; u++) {
        const data = trainer.tasks[u]!.train;
        for (const b of batches(data, trainer.config.batch, rng)) all.push({ images: b.images, labels: b.labels, size: b.size, head: u, data });
      }
      rng.shuffle(all);
      yield* all;
    },
    async validate(trainer, t) {
      let loss = 0, accuracy = 0, n = 0;
      for (let u = 0; u <= t; u++) {
        const valid = trainer.tasks[u]!.valid;
        const r = await trainer.evaluate(u, valid);
        loss += r.loss * valid.n;
        accuracy += r.accuracy * valid.n;
        n += valid.n;
      }
      return { loss: loss / n, accuracy: accuracy / n };
    },
  };
}
