// Step suite: one whole training step of MLP-HAT (784-2000-2000, a head of 10, batch 64, task t = 1 so the
// masks of task 0 condition the gradients) and of AlexNet-HAT (3×32×32), in samples/s: fused HAT,
// unfused HAT, and the same network without HAT (approach sgd). Peers in the same comparison: tfjs
// WebGPU trains the same MLP without gates on the same adapter (dense+ReLU+dropout, softmax
// cross-entropy, SGD); PyTorch on the CPU runs the same HAT step (gates, conditioning, compensation,
// clipping, SGD) at one thread and at every core.
import type { Engine } from '../src/runtime/engine.ts';
import { tidy } from '../src/tensor.ts';
import { makeDataset, type Dataset } from '../src/data/dataset.ts';
import type { Task } from '../src/data/task.ts';
import { DEFAULT_CONFIG } from '../src/config/index.ts';
import { createTrainer } from '../src/approaches/registry.ts';
import { engineVariant, runCase, type CaseResult, type CaseVariant } from './case.ts';
import type { SamplingOptions } from './lab/options.ts';
import { randomData } from './matmul.ts';

export interface StepCase { name: string; net: 'mlp' | 'alexnet'; hidden: number[]; batch: number }

export function stepCases(quick: boolean): StepCase[] {
  const paper: StepCase = { name: 'mlp 784-2000-2000 batch 64', net: 'mlp', hidden: [2000, 2000], batch: 64 };
  const alexnet: StepCase = { name: 'alexnet 3x32x32 batch 64', net: 'alexnet', hidden: [], batch: 64 };
  return quick ? [{ name: 'mlp 784-400-400 batch 64', net: 'mlp', hidden: [400, 400], batch: 64 }] : [paper, alexnet];
}

function syntheticTask(name: string, c: StepCase): Task {
  const [channels, side] = c.net === 'alexnet' ? [3, 32] : [1, 28];
  const data: Dataset = makeDataset({ images: randomData(c.batch * channels * side * side, 9), labels: Int32Array.from({ length: c.batch }, (_, i) => i % 10), n: c.batch, channels, height: side, width: side, classes: 10 });
  return { name, classes: [...Array(10).keys()], nClasses: 10, inputShape: [channels, side, side], train: data, valid: data, test: data };
}

export const STEP_IMPLS = [
  { impl: 'webgpu-hat', approach: 'hat', fused: true },
  { impl: 'webgpu-hat-unfused', approach: 'hat', fused: false },
  { impl: 'webgpu-hat-plain', approach: 'sgd', fused: true },
] as const;

/** The three trainers (and, with peers, tfjs) in one interleaved comparison, one training step per sample. */
export async function benchStep(engine: Engine, cases: StepCase[], opts: SamplingOptions, log: (s: string) => void, peers: (c: StepCase) => Promise<CaseVariant[]> = async () => []): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const tasks = [syntheticTask('t0', c), syntheticTask('t1', c)];
    const trainers = STEP_IMPLS.map((s) => createTrainer(engine, tasks, { ...DEFAULT_CONFIG, approach: s.approach, net: c.net, fused: s.fused, hidden: c.hidden, batch: c.batch }));
    const others: CaseVariant[] = [];
    try {
      for (const trainer of trainers) {
        await trainer.finishTask(0); // task 1 trains under task 0's masks (HAT)
        await trainer.approach.prepareTask?.(trainer, 1);
      }
      const data = tasks[1]!.train;
      let round = 0;
      const variants = STEP_IMPLS.map((impl, k) => engineVariant(engine, impl.impl, {
        name: impl.impl,
        record: () => {
          const at = { start: (round++ % 1000) * c.batch, total: 1000 * c.batch };
          tidy(() => trainers[k]!.recordTrainStep(1, { images: data.images, labels: data.labels, size: c.batch, head: 1, data }, at, 0.05, false));
        },
      }, c.batch));
      others.push(...(await peers(c)));
      // A whole step is long enough to time alone; several in one sample would hold each one's buffers.
      const result = await runCase(engine, 'step', c.name, [...variants, ...others], { ...opts, units: 1 });
      // What one step asks of the device, counted on the engine: passes (dispatches), submits, readbacks,
      // and the most buffer memory live at once.
      for (const [k, impl] of STEP_IMPLS.entries()) {
        const row = result.rows.find((r) => r.impl === impl.impl);
        if (!row) continue;
        await engine.submit();
        const before = engine.stats();
        engine.pool.resetPeak();
        tidy(() => trainers[k]!.recordTrainStep(1, { images: data.images, labels: data.labels, size: c.batch, head: 1, data }, { start: 0, total: 1000 * c.batch }, 0.05, false));
        await engine.submit();
        const after = engine.stats();
        row.perStep = { dispatches: after.dispatches - before.dispatches, submits: after.submits - before.submits, readbacks: after.readbacks - before.readbacks, peakBytes: after.peakLiveBytes };
        log(`  ${c.name} ${impl.impl}: ${row.perStep.dispatches} dispatches, ${row.perStep.submits} submit, ${row.perStep.readbacks} readbacks per step; ${(row.perStep.peakBytes / 2 ** 20).toFixed(1)} MiB of buffers live at most`);
      }
      for (const r of result.rows) log(`  ${c.name} ${r.impl}: ${r.medianMs.toPrecision(4)} ms/step (${r.clock}), ${r.samplesPerSecond} samples/s`);
      results.push(result);
    } finally {
      for (const t of trainers) t.dispose();
      for (const o of others) o.dispose?.();
    }
  }
  return results;
}
