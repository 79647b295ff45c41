// Trains a HatNetwork on a sequence of tasks as the reference does (docs/hat.md): per batch the annealed s,
// the loss with c·R, conditioned and compensated gradients, clipping, plain SGD and the embedding clamp;
// per epoch a validation-driven learning-rate schedule keeping the best parameters; per task the
// cumulative mask update; and the accuracy matrix over all tasks learned so far.
import type { Engine } from '../runtime/engine.ts';
import { tensor, tidy, type Tensor } from '../tensor.ts';
import { backward, noGrad } from '../autograd.ts';
import { batches, type Dataset } from '../data/dataset.ts';
import { Rng, deriveSeed } from '../data/rng.ts';
import type { Task } from '../data/task.ts';
import { softmaxCrossEntropy } from '../ops/loss.ts';
import { countCorrect } from '../kernels/loss.ts';
import { gradNorm, sgdStep } from '../kernels/optim.ts';
import { axpy, copy, fill } from '../kernels/elementwise.ts';
import { add } from '../ops/elementwise.ts';
import * as hat from '../kernels/hat.ts';
import { DeviceLostError } from '../runtime/errors.ts';
import { HatNetwork, type NetworkConfig } from '../nn/network.ts';
import type { ContinualNetwork } from '../nn/model.ts';
import { DEFAULT_CONFIG, type TrainConfig } from '../config/train-config.ts';
export { DEFAULT_CONFIG, APPROACHES, type Approach, type TrainConfig } from '../config/train-config.ts';


/** What a baseline approach may see and change in one training step. */
export interface StepContext {
  trainer: Trainer;
  /** The task being learned. */
  task: number;
  /** The head this batch is scored on (the task itself, except for joint training). */
  head: number;
  x: Tensor;
  labels: Tensor;
  logits: Tensor;
  /** The penultimate activations (the heads' input). */
  features: Tensor;
}

/** One training batch and the head it belongs to. */
export interface HeadBatch {
  images: Float32Array;
  labels: Int32Array;
  size: number;
  head: number;
  data: Dataset;
}

/**
 * How a baseline approach differs from plain SGD (src/continual/approaches.ts implements them). The
 * trainer keeps the loop, the lr schedule, best-parameter restore and evaluation; every hook is optional.
 */
export interface ApproachHooks {
  /** The network this approach trains (PathNet's modules, progressive columns); default: a HatNetwork. */
  createNetwork?(engine: Engine, config: NetworkConfig): ContinualNetwork;
  /**
   * Trains task t in place of the trainer's epoch loop (PathNet's path search), with
   * Trainer.trainEpochAt and Trainer.evaluate; leaves the parameters to keep in place.
   */
  trainTask?(trainer: Trainer, t: number, progress: Progress): Promise<{ epochs: EpochReport[]; ms: number; samples: number }>;
  /** Before task t is trained (snapshots of the previous model, a re-initialisation for joint). */
  beforeTask?(trainer: Trainer, t: number): Promise<void>;
  /** A loss term added to the cross-entropy on the tape (EWC/IMM penalties, LwF, LFL); a [1] tensor. */
  extraLoss?(ctx: StepContext): Tensor | null;
  /** After backward, before clipping and the step (SGD-F drops the shared layers' gradients). */
  afterBackward?(ctx: StepContext): void;
  /** Added to task t's validation loss, as the reference's eval adds the penalty. */
  validationPenalty?(trainer: Trainer, t: number): Promise<number>;
  /** The batches of one epoch of task t (joint: every task ≤ t); default: task t's training set. */
  epochBatches?(trainer: Trainer, t: number, rng: Rng): Iterable<HeadBatch>;
  /** Task t's validation loss and accuracy (joint: over every task ≤ t); default: task t's. */
  validate?(trainer: Trainer, t: number): Promise<{ loss: number; accuracy: number }>;
  /** After task t's best parameters are restored, before evaluation (Fisher, merges, snapshots). */
  afterTask?(trainer: Trainer, t: number): Promise<void>;
  /** The approach's own state for a checkpoint (Fisher, anchors, the old model, best paths). */
  saveState?(trainer: Trainer): ApproachState;
  /**
   * Loads what saveState wrote, when a run resumes at `task` (in progress when `inTask`, else about to
   * start: beforeTask runs after this).
   */
  loadState?(trainer: Trainer, state: SavedApproachState, at: { task: number; inTask: boolean }): void;
  dispose?(): void;
}

