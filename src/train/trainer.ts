// The training loop, for every approach (it knows none by name): per task, epochs of steps under the
// validation-driven learning-rate schedule, the best-validation parameters restored at the end, and the
// accuracy matrix over every task learned so far; checkpoints at the start, after every epoch and after
// every task. What differs between approaches comes through the Approach interface (approach.ts).
import type { Engine } from '../runtime/engine.ts';
import { DeviceLostError } from '../runtime/errors.ts';
import { tensor, tidy, type Tensor } from '../tensor.ts';
import { backward, noGrad } from '../autograd.ts';
import { batches, type Dataset } from '../data/dataset.ts';
import { Rng, deriveSeed } from '../data/rng.ts';
import type { Task } from '../data/task.ts';
import { countCorrect } from '../kernels/loss.ts';
import { gradNorm } from '../kernels/optim.ts';
import { axpy, fill } from '../kernels/elementwise.ts';
import { softmaxCrossEntropy } from '../ops/loss.ts';
import { add } from '../ops/elementwise.ts';
import type { GatedLayer, NetworkConfig } from '../nn/network.ts';
import { capacityUsage, type ContinualNetwork } from '../nn/model.ts';
import type { TrainConfig } from '../config/train-config.ts';
import type { Approach, BatchPosition, HeadBatch, SavedApproachState, StepContext, TrainingRun } from './approach.ts';
import { SGD, type GradientEntry } from './optimizer.ts';
import { LrSchedule } from './schedule.ts';
import { ParameterSnapshot } from './best-parameters.ts';
import { NonFiniteLossError } from './errors.ts';
import { withTaskAgnosticResults, type EpochReport, type Progress, type TaskState, type TaskTraining, type TrainerSnapshot, type TrainerState, type TrainResult } from './state.ts';
import { evaluateTaskAgnostic, type TaskScore } from './task-inference.ts';

export interface RunOptions {
  /** Called with a snapshot at the start, after every epoch and after every task (await it to write it). */
  checkpoint?: (snapshot: TrainerSnapshot) => Promise<void> | void;
  /** Continue from this snapshot instead of starting at task 0. */
  resume?: TrainerSnapshot;
  /** How task-conditioned networks infer a sample's task in the task-agnostic evaluation (default max-softmax). */
  taskScore?: TaskScore;
}

/** What a caller may watch of one recorded step (Trainer.recordTrainStep); tensors are valid inside the step only. */
export interface StepObserver {
  /** Every gated layer's input and output, as the forward pass records them. */
  layer?(layer: GatedLayer, input: Tensor, output: Tensor): void;
  /** The parameters' gradients after backward (conditioning included), before the approach's transforms. */
  gradients?(entries: readonly GradientEntry[]): void;
  /** The gradients the optimiser clips and applies (after the approach's transforms). */
  applied?(entries: readonly GradientEntry[]): void;
}

/** Seeds the RNG that shuffles each epoch's batches (with the run's seed). */
const SHUFFLE_SEED = 0xbad5eed;

export class Trainer implements TrainingRun {
  readonly net: ContinualNetwork;
  private readonly optimizer: SGD;
  private step = 0;
  private rng: Rng;
  /** Values drawn from `rng` so far (one per epoch): its state, replayable from the seed. */
  private rngDraws = 0;
  private lostInfo: GPUDeviceLostInfo | null = null;

