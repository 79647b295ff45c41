// `webgpu-hat eval`: the test accuracy of every task a checkpoint has learned, on the task sequence it
// was trained on (rebuilt from the checkpoint's benchmark and seed), and for the HAT family the capacity
// each task uses per layer (src/eval/capacity.ts).
import { DEFAULT_CONFIG, isHelpRequested, parseFlags, UsageError, type HelpRequested, type TrainConfig } from '../config/index.ts';
import { EVAL_SETTINGS } from '../config/commands.ts';
import type { Checkpoint, CheckpointMeta } from '../io/checkpoint.ts';
import type { Task } from '../data/task.ts';
import { positionLabel, type TrainerState } from '../train/state.ts';
import { forgottenTasks } from '../approaches/hat.ts';
import type { CapacityReport } from '../eval/capacity.ts';
import { loadBenchmark } from './benchmarks.ts';
import { readFlags } from './flags.ts';

/** The run's TrainConfig as the checkpoint recorded it; settings added since take their defaults. */
export function checkpointConfig(meta: CheckpointMeta): TrainConfig {
  return { ...structuredClone(DEFAULT_CONFIG), ...(meta.config as Partial<TrainConfig>) };
}

/** The tasks a checkpoint's state has learned (0-based, in order), and which of them were forgotten. */
export function learnedTasks(state: TrainerState): { learned: number[]; forgotten: number[] } {
  return { learned: Array.from({ length: state.task }, (_, t) => t), forgotten: forgottenTasks(state.approach) };
}

/** The checkpoint at DIR|FILE (a directory's newest valid one), or a usage error naming it. */
export async function openCheckpoint(from: string): Promise<{ path: string; checkpoint: Checkpoint<TrainerState> }> {
  const { resolveCheckpoint } = await import('../io/checkpoint-dir.ts');
  return resolveCheckpoint<TrainerState>(from, (e) => process.stderr.write(`skipping ${e.message}\n`));
}

/** The task sequence a checkpoint was trained on, checked against the names it recorded. */
export async function checkpointTasks(meta: CheckpointMeta, config: TrainConfig, fashionDir?: string): Promise<Task[]> {
  const tasks = await loadBenchmark({ benchmark: meta.benchmark, tasks: meta.taskNames.length, fashionDir, config });
  const names = tasks.map((t) => t.name);
  if (names.join('\n') !== meta.taskNames.join('\n')) throw new UsageError(`the checkpoint was trained on tasks ${meta.taskNames.join(', ')}; ${meta.benchmark} now gives ${names.join(', ')}`);
  return tasks;
}

export interface EvalReport {
  checkpoint: string;
  position: string;
  benchmark: string;
  approach: string;
  tasks: { task: number; name: string; accuracy: number | null; forgotten: boolean }[];
  /** HAT family only: per learned (not forgotten) task and layer, the units used, shared and free. */
  capacity: CapacityReport | null;
}

export async function run(args: string[]): Promise<HelpRequested | void> {
  const values = readFlags(Object.values(EVAL_SETTINGS), args);
  if (isHelpRequested(values)) return values;
  const { checkpoint: from, json, fashionDir } = parseFlags('eval', EVAL_SETTINGS, values);
  const { path, checkpoint } = await openCheckpoint(from);
  const config = checkpointConfig(checkpoint.meta);
  const tasks = await checkpointTasks(checkpoint.meta, config, fashionDir);
  const { learned, forgotten } = learnedTasks(checkpoint.state);
  const { createEngine } = await import('../runtime/node.ts');
  const { createTrainer } = await import('../approaches/registry.ts');
  const { networkCapacity, formatCapacity } = await import('../eval/capacity.ts');
  const engine = await createEngine();
  const trainer = createTrainer(engine, tasks, config);
  try {
    trainer.restore(checkpoint);
    const report: EvalReport = { checkpoint: path, position: positionLabel(checkpoint.state), benchmark: checkpoint.meta.benchmark, approach: config.approach, tasks: [], capacity: null };
    for (const t of learned) {
      const gone = forgotten.includes(t);
      report.tasks.push({ task: t, name: tasks[t]!.name, accuracy: gone ? null : (await trainer.evaluate(t, tasks[t]!.test)).accuracy, forgotten: gone });
    }
    const kept = learned.filter((t) => !forgotten.includes(t));
    if (trainer.net.layers.length && trainer.net.layers[0]!.embeddings.length) report.capacity = await networkCapacity(trainer.net, kept, { smax: config.smax, threshold: config.maskThreshold });
    if (json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    process.stdout.write(`${path} (${report.position}): ${config.approach} on ${report.benchmark}\n`);
    if (!learned.length) process.stdout.write('no task learned yet\n');
    for (const r of report.tasks) process.stdout.write(`  ${String(r.task + 1).padStart(2)} ${r.name.padEnd(24)} ${r.forgotten ? 'forgotten' : `${(100 * r.accuracy!).toFixed(2)} %`}\n`);
    if (report.capacity) process.stdout.write(`\n${formatCapacity(report.capacity, (t) => `${t + 1} ${tasks[t]!.name}`)}`);
  } finally {
    trainer.dispose();
    engine.destroy();
  }
}