/** An approach's checkpointed state: JSON, and tensors (read back and stored as `approach.<name>`). */
export interface ApproachState {
  json: unknown;
  tensors: Map<string, Tensor>;
}

/** ApproachState as a checkpoint gives it back: the tensors' values on the CPU. */
export interface SavedApproachState {
  json: unknown;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
}


export interface EpochReport {
  task: number;
  epoch: number;
  epochs: number;
  trainLoss: number;
  validLoss: number;
  validAccuracy: number;
  lr: number;
  samplesPerSecond: number;
  improved: boolean;
  s: number;
}

export interface Progress {
  taskStart?(task: number, t: Task): void;
  batch?(task: number, epoch: number, done: number, total: number, s: number, loss: number | null): void;
  epoch?(r: EpochReport): void;
  taskEnd?(task: number, accuracies: number[], maskUsage: number[]): void;
}

/** The loss (or a parameter about to be checkpointed) is NaN or ±Inf: training stops here. */
export class NonFiniteLossError extends Error {
  constructor(readonly task: number, readonly taskName: string, readonly step: number, readonly epoch: number, detail: string) {
    super(`${detail} at step ${step} (task ${task + 1} "${taskName}", epoch ${epoch + 1}); lower --lr`);
    this.name = 'NonFiniteLossError';
  }
}

/** Where a task stands between epochs: enough to continue it exactly. */
export interface TaskState {
  /** The next epoch to run. */
  epoch: number;
  lr: number;
  patience: number;
  /** Best validation loss so far (null: none yet, i.e. Infinity). */
  bestLoss: number | null;
  /** The lr fell below lrMin: no more epochs for this task. */
  stopped: boolean;
  reports: EpochReport[];
  ms: number;
  samples: number;
}

/**
 * Everything a run needs to continue exactly (docs/hat.md's procedure is deterministic for a seed and
 * adapter): the position, the step counter that seeds dropout, the draws taken from the shuffling RNG,
 * the task in progress, the results so far; and (in `tensors`) every parameter, every cumulative mask
 * (`mask.<layer>`) and the best-validation copies of the task in progress (`best.<name>`).
 */
export interface TrainerState {
  /** The task in progress, or the next one to start when `inTask` is null (= tasks.length: all done). */
  task: number;
  step: number;
  rngDraws: number;
  inTask: TaskState | null;
  /** The approach's JSON state (ApproachHooks.saveState); its tensors are `approach.<name>`. */
  approach?: unknown;
  results: { accuracy: number[][]; maskUsage: number[][]; epochs: EpochReport[]; trainMs: number; trainedSamples: number };
}

export interface TrainerSnapshot {
  state: TrainerState;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
}

export interface RunOptions {
  /** Called with a snapshot at the start, after every epoch and after every task (await it to write it). */
  checkpoint?: (snapshot: TrainerSnapshot) => Promise<void> | void;
  /** Continue from this snapshot instead of starting at task 0. */
  resume?: TrainerSnapshot;
}

export interface TrainResult {
  accuracy: number[][];
  maskUsage: number[][];
  epochs: EpochReport[];
  trainSeconds: number;
  samplesPerSecond: number;
  trainedSamples: number;
}


/** Task embeddings are named e<layer>.<task> (namedParameters). */
function isEmbedding(name: string): boolean {
  return /^e[^.]+\.\d+$/.test(name);
}

export class Trainer {
  readonly net: ContinualNetwork;
  private step = 0;
  private rng: Rng;
  /** Values drawn from `rng` so far (one per epoch): its state, replayable from the seed. */
  private rngDraws = 0;
  private lostInfo: GPUDeviceLostInfo | null = null;