  constructor(readonly engine: Engine, readonly tasks: Task[], readonly config: TrainConfig, readonly approach: Approach) {
    const first = tasks[0]!;
    for (const t of tasks) {
      if (t.inputShape.join() !== first.inputShape.join()) throw new Error(`task ${t.name} has input ${t.inputShape.join('×')}, task ${first.name} ${first.inputShape.join('×')}: one network needs one input shape`);
    }
    const netConfig: NetworkConfig = {
      kind: config.net, inputShape: first.inputShape, classesPerTask: tasks.map((t) => t.nClasses),
      hidden: config.hidden, width: config.width, gated: false, seed: config.seed,
      ...(config.dropout === false ? { dropout: { input: 0, layers: 0 } } : {}),
    };
    this.net = approach.createNetwork(engine, netConfig);
    this.optimizer = new SGD(engine, [], { lr: config.lr, clipNorm: config.clipNorm });
    this.rng = new Rng(deriveSeed(config.seed, SHUFFLE_SEED));
    engine.device.lost.then((info) => { this.lostInfo = info; }, () => {});
  }

  /** The step counter (seeds dropout; one per batch over the whole run). */
  get steps(): number {
    return this.step;
  }

  /** The gate scale of a training batch at `at`, or of evaluation (null). */
  private gateScale(at: BatchPosition | null): number {
    return this.approach.gateScale?.(at) ?? 1;
  }

  async run(progress: Progress = {}, opts: RunOptions = {}): Promise<TrainResult> {
    const resume = opts.resume;
    const results = resume
      ? withTaskAgnosticResults(structuredClone(resume.state.results))
      : { accuracy: [], accuracyTaskAgnostic: [], taskInferenceAccuracy: [], maskUsage: [], epochs: [], trainMs: 0, trainedSamples: 0 };
    const first = resume ? resume.state.task : 0;
    if (resume) this.restore(resume);
    else await opts.checkpoint?.(await this.snapshot({ task: 0, step: this.step, rngDraws: this.rngDraws, inTask: null, results }));
    for (let t = first; t < this.tasks.length; t++) {
      progress.taskStart?.(t, this.tasks[t]!);
      const inTask = t === first && resume?.state.inTask ? resume.state.inTask : undefined;
      if (inTask && this.approach.trainTask) throw new Error(`${this.approach.name} trains a task in its own loop, which checkpoints only between tasks: this checkpoint is in the middle of task ${t + 1}`);
      if (!inTask) await this.approach.beforeTask?.(this, t);
      const r = !inTask && this.approach.trainTask
        ? await this.prepared(t, () => this.approach.trainTask!(this, t, progress))
        : await this.trainTask(t, progress, {
          resume: inTask ? { state: inTask, best: resume!.tensors } : undefined,
          onEpoch: opts.checkpoint ? async (state, best) => {
            await opts.checkpoint!(await this.snapshot({ task: t, step: this.step, rngDraws: this.rngDraws, inTask: state, results }, best));
          } : undefined,
        });
      results.epochs.push(...r.epochs);
      results.trainMs += r.ms;
      results.trainedSamples += r.samples;
      await this.finishTask(t);
      const row: number[] = [];
      for (let u = 0; u <= t; u++) row.push((await this.guard(t, this.evaluate(u, this.tasks[u]!.test))).accuracy);
      results.accuracy.push(row);
      // The same test sets without the task given: every learned task competes for each sample.
      const agnostic = { accuracy: [] as number[], taskInference: [] as number[] };
      for (let u = 0; u <= t; u++) {
        const a = await this.guard(t, evaluateTaskAgnostic(this.net, u, this.tasks[u]!.test, { tasks: t + 1, s: this.gateScale(null), fused: this.config.fused, score: opts.taskScore }));
        agnostic.accuracy.push(a.accuracy);
        agnostic.taskInference.push(a.taskInference);
      }
      results.accuracyTaskAgnostic.push(agnostic.accuracy);
      results.taskInferenceAccuracy.push(agnostic.taskInference);
      results.maskUsage.push(await this.capacityUsage());
      progress.taskEnd?.(t, row, results.maskUsage[t]!, agnostic);
      await opts.checkpoint?.(await this.snapshot({ task: t + 1, step: this.step, rngDraws: this.rngDraws, inTask: null, results }));
    }
    const { accuracy, accuracyTaskAgnostic, taskInferenceAccuracy, maskUsage, epochs, trainMs, trainedSamples } = results;
    return { accuracy, accuracyTaskAgnostic, taskInferenceAccuracy, maskUsage, epochs, trainSeconds: trainMs / 1000, samplesPerSecond: trainedSamples / (trainMs / 1000), trainedSamples };
  }

