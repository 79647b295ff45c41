// `webgpu-hat sweep --config GRID.json --out DIR [--queue redis://HOST:PORT]`: every approach × grid
// setting × seed of GRID.json, in this process or queued for `webgpu-hat worker`s; each run's results
// in DIR/runs/<id>.json (never run twice), then the report: each approach's setting selected on
// validation, its test accuracy over seeds, every setting's validation score (docs/sweeps.md).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { SWEEP_SETTINGS } from '../config/commands.ts';
import { DEFAULT_CONFIG, UsageError, benchmarkName, isHelpRequested, parseFlags, type HelpRequested } from '../config/index.ts';
import { planFromGrid } from '../sweep/grid.ts';
import { findFinished, type SweepOutcome } from '../sweep/outcome.ts';
import type { PlannedRun } from '../sweep/plan.ts';
import type { SweepProgress } from '../sweep/progress.ts';
import { confineToDataRoot } from '../sweep/data-root.ts';
import { runEmbedded } from '../sweep/embedded.ts';
import { runExecutor } from '../sweep/execute.ts';
import { sweepProgress } from '../sweep/progress.ts';
import { checkRedisUrl, redactUrl } from '../sweep/redis.ts';
import { writeSweepReport } from '../sweep/write-report.ts';
import { readFlags } from './flags.ts';
import { loadBenchmark } from './benchmarks.ts';
import { resultsJson } from './results.ts';

function readGrid(path: string): unknown {
  if (!existsSync(path)) throw new UsageError(`--config: file not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config: ${path}: invalid JSON: ${(e as Error).message}`);
  }
}

/**
 * The runs in this process, one adapter, one after another (`compare` and `sweep` without --queue). With a
 * data root, benchmark files are confined to it as a worker confines them.
 */
export async function runHere(pending: readonly PlannedRun[], dir: string, outcome: SweepOutcome, progress: SweepProgress, dataRoot?: string): Promise<void> {
  if (pending.length === 0) return;
  const { startEngine } = await import('./engine.ts');
  const engine = await startEngine();
  try {
    process.stderr.write(`adapter: ${engine.describe()}\n`);
    const execute = runExecutor({
      engine,
      loadTasks: (spec) => loadBenchmark({ benchmark: spec.benchmark, tasks: spec.tasks, fashionDir: spec.fashionDir, config: spec.config ?? { ...DEFAULT_CONFIG, seed: spec.seed } }),
      resultsJson,
    });
    await runEmbedded(pending, dir, dataRoot === undefined ? execute : (spec) => execute(spec, confineToDataRoot(spec, dataRoot)), outcome, progress);
  } finally {
    engine.destroy();
  }
}

export async function run(args: string[]): Promise<HelpRequested | void> {
  const values = readFlags(Object.values(SWEEP_SETTINGS), args);
  if (isHelpRequested(values)) return values;
  const settings = parseFlags('sweep', SWEEP_SETTINGS, values);
  if (settings.queue) checkRedisUrl(settings.queue);
  if (settings.queue && settings.dataRoot) throw new UsageError('sweep: --data-root applies without --queue only (each worker has its own --data-root)');
  const plan = planFromGrid(readGrid(settings.config), settings.config);
  const dir = settings.out ?? `results/sweep-${benchmarkName(plan.benchmark)}`;
  mkdirSync(dir, { recursive: true });
  const { outcome, pending } = findFinished(plan.runs, dir);
  const total = outcome.results.size + pending.length;
  const started = performance.now();
  process.stderr.write(`sweep on ${plan.benchmark}: ${total} runs (${outcome.results.size} done before) → ${dir}${settings.queue ? `, queued on ${redactUrl(settings.queue)}` : ''}\n`);
  const progress = sweepProgress(total, outcome.results.size);
  try {
    if (settings.queue) {
      const { runOnQueue } = await import('../sweep/producer.ts');
      await runOnQueue(pending, dir, settings.queue, outcome, progress, { retryFailed: settings.retryFailed });
    } else {
      await runHere(pending, dir, outcome, progress, settings.dataRoot);
    }
  } finally {
    progress.end();
  }
  const report = writeSweepReport(dir, plan, outcome);
  process.stdout.write(`${report.markdown}\n${total} runs (${outcome.failures.size} failed) in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote ${report.files.join(', ')} and runs/<id>.json to ${dir}\n`);
  if (outcome.failures.size > 0) process.exitCode = 1;
}
