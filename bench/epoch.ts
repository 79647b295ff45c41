// Epoch suite: where a whole epoch's time goes, beyond its training steps. A step bench puts a fused
// HAT step close to the plain one, while a whole run trains fewer samples/s with HAT than with SGD: the
// rest is validation and test passes, the copies of the best parameters, the parameter check, the loss
// readbacks, the mask update and (since it exists) the task-agnostic evaluation. Each phase is timed on
// the wall clock around the trainer's own call, on real split-MNIST tasks, for HAT and for SGD on the
// same network.
import type { Engine } from '../src/runtime/engine.ts';
import { DEFAULT_CONFIG } from '../src/config/index.ts';
import { createTrainer } from '../src/approaches/registry.ts';
import { ParameterSnapshot } from '../src/train/best-parameters.ts';
import { gradNorm } from '../src/kernels/optim.ts';
import { evaluateTaskAgnostic } from '../src/train/task-inference.ts';
import type { Task } from '../src/data/task.ts';

export interface EpochPhase {
  phase: string;
  ms: number;
  /** Share of the epoch's wall time. */
  share: number;
}

export interface EpochBreakdown {
  case: string;
  approach: string;
  samples: number;
  totalMs: number;
  /** Training samples per second counting only the steps, and counting the whole epoch. */
  stepSamplesPerSecond: number;
  epochSamplesPerSecond: number;
  phases: EpochPhase[];
  /** Readbacks and submits over the whole epoch (engine counters). */
  readbacks: number;
  submits: number;
}

async function timed<T>(engine: Engine, fn: () => Promise<T> | T): Promise<[T, number]> {
  await engine.sync('epoch phase');
  const t0 = performance.now();
  const r = await fn();
  await engine.sync('epoch phase');
  return [r, performance.now() - t0];
}

/**
 * One epoch of the second task of split-MNIST (so masks and the regulariser are those of a later task),
 * its validation, parameter check, best-parameter copy, end-of-task work and the test evaluation of both
 * tasks, task-aware and task-agnostic.
 */
export async function benchEpoch(engine: Engine, tasks: Task[], hidden: number[], log: (s: string) => void): Promise<EpochBreakdown[]> {
  const out: EpochBreakdown[] = [];
  const name = `split-mnist task 2, mlp 784-${hidden.join('-')} batch 64`;
  for (const approach of ['hat', 'sgd'] as const) {
    const trainer = createTrainer(engine, tasks.slice(0, 2), { ...DEFAULT_CONFIG, approach, hidden, batch: 64, epochs: 1 });
    try {
      await trainer.trainTask(0);
      await trainer.finishTask(0);
      await trainer.prepareTask(1);
      const start = engine.stats();
      const t = 1, task = tasks[t]!;
      const params = trainer.net.taskParameters(t);
      const phases: [string, number][] = [];
      const [, steps] = await timed(engine, () => trainer.trainEpoch(t, 0.05, 0));
      phases.push([`training steps (loss read back every ${trainer.config.logEvery})`, steps]);
      phases.push(['parameter check (norm, one readback)', (await timed(engine, async () => { const n = gradNorm(engine, params); await n.item(); n.dispose(); }))[1]]);
      phases.push(['validation pass (and the approach\'s penalty)', (await timed(engine, () => trainer.validate(t)))[1]]);
      phases.push(['copy of the best parameters', (await timed(engine, () => new ParameterSnapshot(engine, params).dispose()))[1]]);
      phases.push(['end of task (HAT: mask update)', (await timed(engine, () => trainer.finishTask(t)))[1]]);
      phases.push(['test evaluation, told the task (2 tasks)', (await timed(engine, async () => { for (let u = 0; u <= t; u++) await trainer.evaluate(u, tasks[u]!.test); }))[1]]);
      phases.push(['test evaluation, not told the task (2 tasks)', (await timed(engine, async () => { for (let u = 0; u <= t; u++) await evaluateTaskAgnostic(trainer.net, u, tasks[u]!.test, { tasks: t + 1, s: trainer.approach.gateScale?.(null) ?? 1, fused: trainer.config.fused }); }))[1]]);
      const end = engine.stats();
      const totalMs = phases.reduce((a, [, ms]) => a + ms, 0);
      const b: EpochBreakdown = {
        case: name, approach, samples: task.train.n, totalMs,
        stepSamplesPerSecond: Math.round(task.train.n / (steps / 1000)), epochSamplesPerSecond: Math.round(task.train.n / (totalMs / 1000)),
        phases: phases.map(([phase, ms]) => ({ phase, ms: Math.round(ms * 10) / 10, share: Math.round((ms / totalMs) * 1000) / 1000 })),
        readbacks: end.readbacks - start.readbacks, submits: end.submits - start.submits,
      };
      for (const p of b.phases) log(`  ${approach} ${p.phase}: ${p.ms.toFixed(1)} ms (${(p.share * 100).toFixed(1)} %)`);
      log(`  ${approach}: ${b.stepSamplesPerSecond} samples/s in the steps, ${b.epochSamplesPerSecond} over the whole epoch; ${b.readbacks} readbacks, ${b.submits} submits`);
      out.push(b);
    } finally {
      trainer.dispose();
    }
  }
  return out;
}