  /** Runs `train` after the approach has prepared task t (fresh or resumed). */
  private async prepared<T>(t: number, train: () => Promise<T>): Promise<T> {
    await this.prepareTask(t);
    return train();
  }

  /**
   * What the approach needs before steps of task t (HAT: the regulariser's denominator from the masks);
   * trainTask does it; call it before driving recordTrainStep or tapStep yourself.
   */
  async prepareTask(t: number): Promise<void> {
    await this.guard(t, this.approach.prepareTask?.(this, t) ?? Promise.resolve());
  }

  /** The global gradient norm of the last step (a [1] tensor the optimiser owns), null before the first clipped step. */
  get lastGradNorm(): Tensor | null {
    return this.optimizer.lastNorm;
  }

  /** The approach's work after task t (masks, Fisher information, merges), submitted. */
  async finishTask(t: number): Promise<void> {
    await this.approach.afterTask?.(this, t);
    await this.engine.submit();
  }

  /** Per layer, the share of the network's capacity the tasks learned so far hold. */
  capacityUsage(): Promise<number[]> {
    return capacityUsage(this.net);
  }

  /** Names of every parameter (namedParameters()), by tensor. */
  private parameterNames(): Map<Tensor, string> {
    return new Map(this.net.namedParameters().map(([n, p]) => [p, n]));
  }

  /**
   * Reads back everything a checkpoint needs (parameters, masks, the approach's tensors, and `best` as
   * `best.<name>` for the task in progress). Refuses a non-finite value: a checkpoint is always one to
   * continue from.
   */
  async snapshot(state: TrainerState, best: readonly Tensor[] = []): Promise<TrainerSnapshot> {
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
    const approach = this.approach.saveState?.(this);
    for (const [name, t] of approach?.tensors ?? []) await add(`approach.${name}`, t);
    if (best.length) {
      const params = this.net.taskParameters(state.task);
      for (let i = 0; i < best.length; i++) await add(`best.${names.get(params[i]!)!}`, best[i]!);
    }
    return { state: structuredClone({ ...state, step: this.step, rngDraws: this.rngDraws, ...(approach ? { approach: approach.json } : {}) }), tensors };
  }

  /** Loads a snapshot's parameters, masks, approach state, step counter and RNG position. */
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
    if (this.approach.loadState) {
      const tensors: SavedApproachState['tensors'] = new Map();
      for (const [name, t] of snapshot.tensors) if (name.startsWith('approach.')) tensors.set(name.slice('approach.'.length), t);
      this.approach.loadState(this, { json: snapshot.state.approach ?? null, tensors }, { task: snapshot.state.task, inTask: snapshot.state.inTask !== null });
    }
    this.step = snapshot.state.step;
    this.rng = new Rng(deriveSeed(this.config.seed, SHUFFLE_SEED));
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
   * One task through the loop: the approach prepares it, then epochs under the lr schedule; the
   * best-validation parameters are restored. `opts.resume` continues a task from a checkpoint (its state
   * and the `best.<name>` copies); `opts.onEpoch` sees the state and the best copies after every epoch.
   */
  async trainTask(t: number, progress: Progress = {}, opts: {
    resume?: { state: TaskState; best: TrainerSnapshot['tensors'] };
    onEpoch?: (state: TaskState, best: readonly Tensor[]) => Promise<void>;
  } = {}): Promise<TaskTraining> {
    return this.prepared(t, () => this.epochs(t, progress, opts));
  }