  constructor(readonly engine: Engine, readonly tasks: Task[], readonly config: TrainConfig, readonly hooks: ApproachHooks = {}) {
    const first = tasks[0]!;
    if (config.approach === 'hat' && config.net === 'alexnet' && (first.inputShape[1] < 32 || first.inputShape[2] < 32)) {
      throw new Error(`--net alexnet needs 32×32 inputs (pad MNIST with padTo 32); task ${first.name} is ${first.inputShape.join('×')}`);
    }
    for (const t of tasks) {
      if (t.inputShape.join() !== first.inputShape.join()) throw new Error(`task ${t.name} has input ${t.inputShape.join('×')}, task ${first.name} ${first.inputShape.join('×')}: one network needs one input shape`);
    }
    const netConfig: NetworkConfig = {
      kind: config.net, inputShape: first.inputShape, classesPerTask: tasks.map((t) => t.nClasses),
      hidden: config.hidden, gated: config.approach === 'hat', seed: config.seed,
    };
    this.net = hooks.createNetwork?.(engine, netConfig) ?? new HatNetwork(engine, netConfig);
    this.rng = new Rng(deriveSeed(config.seed, 0xbad5eed));
    engine.device.lost.then((info) => { this.lostInfo = info; }, () => {});
  }

  /** The step counter (seeds dropout; one per batch over the whole run). */
  get steps(): number {
    return this.step;
  }

  get isHat(): boolean {
    return this.config.approach === 'hat';
  }

  async run(progress: Progress = {}, opts: RunOptions = {}): Promise<TrainResult> {
    const resume = opts.resume;
    const results: TrainerState['results'] = resume
      ? structuredClone(resume.state.results)
      : { accuracy: [], maskUsage: [], epochs: [], trainMs: 0, trainedSamples: 0 };
    const first = resume ? resume.state.task : 0;
    if (resume) this.restore(resume);
    else await opts.checkpoint?.(await this.snapshot({ task: 0, step: this.step, rngDraws: this.rngDraws, inTask: null, results }));
    for (let t = first; t < this.tasks.length; t++) {
      progress.taskStart?.(t, this.tasks[t]!);
      const inTask = t === first && resume?.state.inTask ? resume.state.inTask : undefined;
      if (inTask && this.hooks.trainTask) throw new Error(`${this.config.approach} trains a task in its own loop, which checkpoints only between tasks: this checkpoint is in the middle of task ${t + 1}`);
      if (!inTask) await this.hooks.beforeTask?.(this, t);
      const r = !inTask && this.hooks.trainTask ? await this.hooks.trainTask(this, t, progress) : await this.trainTask(t, progress, {
        resume: inTask ? { state: inTask, best: resume!.tensors } : undefined,
        onEpoch: opts.checkpoint ? async (state, best) => {
          await opts.checkpoint!(await this.snapshot({ task: t, step: this.step, rngDraws: this.rngDraws, inTask: state, results }, best));
        } : undefined,
      });
      results.epochs.push(...r.epochs);
      results.trainMs += r.ms;
      results.trainedSamples += r.samples;
      await this.hooks.afterTask?.(this, t);
      if (this.isHat) await this.updateMasks(t);
      const row: number[] = [];
      for (let u = 0; u <= t; u++) row.push((await this.guard(t, this.evaluate(u, this.tasks[u]!.test))).accuracy);
      results.accuracy.push(row);
      results.maskUsage.push(await this.maskUsage());
      progress.taskEnd?.(t, row, results.maskUsage[t]!);
      await opts.checkpoint?.(await this.snapshot({ task: t + 1, step: this.step, rngDraws: this.rngDraws, inTask: null, results }));
    }
    const { accuracy, maskUsage, epochs, trainMs, trainedSamples } = results;
    return { accuracy, maskUsage, epochs, trainSeconds: trainMs / 1000, samplesPerSecond: trainedSamples / (trainMs / 1000), trainedSamples };
  }

  /** Names of every parameter (namedParameters()), by tensor. */
  private parameterNames(): Map<Tensor, string> {
    return new Map(this.net.namedParameters().map(([n, p]) => [p, n]));
  }

