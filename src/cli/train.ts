// `webgpu-hat train`: builds the task sequence, trains, shows progress on stderr, prints the accuracy
// matrix and writes the results JSON.
import { isHelpRequested, type HelpRequested, type TrainArgs } from '../config/index.ts';
import { writeJsonAtomic } from '../io/atomic-file.ts';
import { assertWritableOutput } from '../io/output-path.ts';
import { lockOutputFile, lockRunFolder } from '../io/run-lock.ts';
import { Trainer } from '../train/trainer.ts';
import { NonFiniteLossError } from '../train/errors.ts';
import { positionLabel, type TrainResult, type TrainerSnapshot } from '../train/state.ts';
import { createApproach } from '../approaches/registry.ts';
import { loadBenchmark } from './benchmarks.ts';
import { readKernelFiles, startEngine } from './engine.ts';
import { networkCapacity } from '../eval/capacity.ts';
import { openCheckpoints } from './checkpoints.ts';
import { parseTrainArgs } from './flags.ts';
import { progressPrinter } from './progress.ts';
import { accuracyTable, metricsSummary, resultsJson } from './results.ts';

export async function run(args: string[]): Promise<HelpRequested | void> {
  const a = parseTrainArgs(args);
  if (isHelpRequested(a)) return a;
  // Before anything is trained: the results file can be written, and no other run writes it or the
  // checkpoint folder (the folder's lock comes before CheckpointDir, which tidies its temporary files).
  assertWritableOutput(a.out);
  const purpose = `train ${args.join(' ')}`;
  const outLock = lockOutputFile(a.out, purpose);
  let dirLock: { release(): void } | null = null;
  try {
    dirLock = a.checkpointDir ? lockRunFolder(a.checkpointDir, purpose) : null;
    await train(a);
  } finally {
    dirLock?.release();
    outLock.release();
  }
}

async function train(a: TrainArgs): Promise<void> {
  const kernels = readKernelFiles(a.kernel);
  const tasks = await loadBenchmark(a);
  const { dir, resume } = await openCheckpoints(a, tasks);
  let lastGood: string | null = resume?.path ?? null;
  const engine = await startEngine({ kernels });
  let trainer: Trainer | null = null;
  try {
    process.stderr.write(`adapter: ${engine.describe()}\n`);
    const c = a.config;
    trainer = new Trainer(engine, tasks, c, createApproach(c, a.approachOptions));
    process.stderr.write(`${a.benchmark}, ${c.approach}${c.approach === 'hat' ? (c.fused ? ' (fused kernels)' : ' (unfused kernels)') : ''}, ${c.net} ${c.net === 'mlp' ? c.hidden.join('-') : ''} (${trainer.net.parameterCount().toLocaleString('en')} parameters), ${c.epochs} epochs/task, batch ${c.batch}, lr ${c.lr}, seed ${c.seed}\n`);
    const checkpoint = dir ? (snap: TrainerSnapshot) => {
      lastGood = dir.write({ ...snap, meta: { benchmark: a.benchmark, config: { ...c }, taskNames: tasks.map((t) => t.name), label: positionLabel(snap.state), seq: 0, createdAt: new Date().toISOString() } });
    } : undefined;
    let result: TrainResult;
    try {
      result = await trainer.run(progressPrinter(tasks, c.epochs), { checkpoint, resume: resume?.checkpoint });
    } catch (e) {
      if (e instanceof NonFiniteLossError) {
        e.message += lastGood ? `. The last good checkpoint, ${lastGood}, is intact (nothing non-finite is ever written)` : ' (no checkpoint was written: add --checkpoint-dir DIR to keep the last good state)';
      }
      throw e;
    }
    // Per task and layer, the units each task uses, shares and leaves free (networks with task gates).
    const capacity = trainer.net.layers.some((l) => l.embeddings.length > 0)
      ? await networkCapacity(trainer.net, tasks.map((_, t) => t), { smax: c.smax, threshold: c.maskThreshold })
      : null;
    const json = {
      ...resultsJson(a.benchmark, c, tasks, result, engine),
      capacity,
      ...(resume ? { resumedFrom: { checkpoint: resume.path, position: positionLabel(resume.checkpoint.state) } } : {}),
    };
    let writeError: Error | null = null;
    try {
      writeJsonAtomic(a.out, json);
    } catch (e) {
      // The tables below still reach the user; the error follows them.
      writeError = e as Error;
    }
    process.stdout.write(`\nTest accuracy (%) on each task (columns) after training through each task (rows), told the task:\n${accuracyTable(tasks, result.accuracy)}\n`);
    process.stdout.write(`\nThe same without being told the task (${trainer.net.taskConditioned ? 'the task inferred from each task\'s forward' : 'the argmax over every head learned'}):\n${accuracyTable(tasks, result.accuracyTaskAgnostic)}\n`);
    process.stdout.write(`\n${metricsSummary(json.metrics, result.taskInferenceAccuracy)}\n`);
    if (process.env.WEBGPU_HAT_STATS) process.stderr.write(`engine: ${JSON.stringify(engine.stats())}\n`);
    if (writeError) throw new Error(`the results could not be written to ${a.out}: ${writeError.message} (the tables above are the run's)`);
    process.stdout.write(`\ntrained ${result.trainedSamples} samples in ${result.trainSeconds.toFixed(1)} s (${Math.round(result.samplesPerSecond)} samples/s); results: ${a.out}\n`);
  } finally {
    trainer?.dispose();
    engine.destroy();
  }
}
