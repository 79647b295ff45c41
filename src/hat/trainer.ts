// Trains a HatNetwork on a sequence of tasks as the reference does (HAT.md): per batch the annealed s,
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
import * as hat from '../kernels/hat.ts';
import { HatNetwork } from './network.ts';

export type Approach = 'hat' | 'sgd';

export interface TrainConfig {
  approach: Approach;
  net: 'mlp' | 'alexnet';
  hidden: number[];
  epochs: number;
  batch: number;
  lr: number;
  lrMin: number;
  lrFactor: number;
  patience: number;
  smax: number;
  c: number;
  clipNorm: number;
  /** Embeddings are clamped to ±this after every step. */
  embeddingClamp: number;
  seed: number;
  fused: boolean;
  /** Read the training loss back every this many steps (for progress; each readback costs ≥ 0.13 ms). */
  logEvery: number;
}

export const DEFAULT_CONFIG: TrainConfig = {
  approach: 'hat', net: 'mlp', hidden: [2000, 2000], epochs: 200, batch: 64, lr: 0.05, lrMin: 1e-4, lrFactor: 3,
  patience: 5, smax: 400, c: 0.75, clipNorm: 10000, embeddingClamp: 6, seed: 0, fused: true, logEvery: 10,
};

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

export interface TrainResult {
  accuracy: number[][];
  maskUsage: number[][];
  epochs: EpochReport[];
  trainSeconds: number;
  samplesPerSecond: number;
  trainedSamples: number;
}


export class Trainer {
  readonly net: HatNetwork;
  private step = 0;
  private readonly rng: Rng;

  constructor(readonly engine: Engine, readonly tasks: Task[], readonly config: TrainConfig) {
    const first = tasks[0]!;
    if (config.approach === 'hat' && config.net === 'alexnet' && (first.inputShape[1] < 32 || first.inputShape[2] < 32)) {
      throw new Error(`--net alexnet needs 32×32 inputs (pad MNIST with padTo 32); task ${first.name} is ${first.inputShape.join('×')}`);
    }
    for (const t of tasks) {
      if (t.inputShape.join() !== first.inputShape.join()) throw new Error(`task ${t.name} has input ${t.inputShape.join('×')}, task ${first.name} ${first.inputShape.join('×')}: one network needs one input shape`);
    }
    this.net = new HatNetwork(engine, {
      kind: config.net, inputShape: first.inputShape, classesPerTask: tasks.map((t) => t.nClasses),
      hidden: config.hidden, gated: config.approach === 'hat', seed: config.seed,
    });
    this.rng = new Rng(deriveSeed(config.seed, 0xbad5eed));
  }

  get isHat(): boolean {
    return this.config.approach === 'hat';
  }

  async run(progress: Progress = {}): Promise<TrainResult> {
    const accuracy: number[][] = [];
    const maskUsage: number[][] = [];
    const epochs: EpochReport[] = [];
    let trainMs = 0, trainedSamples = 0;
    for (let t = 0; t < this.tasks.length; t++) {
      progress.taskStart?.(t, this.tasks[t]!);
      const r = await this.trainTask(t, progress);
      epochs.push(...r.epochs);
      trainMs += r.ms;
      trainedSamples += r.samples;
      if (this.isHat) await this.updateMasks(t);
      const row: number[] = [];
      for (let u = 0; u <= t; u++) row.push((await this.evaluate(u, this.tasks[u]!.test)).accuracy);
      accuracy.push(row);
      maskUsage.push(await this.maskUsage());
      progress.taskEnd?.(t, row, maskUsage[t]!);
    }
    return { accuracy, maskUsage, epochs, trainSeconds: trainMs / 1000, samplesPerSecond: trainedSamples / (trainMs / 1000), trainedSamples };
  }