  /**
   * Reads back everything a checkpoint needs (parameters, masks, and `best` as `best.<name>` for the
   * task in progress). Refuses a non-finite value: a checkpoint is always one to continue from.
   */
  async snapshot(state: TrainerState, best: Tensor[] = []): Promise<TrainerSnapshot> {
    const tensors: TrainerSnapshot['tensors'] = new Map();
    const names = this.parameterNames();
    const add = async (name: string, t: Tensor) => {
      const data = await this.guard(state.task, t.float32('checkpoint'));
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i]!)) {
          const task = Math.min(state.task, this.tasks.length - 1);
          throw new NonFiniteLossError(task, this.tasks[task]!.name, this.step, state.inTask ? state.inTask.epoch - 1 : this.config.epochs - 1, `parameter ${name}[${i}] became ${data[i]}`);
        }
      }
      tensors.set(name, { shape: [...t.shape], data });
    };
    for (const [name, p] of this.net.namedParameters()) await add(name, p);
    for (const l of this.net.layers) if (l.prevMask) await add(`mask.${l.name}`, l.prevMask);
    const approach = this.hooks.saveState?.(this);
    for (const [name, t] of approach?.tensors ?? []) await add(`approach.${name}`, t);
    if (best.length) {
      const params = this.net.taskParameters(state.task);
      for (let i = 0; i < best.length; i++) await add(`best.${names.get(params[i]!)!}`, best[i]!);
    }
    return { state: structuredClone({ ...state, step: this.step, rngDraws: this.rngDraws, ...(approach ? { approach: approach.json } : {}) }), tensors };
  }

  /** Loads a snapshot's parameters, masks, step counter and RNG position into this trainer. */
  restore(snapshot: TrainerSnapshot): void {
    const get = (name: string, shape: readonly number[]) => {
      const t = snapshot.tensors.get(name);
      if (!t) throw new Error(`checkpoint has no tensor ${name}`);
      if (t.shape.join() !== shape.join()) throw new Error(`checkpoint tensor ${name} has shape [${t.shape.join(', ')}], the network [${shape.join(', ')}]`);
      return t.data;
    };
    for (const [name, p] of this.net.namedParameters()) this.engine.upload(p.buffer, get(name, p.shape));
    for (const l of this.net.layers) {
      const m = snapshot.tensors.get(`mask.${l.name}`);
      l.prevMask?.dispose();
      l.prevMask = m ? tensor(this.engine, get(`mask.${l.name}`, [l.units]), [l.units], 'f32', `mask.${l.name}`).keep() : null;
    }
    if (this.hooks.loadState) {
      const tensors: SavedApproachState['tensors'] = new Map();
      for (const [name, t] of snapshot.tensors) if (name.startsWith('approach.')) tensors.set(name.slice('approach.'.length), t);
      this.hooks.loadState(this, { json: snapshot.state.approach ?? null, tensors }, { task: snapshot.state.task, inTask: snapshot.state.inTask !== null });
    }
    this.step = snapshot.state.step;
    this.rng = new Rng(deriveSeed(this.config.seed, 0xbad5eed));
    for (let i = 0; i < snapshot.state.rngDraws; i++) this.rng.nextU32();
    this.rngDraws = snapshot.state.rngDraws;
  }

  /**
   * Awaits GPU work; when the device was lost meanwhile, throws a DeviceLostError naming the task and
   * step (whatever the failed call threw), so callers can tell a lost device from a bug.
   */
  private async guard<T>(t: number, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (e) {
      const info = this.lostInfo ?? (await Promise.race([this.engine.device.lost, new Promise<null>((r) => setTimeout(() => r(null), 250))]));
      if (info) throw new DeviceLostError(info.reason, `${info.message || 'the device is gone'} (while training task ${t + 1}, step ${this.step}; ${(e as Error).message})`);
      throw e;
    }
  }

  private assertDevice(t: number): void {
    const info = this.lostInfo;
    if (info) throw new DeviceLostError(info.reason, `${info.message || 'the device is gone'} (before step ${this.step} of task ${t + 1})`);
  }

  /**
   * One task: epochs with the validation-driven lr schedule; the best-validation parameters are restored.
   * `opts.resume` continues a task from a checkpoint (its state and the `best.<name>` copies);
   * `opts.onEpoch` sees the state and the best copies after every epoch (for checkpoints).
   */
  async trainTask(t: number, progress: Progress = {}, opts: {
    resume?: { state: TaskState; best: TrainerSnapshot['tensors'] };
    onEpoch?: (state: TaskState, best: Tensor[]) => Promise<void>;
  } = {}): Promise<{ epochs: EpochReport[]; ms: number; samples: number }> {
    const cfg = this.config;
    const task = this.tasks[t]!;
    const params = this.net.taskParameters(t);
    const regDenominator = this.isHat ? await this.guard(t, this.regularizerDenominator()) : 1;
    const r = opts.resume?.state;
    let lr = r ? r.lr : cfg.lr, patience = r ? r.patience : cfg.patience, bestLoss = r?.bestLoss ?? Infinity;
    let stopped = r?.stopped ?? false;
    const names = this.parameterNames();
    let best = params.map((p) => {
      const saved = opts.resume?.best.get(`best.${names.get(p)}`);
      if (opts.resume && !saved) throw new Error(`checkpoint has no best.${names.get(p)} for the task in progress`);
      return (saved ? tensor(this.engine, saved.data, p.shape, 'f32', `best ${p.label}`) : copy(p, `best ${p.label}`)).keep();
    });
    const reports: EpochReport[] = r ? structuredClone(r.reports) : [];
    let ms = r?.ms ?? 0, samples = r?.samples ?? 0;
    try {
      for (let epoch = r?.epoch ?? 0; epoch < cfg.epochs && !stopped; epoch++) {
        const t0 = performance.now();
        const trainLoss = await this.trainEpoch(t, task.train, lr, regDenominator, (done, total, s, loss) => progress.batch?.(t, epoch, done, total, s, loss), epoch);
        const epochMs = performance.now() - t0;
        ms += epochMs;
        samples += task.train.n;
        // ReLU (WGSL max) maps NaN to 0, so a blown-up weight need not show in the loss: one norm per epoch.
        const norm = gradNorm(this.engine, params);
        const size = await this.guard(t, norm.item('parameter check'));
        norm.dispose();
        if (!Number.isFinite(size)) throw new NonFiniteLossError(t, task.name, this.step, epoch, `the parameters became non-finite (norm ${size})`);
        const valid = await this.guard(t, this.hooks.validate ? this.hooks.validate(this, t) : this.evaluate(t, task.valid));
        if (this.hooks.validationPenalty) valid.loss += await this.guard(t, this.hooks.validationPenalty(this, t));
        if (!Number.isFinite(valid.loss)) throw new NonFiniteLossError(t, task.name, this.step, epoch, `the validation loss became ${valid.loss}`);
        const improved = valid.loss < bestLoss;
        if (improved) {
          bestLoss = valid.loss;
          for (const b of best) b.dispose();
          best = params.map((p) => copy(p, `best ${p.label}`).keep());
          patience = cfg.patience;
        } else {
          patience--;
          if (patience <= 0) {
            lr /= cfg.lrFactor;
            patience = cfg.patience;
          }
        }
        const report: EpochReport = {
          task: t, epoch, epochs: cfg.epochs, trainLoss, validLoss: valid.loss, validAccuracy: valid.accuracy, lr,
          samplesPerSecond: task.train.n / (epochMs / 1000), improved, s: cfg.smax,
        };
        reports.push(report);
        progress.epoch?.(report);
        if (lr < cfg.lrMin) stopped = true;
        await opts.onEpoch?.({ epoch: epoch + 1, lr, patience, bestLoss: Number.isFinite(bestLoss) ? bestLoss : null, stopped, reports, ms, samples }, best);
      }
      // Restore the parameters of the best validation loss.
      params.forEach((p, i) => this.engine.copy(best[i]!.buffer, p.buffer, p.bytes, `restore ${p.label}`));
      await this.guard(t, this.engine.submit());
    } finally {
      for (const b of best) b.dispose();
    }
    return { epochs: reports, ms, samples };
  }

  /**
   * One epoch of task t at learning rate lr (for approaches with their own task loop, ApproachHooks
   * .trainTask): returns the mean training loss read back and the epoch's milliseconds.
   */
  async trainEpochAt(t: number, lr: number, epoch: number, progress: Progress = {}): Promise<{ trainLoss: number; ms: number }> {
    // HAT's regulariser needs its per-task denominator, which only the trainer's own loop computes.
    if (this.isHat) throw new Error('trainEpochAt: HAT trains through Trainer.trainTask');
    const t0 = performance.now();
    const trainLoss = await this.trainEpoch(t, this.tasks[t]!.train, lr, 1, (done, total, s, loss) => progress.batch?.(t, epoch, done, total, s, loss), epoch);
    return { trainLoss, ms: performance.now() - t0 };
  }

  private async trainEpoch(t: number, data: Dataset, lr: number, regDenominator: number, onBatch: (done: number, total: number, s: number, loss: number | null) => void, epoch = 0): Promise<number> {
    const cfg = this.config;
    let lossSum = 0, lossCount = 0, start = 0;
    const epochRng = this.rng.fork();
    this.rngDraws++;
    const source: Iterable<HeadBatch> = this.hooks.epochBatches
      ? this.hooks.epochBatches(this, t, epochRng)
      : (function* () { for (const b of batches(data, cfg.batch, epochRng)) yield { images: b.images, labels: b.labels, size: b.size, head: t, data }; })();
    let total = data.n; // grows past the task's own set when an approach trains on more (joint)
    for (const batch of source) {
      this.assertDevice(t);
      total = Math.max(total, start + batch.size);
      const s = hat.annealS(start, total, cfg.smax);
      const readLoss = this.step % cfg.logEvery === 0;
      const lossTensor = tidy(() => this.recordTrainStep(t, batch.images, batch.labels, batch.size, batch.data, s, lr, regDenominator, readLoss, batch.head));
      this.step++;
      start += batch.size;
      if (lossTensor) {
        const loss = await this.guard(t, lossTensor.item('train step'));
        lossTensor.dispose();
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(t, this.tasks[t]?.name ?? `${t}`, this.step, epoch, `the training loss became ${loss} (s = ${s.toFixed(3)})`);
        lossSum += loss;
        lossCount++;
        onBatch(start, total, s, loss);
      } else {
        await this.guard(t, this.engine.submit());
        onBatch(start, total, s, null);
      }
    }
    return lossCount ? lossSum / lossCount : NaN;
  }

  /**
   * Records one training step on a batch (call inside tidy(); nothing is submitted or read back); returns
   * the loss (CE + c·R) tensor when asked to, for readback. Public for benchmarks of whole steps.
   */
  recordTrainStep(t: number, images: Float32Array, labels: Int32Array, size: number, data: Dataset, s: number, lr: number, regDenominator: number, wantLoss: boolean, head = t): Tensor | null {
    const cfg = this.config;
    const x = tensor(this.engine, images, [size, data.channels, data.height, data.width], 'f32', 'batch images');
    const y = tensor(this.engine, labels, [size], 'i32', 'batch labels');
    const { logits, features } = this.net.forwardWithFeatures(x, { task: head, s, training: true, step: this.step, fused: cfg.fused });
    const ce = softmaxCrossEntropy(logits, y);
    const ctx: StepContext = { trainer: this, task: t, head, x, labels: y, logits, features };
    const extra = this.hooks.extraLoss?.(ctx) ?? null;
    const loss = extra ? add(ce, extra) : ce;
    backward(loss);
    this.hooks.afterBackward?.(ctx);
    // Every weight, bias and head that received a gradient (embeddings are HAT's, below).
    const regular = this.net.namedParameters().filter(([name, p]) => p.grad && !isEmbedding(name)).map(([, p]) => p);
    // Embedding gradients: the regulariser's gradient and the compensation (docs/hat.md, backward step 3).
    const embeddingGrads: [Tensor, Tensor][] = [];
    if (this.isHat) {
      for (const layer of this.net.layers) {
        const e = layer.embeddings[t]!;
        const raw = e.grad ?? fill(this.engine, e.shape, 0);
        const o = { s, smax: cfg.smax, c: cfg.c, regDenominator };
        const g = cfg.fused ? hat.hatEmbeddingGrad(e, raw, layer.prevMask, o) : hat.hatEmbeddingGradUnfused(e, raw, layer.prevMask, o);
        embeddingGrads.push([e, g]);
      }
    }
    const grads = [...regular.map((p) => p.grad!), ...embeddingGrads.map(([, g]) => g)];
    const norm = gradNorm(this.engine, grads);
    for (const p of regular) sgdStep(p, p.grad!, lr, { norm, maxNorm: cfg.clipNorm });
    if (embeddingGrads.length) {
      const clip = { norm, maxNorm: cfg.clipNorm };
      for (const [e, g] of embeddingGrads) {
        if (cfg.fused) hat.hatEmbeddingStep(e, g, lr, clip, cfg.embeddingClamp);
        else hat.hatEmbeddingStepUnfused(e, g, lr, clip, cfg.embeddingClamp);
      }
    }
    for (const [, p] of this.net.namedParameters()) { p.grad?.dispose(); p.grad = null; }
    if (!wantLoss) return null;
    if (!this.isHat) return loss.keep();
    const r = this.regularizer(t, s);
    axpy(r, ce, 1, cfg.c); // r = c·R + CE
    return r.keep();
  }

  private regularizer(t: number, s: number): Tensor {
    const layers = this.net.layers.map((l) => ({ embedding: l.embeddings[t]!, prev: l.prevMask }));
    return this.config.fused ? hat.hatRegularizer(layers, s) : hat.hatRegularizerUnfused(layers, s);
  }

  /** Σ_l Σ_i (1 − a^{<t}_i), or the unit count before the first mask: R's fixed denominator for a task. */
  async regularizerDenominator(): Promise<number> {
    const prevs: (Float32Array | null)[] = [];
    for (const l of this.net.layers) prevs.push(l.prevMask ? await l.prevMask.float32() : null);
    return hat.hatRegDenominator(prevs, this.net.layers.map((l) => l.units));
  }

  /** Loss (CE + c·R at smax for HAT, as the reference's validation) and accuracy of head t, no dropout. */
  async evaluate(t: number, data: Dataset): Promise<{ loss: number; accuracy: number }> {
    const cfg = this.config;
    // Sums over the whole set stay on the GPU; two numbers come back at the end.
    const lossSum = fill(this.engine, [1], 0, 'f32');
    const correct = fill(this.engine, [1], 0, 'f32');
    noGrad(() => {
      for (const batch of batches(data, 256)) {
        tidy(() => {
          const x = tensor(this.engine, batch.images, [batch.size, data.channels, data.height, data.width], 'f32', 'eval images');
          const y = tensor(this.engine, batch.labels, [batch.size], 'i32', 'eval labels');
          const logits = this.net.forward(x, { task: t, s: cfg.smax, training: false, step: 0, fused: cfg.fused });
          const ce = softmaxCrossEntropy(logits, y);
          axpy(lossSum, ce, batch.size, 1);
          countCorrect(logits, y, correct);
        });
      }
    });
    const [sum] = await lossSum.float32('eval');
    const [right] = await correct.float32('eval');
    correct.dispose();
    lossSum.dispose();
    let loss = sum! / data.n;
    if (this.isHat) {
      const r = noGrad(() => this.regularizer(t, cfg.smax));
      loss += cfg.c * (await r.item());
      r.dispose();
    }
    return { loss, accuracy: right! / data.n };
  }

  /** a^{≤t} = max(a^{<t}, sigmoid(smax·e_t)) per gated layer (docs/hat.md: after each task). */
  async updateMasks(t: number): Promise<void> {
    for (const layer of this.net.layers) {
      if (!layer.prevMask) layer.prevMask = fill(this.engine, [layer.units], 0).keep();
      if (this.config.fused) hat.hatMaskUpdate(layer.prevMask, layer.embeddings[t]!, this.config.smax);
      else hat.hatMaskUpdateUnfused(layer.prevMask, layer.embeddings[t]!, this.config.smax);
    }
    await this.engine.submit();
  }

  /** Per gated layer, the fraction of units whose cumulative mask is over 0.5. */
  async maskUsage(): Promise<number[]> {
    if (this.net.capacityUsage) return this.net.capacityUsage();
    const out: number[] = [];
    for (const layer of this.net.layers) {
      if (!layer.prevMask) { out.push(0); continue; }
      const m = await layer.prevMask.float32();
      out.push(m.reduce((a, v) => a + (v > 0.5 ? 1 : 0), 0) / m.length);
    }
    return out;
  }

  dispose(): void {
    this.hooks.dispose?.();
    this.net.dispose();
  }
}
