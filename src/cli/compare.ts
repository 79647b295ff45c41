// `webgpu-hat compare`: every approach and seed on one benchmark (plus joint and random, which the
// forgetting ratio needs): a sweep without a grid (src/sweep/), so it is resumable the same way (each
// run's results in runs/<id>.json, id the hash of its configuration; finished runs are skipped), then
// the forgetting-ratio table (Markdown, CSV) and the plots (SVG, and PNG drawn from them).
import { mkdirSync } from 'node:fs';
import {
  COMPARE_REFUSED_TRAIN_SETTINGS, COMPARE_SETTINGS, HELP_REQUESTED, UsageError, benchmarkName, isHelpRequested, parseFlag, parseFlags,
  type Approach, type HelpRequested, type TrainArgs,
} from '../config/index.ts';
import { comparisonReport, layerNamesOf, writeComparisonReport } from '../sweep/forgetting.ts';
import { findFinished } from '../sweep/outcome.ts';
import { plannedRun, type PlannedRun } from '../sweep/plan.ts';
import { sweepProgress } from '../sweep/progress.ts';
import { parseTrainArgs, readFlags } from './flags.ts';
import { runHere } from './sweep.ts';
import { loadBenchmark } from './benchmarks.ts';

/** --seeds' text as seeds: "0-4", "0,2,5", "0-2,5". */
export function parseSeeds(spec: string): number[] {
  return parseFlag(COMPARE_SETTINGS.seeds, spec);
}

/**
 * One run's arguments: train's flags as given, with this seed and approach, so every approach gets its own
 * defaults (the reference's gradient clip per approach: LFL's 200, EWC's 100, …) unless a flag sets them.
 */
export function runArgs(trainFlags: readonly string[], seed: number, approach: Approach): TrainArgs {
  return trainArgs([...trainFlags, '--seed', String(seed), '--approach', approach]);
}

function trainArgs(flags: readonly string[]): TrainArgs {
  const a = parseTrainArgs(flags, { forCompare: true });
  // run() answered --help before passing train's flags on, so none is left here.
  if (isHelpRequested(a)) throw new UsageError('compare: --help takes no other flags');
  return a;
}

/** compare's own flags, and the rest (train's, for every run). */
function splitFlags(args: readonly string[]): { own: string[]; train: string[] } {
  const ownFlags = new Set(Object.values(COMPARE_SETTINGS).map((s) => `--${s.flag}`));
  const own: string[] = [], train: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!.split('=')[0]!;
    if (!ownFlags.has(flag)) { train.push(args[i]!); continue; }
    own.push(args[i]!);
    if (!args[i]!.includes('=') && i + 1 < args.length) own.push(args[++i]!);
  }
  return { own, train };
}

/** compare's runs: seed by seed (one task sequence per seed), every approach with the flags that apply to it. */
function comparePlan(rest: readonly string[], approaches: readonly string[], seeds: readonly number[]): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const seed of seeds) {
    for (const approach of approaches) {
      if (approach === 'random') {
        const a = trainArgs([...rest, '--seed', String(seed)]);
        runs.push(plannedRun({ benchmark: a.benchmark, approach: 'random', config: null, approachOptions: {}, seed, tasks: a.tasks, ...(a.fashionDir ? { fashionDir: a.fashionDir } : {}) }, 'defaults'));
        continue;
      }
      const a = runArgs(rest, seed, approach as Approach);
      runs.push(plannedRun({ benchmark: a.benchmark, approach: a.config.approach, config: a.config, approachOptions: a.approachOptions, seed, tasks: a.tasks, ...(a.fashionDir ? { fashionDir: a.fashionDir } : {}) }, 'defaults'));
    }
  }
  return runs;
}

/**
 * Per seed, the test accuracy of each task trained alone from random initialisation on the plain network
 * (the same settings as the sgd runs): forward transfer's reference. Cached in DIR/references/seed<N>.json
 * and trained again only when the tasks or settings change.
 */