  private async epochs(t: number, progress: Progress, opts: Parameters<Trainer['trainTask']>[2] & {}): Promise<TaskTraining> {
    const cfg = this.config;
    const task = this.tasks[t]!;
    const params = this.net.taskParameters(t);
    const r = opts.resume?.state;
    const schedule = new LrSchedule(cfg, r);
    const names = this.parameterNames();
    const saved = opts.resume && params.map((p) => {
      const copy = opts.resume!.best.get(`best.${names.get(p)}`);
      if (!copy) throw new Error(`checkpoint has no best.${names.get(p)} for the task in progress`);
      return copy.data;
    });
    const best = new ParameterSnapshot(this.engine, params, saved || undefined);
    const reports: EpochReport[] = r ? structuredClone(r.reports) : [];
    let ms = r?.ms ?? 0, samples = r?.samples ?? 0;
    try {
      for (let epoch = r?.epoch ?? 0; epoch < cfg.epochs && !schedule.stopped; epoch++) {
        const { trainLoss, ms: epochMs } = await this.trainEpoch(t, schedule.lr, epoch, progress);
        ms += epochMs;
        samples += task.train.n;
        // ReLU (WGSL max) maps NaN to 0, so a blown-up weight need not show in the loss: one norm per epoch.
        const norm = gradNorm(this.engine, params);
        const size = await this.guard(t, norm.item('parameter check'));
        norm.dispose();
        if (!Number.isFinite(size)) throw new NonFiniteLossError(t, task.name, this.step, epoch, `the parameters became non-finite (norm ${size})`);
        const valid = await this.validate(t);
        if (!Number.isFinite(valid.loss)) throw new NonFiniteLossError(t, task.name, this.step, epoch, `the validation loss became ${valid.loss}`);
        const improved = schedule.observe(valid.loss);
        if (improved) best.take();
        const report: EpochReport = {
          task: t, epoch, epochs: cfg.epochs, trainLoss, validLoss: valid.loss, validAccuracy: valid.accuracy, lr: schedule.lr,
          samplesPerSecond: task.train.n / (epochMs / 1000), improved, s: this.gateScale(null),
        };
        reports.push(report);
        progress.epoch?.(report);
        await opts.onEpoch?.({ epoch: epoch + 1, ...schedule.state, reports, ms, samples }, best.tensors);
      }
      best.restore();
      await this.guard(t, this.engine.submit());
    } finally {
      best.dispose();
    }
    return { epochs: reports, ms, samples };
  }

  /** Task t's validation loss (with the approach's penalty) and accuracy. */
  async validate(t: number): Promise<{ loss: number; accuracy: number }> {
    const valid = await this.guard(t, this.approach.validate ? this.approach.validate(this, t) : this.evaluate(t, this.tasks[t]!.valid));
    if (this.approach.validationPenalty) valid.loss += await this.guard(t, this.approach.validationPenalty(this, t));
    return valid;
  }

  /** One epoch of task t at learning rate lr: the mean training loss read back, and the epoch's milliseconds. */
  async trainEpoch(t: number, lr: number, epoch: number, progress: Progress = {}): Promise<{ trainLoss: number; ms: number }> {
    const t0 = performance.now();
    const cfg = this.config;
    const data = this.tasks[t]!.train;
    let lossSum = 0, lossCount = 0, start = 0;
    const epochRng = this.rng.fork();
    this.rngDraws++;
    const source: Iterable<HeadBatch> = this.approach.epochBatches
      ? this.approach.epochBatches(this, t, epochRng)
      : (function* () { for (const b of batches(data, cfg.batch, epochRng)) yield { images: b.images, labels: b.labels, size: b.size, head: t, data }; })();
    let total = data.n; // grows past the task's own set when an approach's batches span more tasks
    for (const batch of source) {
      this.assertDevice(t);
      total = Math.max(total, start + batch.size);
      const at = { start, total };
      const s = this.gateScale(at);
      const readLoss = this.step % cfg.logEvery === 0;
      const lossTensor = tidy(() => this.recordTrainStep(t, batch, at, lr, readLoss));
      start += batch.size;
      if (lossTensor) {
        const loss = await this.guard(t, lossTensor.item('train step'));
        lossTensor.dispose();
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(t, this.tasks[t]?.name ?? `${t}`, this.step, epoch, `the training loss became ${loss} (s = ${s.toFixed(3)})`);
        lossSum += loss;
        lossCount++;
        progress.batch?.(t, epoch, start, total, s, loss);
      } else {
        await this.guard(t, this.engine.submit());
        progress.batch?.(t, epoch, start, total, s, null);
      }
    }
    return { trainLoss: lossCount ? lossSum / lossCount : NaN, ms: performance.now() - t0 };
  }

