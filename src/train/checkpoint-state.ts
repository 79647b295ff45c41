// The trainer's checkpointed state, checked field by field before a resume uses any of it. A checkpoint
// can pass its CRC and still be wrong (written by a buggy or foreign build, or edited by hand): without
// this check a missing `results` is found only after hours of training, and a task index out of range
// trains some tasks and reports success. Pass it to the io readers (decodeCheckpoint, readCheckpoint,
// newestValidCheckpoint, resolveCheckpoint) so an invalid checkpoint is skipped like a damaged file.
import { CheckpointError, describeValue } from '../io/checkpoint.ts';
import type { EpochReport, TaskState, TrainerState } from './state.ts';

export interface RunShape {
  /** Tasks in the run's sequence. */
  tasks: number;
  /** Epochs per task (TrainConfig.epochs). */
  epochs: number;
}

class Fields {
  constructor(private readonly source: string) {}

  fail(field: string, want: string, got: unknown): never {
    return this.failSaying(field, want, describeValue(got));
  }

  failSaying(field: string, want: string, got: string): never {
    throw new CheckpointError(this.source, 'invalid state', `state.${field} should be ${want}, it is ${got}`);
  }

  object(v: unknown, field: string): Record<string, unknown> {
    if (!v || typeof v !== 'object' || Array.isArray(v)) this.fail(field, 'an object', v);
    return v as Record<string, unknown>;
  }

  array(v: unknown, field: string, length?: number): unknown[] {
    if (!Array.isArray(v)) this.fail(field, length === undefined ? 'an array' : `an array of ${length}`, v);
    if (length !== undefined && v.length !== length) this.failSaying(field, `an array of ${length}`, `an array of ${v.length}`);
    return v;
  }

  int(v: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) this.fail(field, max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`, v);
    return v as number;
  }

  /** A finite number ≥ min (and ≤ max). */
  finite(v: unknown, field: string, min = -Infinity, max = Infinity): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      this.fail(field, `a finite number${min > -Infinity ? (max < Infinity ? ` in [${min}, ${max}]` : ` ≥ ${min}`) : ''}`, v);
    }
    return v;
  }

  /** A number, NaN and ±Infinity allowed (an epoch without a loss readback reports NaN). */
  number(v: unknown, field: string): number {
    if (typeof v !== 'number') this.fail(field, 'a number', v);
    return v;
  }

  boolean(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') this.fail(field, 'true or false', v);
    return v;
  }
}

/**
 * `json` as a TrainerState of a run of `run.tasks` tasks and `run.epochs` epochs, or a CheckpointError
 * 'invalid state' naming `source` and the first wrong field.
 */
export function validateTrainerState(json: unknown, run: RunShape, source = 'checkpoint'): TrainerState {
  const f = new Fields(source);
  const s = f.object(json, '');
  const task = f.int(s.task, 'task', 0, run.tasks);
  f.int(s.step, 'step', 0);
  f.int(s.rngDraws, 'rngDraws', 0);
  if (s.inTask !== null) {
    if (task >= run.tasks) f.failSaying('inTask', `null when task is ${task} (every task is done)`, 'an object');
    validateTaskState(f, s.inTask, run, task);
  }
  const r = f.object(s.results, 'results');
  // Rows are the tasks finished so far: `task` of them (the one in progress has none yet).
  const accuracy = f.array(r.accuracy, 'results.accuracy', task);
  accuracy.forEach((row, i) => f.array(row, `results.accuracy[${i}]`, i + 1).forEach((a, j) => f.finite(a, `results.accuracy[${i}][${j}]`, 0, 1)));
  // The task-agnostic matrices are newer than some checkpoints: absent, or one row per finished task,
  // empty for the tasks an older build finished without them.
  for (const key of ['accuracyTaskAgnostic', 'taskInferenceAccuracy'] as const) {
    if (r[key] === undefined) continue;
    f.array(r[key], `results.${key}`, task).forEach((row, i) => {
      const values = f.array(row, `results.${key}[${i}]`);
      if (values.length !== 0) f.array(row, `results.${key}[${i}]`, i + 1);
      values.forEach((a, j) => f.finite(a, `results.${key}[${i}][${j}]`, 0, 1));
    });
  }
  const usage = f.array(r.maskUsage, 'results.maskUsage', task);
  usage.forEach((row, i) => f.array(row, `results.maskUsage[${i}]`).forEach((u, j) => f.finite(u, `results.maskUsage[${i}][${j}]`, 0, 1)));
  f.array(r.epochs, 'results.epochs').forEach((e, i) => validateReport(f, e, `results.epochs[${i}]`, task - 1));
  f.finite(r.trainMs, 'results.trainMs', 0);
  f.int(r.trainedSamples, 'results.trainedSamples', 0);
  return s as unknown as TrainerState;
}

function validateTaskState(f: Fields, v: unknown, run: RunShape, task: number): TaskState {
  const t = f.object(v, 'inTask');
  const epoch = f.int(t.epoch, 'inTask.epoch', 0, run.epochs);
  f.finite(t.lr, 'inTask.lr', Number.MIN_VALUE);
  f.int(t.patience, 'inTask.patience', 0);
  if (t.bestLoss !== null) f.finite(t.bestLoss, 'inTask.bestLoss');
  f.boolean(t.stopped, 'inTask.stopped');
  // One report per epoch run so far.
  f.array(t.reports, 'inTask.reports', epoch).forEach((e, i) => validateReport(f, e, `inTask.reports[${i}]`, task));
  f.finite(t.ms, 'inTask.ms', 0);
  f.int(t.samples, 'inTask.samples', 0);
  return t as unknown as TaskState;
}

function validateReport(f: Fields, v: unknown, field: string, lastTask: number): EpochReport {
  const e = f.object(v, field);
  f.int(e.task, `${field}.task`, 0, Math.max(lastTask, 0));
  // An approach with its own loop (PathNet) plans its own number of epochs: each report says how many.
  const epochs = f.int(e.epochs, `${field}.epochs`, 1);
  f.int(e.epoch, `${field}.epoch`, 0, epochs - 1);
  for (const k of ['trainLoss', 'validLoss', 'validAccuracy', 'lr', 'samplesPerSecond', 's'] as const) f.number(e[k], `${field}.${k}`);
  f.boolean(e.improved, `${field}.improved`);
  return e as unknown as EpochReport;
}
