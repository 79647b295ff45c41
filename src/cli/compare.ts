// `webgpu-hat compare`: every approach and seed on one benchmark (plus joint and random, which the
// forgetting ratio needs), resumable (runs whose results exist are skipped), then the forgetting-ratio
// table (Markdown, CSV) and the plots (SVG, and PNG drawn from them) beside the per-run results JSON.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPARE_REFUSED_TRAIN_SETTINGS, COMPARE_SETTINGS, HELP_REQUESTED, UsageError, benchmarkName, isHelpRequested, parseFlag, parseFlags,
  type Approach, type HelpRequested, type TrainArgs,
} from '../config/index.ts';
import { writeJsonAtomic } from '../io/atomic-file.ts';
import { Trainer } from '../train/trainer.ts';
import { createApproach } from '../approaches/registry.ts';
import { randomResults } from '../eval/random.ts';
import { buildReport } from '../report/report.ts';
import { renderSvg } from '../report/png.ts';
import type { RunResult } from '../eval/metrics.ts';
import { loadBenchmark } from './benchmarks.ts';
import { parseTrainArgs, readFlags } from './flags.ts';
import { progressPrinter } from './progress.ts';
import { resultsJson } from './results.ts';

/** --seeds' text as seeds: "0-4", "0,2,5", "0-2,5". */
export function parseSeeds(spec: string): number[] {
  return parseFlag(COMPARE_SETTINGS.seeds, spec);
}

function readRun(path: string): RunResult | null {
  if (!existsSync(path)) return null;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as RunResult;
    return Array.isArray(r.accuracy) && r.accuracy.length === r.tasks?.length ? r : null;
  } catch {
    return null; // a damaged file is run again
  }
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
  mkdirSync(join(dir, 'runs'), { recursive: true });

  const { createEngine } = await import('../runtime/node.ts');
  const engine = await createEngine();
  const started = performance.now();
  const runs: RunResult[] = [];
  let layerNames: string[] = [];
  try {
    process.stderr.write(`adapter: ${engine.describe()}\ncompare on ${base.benchmark}: ${approaches.join(', ')} × seeds ${seeds.join(', ')} → ${dir}\n`);
    const total = approaches.length * seeds.length;
    let done = 0;
    for (const seed of seeds) {
      const a = trainArgs([...rest, '--seed', String(seed)]);
      const tasks = await loadBenchmark(a);
      for (const approach of approaches) {
        done++;
        const path = join(dir, 'runs', `${approach}-seed${seed}.json`);
        const existing = readRun(path);
        if (existing) {
          process.stderr.write(`[${done}/${total}] ${approach} seed ${seed}: done before (${path})\n`);
          runs.push(existing);
          continue;
        }
        const t0 = performance.now();
        process.stderr.write(`[${done}/${total}] ${approach} seed ${seed}\n`);
        let result: RunResult;
        if (approach === 'random') {
          result = randomResults(a.benchmark, tasks, seed);
        } else {
          const run = runArgs(rest, seed, approach as Approach);
          const config = run.config;
          const trainer = new Trainer(engine, tasks, config, createApproach(config, run.approachOptions));
          try {
            if (config.approach === 'hat') layerNames = trainer.net.layers.map((l) => l.name);
            const r = await trainer.run(progressPrinter(tasks, config.epochs));
            result = resultsJson(a.benchmark, config, tasks, r, engine) as unknown as RunResult;
          } finally {
            trainer.dispose();
          }
        }
        writeJsonAtomic(path, result);
        runs.push(result);
        const last = result.accuracy[result.accuracy.length - 1]!;
        process.stderr.write(`[${done}/${total}] ${approach} seed ${seed}: final accuracies ${last.map((x) => (100 * x).toFixed(1)).join(' ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
      }
    }
  } finally {
    engine.destroy();
  }
  let report;
  try {
    report = buildReport(runs, { order: approaches, layerNames });
  } catch (e) {
    // The ratio is undefined where joint training did no better than chance: keep the accuracy tables.
    if (!(e instanceof RangeError)) throw e;
    process.stderr.write(`${e.message}; writing the accuracy tables without the forgetting ratio\n`);
    report = buildReport(runs.filter((r) => r.approach !== 'joint'), { order: approaches, layerNames });
  }
  writeFileSync(join(dir, 'forgetting.md'), report.markdown);
  writeFileSync(join(dir, 'forgetting.csv'), report.csv);
  const written = ['forgetting.md', 'forgetting.csv'];
  const plots: [string, string | null][] = [
    ['forgetting', report.svg.forgetting],
    ...Object.entries(report.svg.accuracy).map(([approach, svg]): [string, string] => [`accuracy-${approach}`, svg]),
    ['mask-usage', report.svg.maskUsage],
  ];
  for (const [name, svg] of plots) {
    if (!svg) continue;
    writeFileSync(join(dir, `${name}.svg`), svg);
    writeFileSync(join(dir, `${name}.png`), renderSvg(svg).png);
    written.push(`${name}.svg`, `${name}.png`);
  }
  process.stdout.write(`${report.markdown}\n`);
  if (report.rhoMissing) process.stdout.write(`(forgetting ratio not computed: ${report.rhoMissing})\n`);
  process.stdout.write(`\n${runs.length} runs in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote ${written.join(', ')} and runs/*.json to ${dir}\n`);
}