  /** One task: epochs with the validation-driven lr schedule; the best-validation parameters are restored. */
  async trainTask(t: number, progress: Progress = {}): Promise<{ epochs: EpochReport[]; ms: number; samples: number }> {
    const cfg = this.config;
    const task = this.tasks[t]!;
    const params = this.net.taskParameters(t);
    const regDenominator = this.isHat ? await this.regularizerDenominator() : 1;
    let lr = cfg.lr, patience = cfg.patience, bestLoss = Infinity;
    let best = params.map((p) => copy(p, `best ${p.label}`).keep());
    const reports: EpochReport[] = [];
    let ms = 0, samples = 0;
    try {
      for (let epoch = 0; epoch < cfg.epochs; epoch++) {
        const t0 = performance.now();
        const trainLoss = await this.trainEpoch(t, task.train, lr, regDenominator, (done, total, s, loss) => progress.batch?.(t, epoch, done, total, s, loss));
        const epochMs = performance.now() - t0;
        ms += epochMs;
        samples += task.train.n;
        const valid = await this.evaluate(t, task.valid);
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
        if (lr < cfg.lrMin) break;
      }
      // Restore the parameters of the best validation loss.
      params.forEach((p, i) => this.engine.copy(best[i]!.buffer, p.buffer, p.bytes, `restore ${p.label}`));
      await this.engine.submit();
    } finally {
      for (const b of best) b.dispose();
    }
    return { epochs: reports, ms, samples };
  }

  private async trainEpoch(t: number, data: Dataset, lr: number, regDenominator: number, onBatch: (done: number, total: number, s: number, loss: number | null) => void): Promise<number> {
    const cfg = this.config;
    let lossSum = 0, lossCount = 0, start = 0;
    const epochRng = this.rng.fork();
    for (const batch of batches(data, cfg.batch, epochRng)) {
      const s = hat.annealS(start, data.n, cfg.smax);
      const readLoss = this.step % cfg.logEvery === 0;
      const lossTensor = tidy(() => this.recordTrainStep(t, batch.images, batch.labels, batch.size, data, s, lr, regDenominator, readLoss));
      this.step++;
      start += batch.size;
      if (lossTensor) {
        const loss = await lossTensor.item('train step');
        lossTensor.dispose();
        if (!Number.isFinite(loss)) throw new Error(`the training loss became ${loss} at step ${this.step} (task ${t}, s = ${s.toFixed(3)}); lower --lr`);
        lossSum += loss;
        lossCount++;
        onBatch(start, data.n, s, loss);
      } else {
        await this.engine.submit();
        onBatch(start, data.n, s, null);
      }
    }
    return lossCount ? lossSum / lossCount : NaN;
  }

  /**
   * Records one training step on a batch (call inside tidy(); nothing is submitted or read back); returns
   * the loss (CE + c·R) tensor when asked to, for readback. Public for benchmarks of whole steps.
   */
  recordTrainStep(t: number, images: Float32Array, labels: Int32Array, size: number, data: Dataset, s: number, lr: number, regDenominator: number, wantLoss: boolean): Tensor | null {
    const cfg = this.config;
    const x = tensor(this.engine, images, [size, data.channels, data.height, data.width], 'f32', 'batch images');
    const y = tensor(this.engine, labels, [size], 'i32', 'batch labels');
    const logits = this.net.forward(x, { task: t, s, training: true, step: this.step, fused: cfg.fused });
    const ce = softmaxCrossEntropy(logits, y);
    backward(ce);
    const head = this.net.heads[t]!;
    const shared = this.net.sharedParameters();
    const regular = [...shared, head.weight, head.bias];
    // Embedding gradients: the regulariser's gradient and the compensation (HAT.md, backward step 3).
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
    for (const p of this.net.taskParameters(t)) { p.grad?.dispose(); p.grad = null; }
    if (!wantLoss) return null;
    if (!this.isHat) return ce.keep();
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

  /** a^{≤t} = max(a^{<t}, sigmoid(smax·e_t)) per gated layer (HAT.md: after each task). */
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
    const out: number[] = [];
    for (const layer of this.net.layers) {
      if (!layer.prevMask) { out.push(0); continue; }
      const m = await layer.prevMask.float32();
      out.push(m.reduce((a, v) => a + (v > 0.5 ? 1 : 0), 0) / m.length);
    }
    return out;
  }

  dispose(): void {
    this.net.dispose();
  }
}