/** Buffers live and their peak over a long run of steps: flat after warm-up means nothing leaks. */
export interface MemorySoak {
  case: string;
  steps: number;
  /** At each checkpoint step: live buffer bytes, the peak since the last checkpoint, live tensors. */
  samples: { step: number; liveBytes: number; peakBytes: number; liveTensors: number; allocations: number }[];
  flat: boolean;
}

/**
 * `steps` training steps of MLP-HAT (task 2 under task 1's masks), the loss read back every 10th as in
 * training: buffer bytes live, their peak and live tensors at a few points. After warm-up nothing may grow.
 */
export async function memorySoak(engine: Engine, tasks: Task[], hidden: number[], steps: number, log: (s: string) => void): Promise<MemorySoak> {
  const { liveTensorCount, tidy } = await import('../src/tensor.ts');
  const trainer = createTrainer(engine, tasks.slice(0, 2), { ...DEFAULT_CONFIG, hidden, batch: 64, epochs: 1 });
  const name = `mlp-hat 784-${hidden.join('-')} batch 64, ${steps} steps`;
  try {
    await trainer.finishTask(0);
    await trainer.prepareTask(1);
    const data = tasks[1]!.train;
    const B = 64, n = Math.floor(data.n / B);
    const at = new Set([Math.min(100, steps), Math.round(steps / 2), steps]);
    const samples: MemorySoak['samples'] = [];
    engine.pool.resetPeak();
    for (let step = 1; step <= steps; step++) {
      const i = (step - 1) % n;
      const batch = { images: data.images.subarray(i * B * 784, (i + 1) * B * 784), labels: data.labels.subarray(i * B, (i + 1) * B), size: B, head: 1, data };
      const loss = tidy(() => trainer.recordTrainStep(1, batch, { start: i * B, total: n * B }, 0.05, step % 10 === 0));
      if (loss) { await loss.item(); loss.dispose(); } else await engine.submit();
      if (at.has(step)) {
        const s = engine.stats();
        samples.push({ step, liveBytes: s.liveBytes, peakBytes: s.peakLiveBytes, liveTensors: liveTensorCount(), allocations: s.allocations });
        log(`  ${name}: after ${step} steps ${(s.liveBytes / 2 ** 20).toFixed(1)} MiB live, peak ${(s.peakLiveBytes / 2 ** 20).toFixed(1)} MiB, ${liveTensorCount()} tensors, ${s.allocations} buffers ever allocated`);
        engine.pool.resetPeak();
      }
    }
    const [first, ...rest] = samples;
    const flat = rest.every((s) => s.liveBytes === first!.liveBytes && s.peakBytes <= first!.peakBytes && s.liveTensors === first!.liveTensors && s.allocations === first!.allocations);
    return { case: name, steps, samples, flat };
  } finally {
    trainer.dispose();
  }
}