async function singleTaskReferences(dir: string, rest: readonly string[], seeds: readonly number[]): Promise<Map<number, number[]>> {
  const { createEngine } = await import('../runtime/node.ts');
  const { cachedSingleTaskReferences, readReferences, referencesPath } = await import('./results.ts');
  const out = new Map<number, number[]>();
  let engine: Awaited<ReturnType<typeof createEngine>> | null = null;
  try {
    for (const seed of seeds) {
      const a = runArgs(rest, seed, 'sgd');
      const tasks = await loadBenchmark(a);
      const cached = readReferences(referencesPath(dir, seed), tasks, a.config, a.config.approach);
      if (cached) { out.set(seed, [...cached.accuracy]); continue; }
      engine ??= await createEngine();
      process.stderr.write(`single-task references, seed ${seed} (forward transfer)\n`);
      const refs = await cachedSingleTaskReferences({ dir, engine, tasks, config: a.config });
      out.set(seed, [...refs.accuracy]);
    }
  } finally {
    engine?.destroy();
  }
  return out;
}

export async function run(args: string[]): Promise<HelpRequested | void> {
  // Before splitting: --help among train's flags asks for compare's usage too.
  if (args.includes('--help') || args.includes('-h')) return HELP_REQUESTED;
  const { own, train: rest } = splitFlags(args);
  const values = readFlags(Object.values(COMPARE_SETTINGS), own);
  if (isHelpRequested(values)) return values;
  const settings = parseFlags('compare', COMPARE_SETTINGS, values);
  const refused = COMPARE_REFUSED_TRAIN_SETTINGS.map((s) => `--${s.flag}`);
  if (rest.some((a) => refused.includes(a.split('=')[0]!))) {
    throw new UsageError(`compare: use --approaches and --seeds (not ${refused.join(', ')}): compare picks each run's approach, seed and files`);
  }
  const approaches = [...new Set([...settings.approaches, 'joint', 'random'])];
  const seeds = settings.seeds;
  const base = trainArgs(rest);
  const dir = settings.out ?? `results/compare-${benchmarkName(base.benchmark)}`;
  mkdirSync(dir, { recursive: true });
  const plan = comparePlan(rest, approaches, seeds);
  const started = performance.now();
  const { outcome, pending } = findFinished(plan, dir);
  process.stderr.write(`compare on ${base.benchmark}: ${approaches.join(', ')} × seeds ${seeds.join(', ')} → ${dir} (${outcome.results.size} of ${plan.length} runs done before)\n`);
  const progress = sweepProgress(plan.length, outcome.results.size);
  try {
    await runHere(pending, dir, outcome, progress);
  } finally {
    progress.end();
  }
  const runs = plan.flatMap((r) => outcome.results.get(r.id) ?? []);
  // Forward transfer needs each task trained alone from a fresh network, once per seed (cached in DIR).
  const references = await singleTaskReferences(dir, rest, seeds);
  for (const r of runs) if (references.has(r.seed)) r.singleTaskAccuracy ??= references.get(r.seed)!;
  const { report, note } = comparisonReport(runs, approaches, layerNamesOf(runs));
  if (note) process.stderr.write(`${note}\n`);
  const written = writeComparisonReport(dir, report);
  process.stdout.write(`${report.markdown}\n`);
  if (report.rhoMissing) process.stdout.write(`(forgetting ratio not computed: ${report.rhoMissing})\n`);
  for (const [id, error] of outcome.failures) process.stdout.write(`failed: ${plan.find((r) => r.id === id)?.spec.approach} seed ${plan.find((r) => r.id === id)?.spec.seed}: ${error}\n`);
  process.stdout.write(`\n${runs.length} runs in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote ${written.join(', ')} and runs/<id>.json to ${dir}\n`);
  if (outcome.failures.size > 0) process.exitCode = 1;
}
