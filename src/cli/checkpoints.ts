// train's --checkpoint-dir and --resume: the folder checkpoints go to, and the checkpoint a resumed run
// continues from (which must have been written by the same command line).
import { DEFAULT_CONFIG, UsageError, type TrainArgs } from '../config/index.ts';
import type { Task } from '../data/task.ts';
import type { Checkpoint as CheckpointOf } from '../io/checkpoint.ts';
import type { CheckpointDir } from '../io/checkpoint-dir.ts';
import { positionLabel, type TrainerState } from '../train/state.ts';
import { validateTrainerState } from '../train/checkpoint-state.ts';

type Checkpoint = CheckpointOf<TrainerState>;

export interface RunCheckpoints {
  dir: CheckpointDir | null;
  resume: { path: string; checkpoint: Checkpoint } | null;
}

export async function openCheckpoints(a: TrainArgs, tasks: Task[]): Promise<RunCheckpoints> {
  if (!a.checkpointDir) return { dir: null, resume: null };
  const io = await import('../io/checkpoint-dir.ts');
  let resume: RunCheckpoints['resume'] = null;
  if (a.resume) {
    resume = io.newestValidCheckpoint<TrainerState>(
      a.checkpointDir,
      (e) => process.stderr.write(`skipping ${e.message}\n`),
      // A checkpoint whose state does not fit this run is skipped like a damaged one, never half-used.
      (state, source) => validateTrainerState(state, { tasks: tasks.length, epochs: a.config.epochs }, source),
    );
    if (resume) {
      checkSameRun(a, tasks, resume.checkpoint, resume.path);
      process.stderr.write(`resuming from ${resume.path} (${positionLabel(resume.checkpoint.state)})\n`);
    } else {
      process.stderr.write(`no checkpoint in ${a.checkpointDir} yet: starting from the beginning\n`);
    }
  } else if (io.listCheckpoints(a.checkpointDir).length) {
    throw new UsageError(`--checkpoint-dir: ${a.checkpointDir} already holds checkpoints; add --resume to continue that run, or give an empty directory`);
  }
  return { dir: new io.CheckpointDir(a.checkpointDir), resume };
}

/** Checks that a checkpoint was written by this run's command line (same benchmark, tasks and config). */
function checkSameRun(a: TrainArgs, tasks: Task[], c: Checkpoint, path: string): void {
  const diffs: string[] = [];
  if (c.meta.benchmark !== a.benchmark) diffs.push(`benchmark ${c.meta.benchmark} (now ${a.benchmark})`);
  const names = tasks.map((t) => t.name);
  if (c.meta.taskNames.join('\n') !== names.join('\n')) diffs.push(`tasks ${c.meta.taskNames.join(', ')} (now ${names.join(', ')})`);
  const now = a.config as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(c.meta.config), ...Object.keys(now)])) {
    // A setting added after the checkpoint was written is absent from it: the run had its default.
    const then = k in c.meta.config ? c.meta.config[k] : (DEFAULT_CONFIG as unknown as Record<string, unknown>)[k];
    if (JSON.stringify(then) !== JSON.stringify(now[k])) diffs.push(`${k} ${JSON.stringify(c.meta.config[k])} (now ${JSON.stringify(now[k])})`);
  }
  if (diffs.length) throw new UsageError(`--resume: ${path} was written by a different run: ${diffs.join('; ')}. Resume with the flags of the run that wrote it`);
}
