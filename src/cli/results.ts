// What a run leaves: the accuracy matrices as tables (stdout), the results JSON (README: "Train";
// docs/metrics.md), and the cached single-task references forward transfer is measured against.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../config/index.ts';
import type { Task } from '../data/task.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Progress, TrainResult } from '../train/state.ts';
import { referencesMatch, trainSingleTaskReferences, type SingleTaskReferences } from '../train/references.ts';
import { runMetrics } from '../eval/accuracy-metrics.ts';
import { writeJsonAtomic } from '../io/atomic-file.ts';
import { createApproach } from '../approaches/registry.ts';

/** A matrix of accuracies (%) with task names on both axes; a row shorter than its task (an older checkpoint's) prints blanks. */
export function accuracyTable(tasks: Task[], accuracy: number[][]): string {
  const names = tasks.map((t) => t.name);
  const w = Math.max(8, ...names.map((n) => n.length));
  const lines = [`${'after \\ on'.padEnd(w)}  ${names.map((n) => n.padStart(w)).join('  ')}`];
  accuracy.forEach((row, t) => lines.push(`${names[t]!.padEnd(w)}  ${Array.from({ length: t + 1 }, (_, u) => (row[u] === undefined ? '' : (100 * row[u]!).toFixed(1)).padStart(w)).join('  ')}`));
  return lines.join('\n');
}

/**
 * The metrics of a run in one line each, task-aware then task-agnostic, and how often the task was
 * inferred right after the last task beside chance (stdout after the matrices).
 */
export function metricsSummary(metrics: ReturnType<typeof runMetrics>, taskInference?: readonly (readonly number[])[]): string {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}`);
  const line = (what: string, m: NonNullable<typeof metrics.taskAgnostic>) =>
    `${what}: average accuracy ${pct(m.averageAccuracy.at(-1) ?? null)} %, BWT ${pct(m.bwt)}, forgetting ${pct(m.forgetting)}, FWT ${m.fwt === null ? 'n/a (no single-task references)' : pct(m.fwt)} (points)`;
  const last = taskInference?.at(-1);
  const inferred = last && last.length > 1 ? [`task inferred right after the last task: ${pct(last.reduce((a, b) => a + b, 0) / last.length)} % (chance ${pct(1 / last.length)} %)`] : [];
  return [line('task-aware', metrics.taskAware), metrics.taskAgnostic ? line('task-agnostic', metrics.taskAgnostic) : 'task-agnostic: n/a (not evaluated for every task)', ...inferred].join('\n');
}

/**
 * The results JSON of one run; `config` is the TrainConfig the trainer ran with. `references`: each task's
 * accuracy trained alone (same seed), which forward transfer needs; without them `fwt` is null.
 */
export function resultsJson(benchmark: string, c: TrainConfig, tasks: Task[], result: TrainResult, engine: Engine, references: readonly number[] | null = null) {
  const singleTaskAccuracy = references ? [...references] : null;
  return {
    benchmark, approach: c.approach, seed: c.seed, config: c,
    tasks: tasks.map((t) => ({ name: t.name, classes: t.classes, nTrain: t.train.n, nValid: t.valid.n, nTest: t.test.n })),
    accuracy: result.accuracy,
    accuracyTaskAgnostic: result.accuracyTaskAgnostic,
    taskInferenceAccuracy: result.taskInferenceAccuracy,
    singleTaskAccuracy,
    metrics: runMetrics({ accuracy: result.accuracy, accuracyTaskAgnostic: result.accuracyTaskAgnostic, singleTaskAccuracy }),
    maskUsage: result.maskUsage, epochs: result.epochs,
    trainSeconds: round(result.trainSeconds), samplesPerSecond: Math.round(result.samplesPerSecond),
    adapter: engine.adapter, date: new Date().toISOString(),
  };
}

/** Where a results folder caches one seed's single-task references. */
export function referencesPath(dir: string, seed: number): string {
  return join(dir, 'references', `seed${seed}.json`);
}

/** The single-task references cached at `path` when they were made for these tasks, settings and approach, else null. */
export function readReferences(path: string, tasks: readonly Task[], config: TrainConfig, approach: string): SingleTaskReferences | null {
  if (!existsSync(path)) return null;
  try {
    const cached = JSON.parse(readFileSync(path, 'utf8')) as SingleTaskReferences;
    return referencesMatch(cached, tasks, config, approach) ? cached : null;
  } catch {
    return null; // damaged: trained again
  }
}

/**
 * One seed's single-task references (FWT's), from `references/seed<seed>.json` under `dir` when it was made
 * for the same tasks, settings and approach, else trained now (each task alone) and written there.
 * `config` is the single-task runs' own config for this seed: compare passes plain SGD's,
 * `runArgs(trainFlags, seed, 'sgd').config`, so the reference is the same network with nothing carried over.
 */
export async function cachedSingleTaskReferences(opts: { dir: string; engine: Engine; tasks: Task[]; config: TrainConfig; progress?: (u: number) => Progress }): Promise<SingleTaskReferences> {
  const { config } = opts;
  const path = referencesPath(opts.dir, config.seed);
  const cached = readReferences(path, opts.tasks, config, config.approach);
  if (cached) return cached;
  const made = await trainSingleTaskReferences(opts.engine, opts.tasks, config, () => createApproach(config), opts.progress);
  writeJsonAtomic(path, made);
  return made;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