  /**
   * Records one training step of task t on a batch at position `at` of its epoch (call inside tidy();
   * nothing is submitted or read back): forward, loss with the approach's terms, backward, the approach's
   * gradient transforms, the clipped SGD step. Returns the loss to log when asked (else null). Public for
   * benchmarks of whole steps.
   */
  recordTrainStep(t: number, batch: HeadBatch, at: BatchPosition, lr: number, wantLoss: boolean, observer?: StepObserver): Tensor | null {
    const { data } = batch;
    const s = this.gateScale(at);
    const x = tensor(this.engine, batch.images, [batch.size, data.channels, data.height, data.width], 'f32', 'batch images');
    const y = tensor(this.engine, batch.labels, [batch.size], 'i32', 'batch labels');
    const observe = observer?.layer ? observer.layer.bind(observer) : undefined;
    const { logits, features } = this.net.forwardWithFeatures(x, { task: batch.head, s, training: true, step: this.step, fused: this.config.fused, observe });
    const crossEntropy = softmaxCrossEntropy(logits, y);
    const ctx: StepContext = { run: this, task: t, head: batch.head, s, x, labels: y, logits, features, crossEntropy };
    const extra = this.approach.lossTerms?.(ctx) ?? null;
    const loss = extra ? add(crossEntropy, extra) : crossEntropy;
    backward(loss);
    let entries: GradientEntry[] = this.net.namedParameters().filter(([, p]) => p.grad).map(([, p]) => ({ param: p, grad: p.grad! }));
    observer?.gradients?.(entries);
    if (this.approach.transformGradients) entries = this.approach.transformGradients(ctx, entries);
    observer?.applied?.(entries);
    // Recorded before the update, so the logged loss is the loss of the parameters this step started from.
    const logged = wantLoss ? (this.approach.loggedLoss ? this.approach.loggedLoss(ctx, loss) : loss).keep() : null;
    this.optimizer.lr = lr;
    this.optimizer.apply(entries);
    for (const [, p] of this.net.namedParameters()) { p.grad?.dispose(); p.grad = null; }
    this.step++;
    return logged;
  }

  /** Mean cross-entropy and accuracy of head t on `data` at the evaluation gate scale, no dropout. */
  async evaluate(t: number, data: Dataset): Promise<{ loss: number; accuracy: number }> {
    // Sums over the whole set stay on the GPU; two numbers come back at the end.
    const lossSum = fill(this.engine, [1], 0, 'f32');
    const correct = fill(this.engine, [1], 0, 'f32');
    const s = this.gateScale(null);
    noGrad(() => {
      for (const batch of batches(data, 256)) {
        tidy(() => {
          const x = tensor(this.engine, batch.images, [batch.size, data.channels, data.height, data.width], 'f32', 'eval images');
          const y = tensor(this.engine, batch.labels, [batch.size], 'i32', 'eval labels');
          const logits = this.net.forward(x, { task: t, s, training: false, step: 0, fused: this.config.fused });
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
    return { loss: sum! / data.n, accuracy: right! / data.n };
  }

  dispose(): void {
    this.approach.dispose?.();
    this.optimizer.dispose();
    this.net.dispose();
  }
}
