// `webgpu-hat compare`: every approach and seed on one benchmark (plus joint and random, which the
// forgetting ratio needs), resumable (runs whose results exist are skipped), then the forgetting-ratio
// table (Markdown, CSV) and the plots (SVG, and PNG drawn from them) beside the per-run results JSON.
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/usage-error.ts';
import { writeJsonAtomic } from '../io/atomic-file.ts';
import { APPROACHES, type Approach } from '../config/train-config.ts';
import { Trainer } from '../train/trainer.ts';
import { createApproach } from '../approaches/registry.ts';
import { randomResults } from '../eval/random.ts';
import { buildReport } from '../report/report.ts';
import { renderSvg } from '../report/png.ts';
import type { RunResult } from '../eval/metrics.ts';
import { loadBenchmark, parseTrainArgs, progressPrinter, resultsJson, type TrainArgs } from './train.ts';

export const COMPARE_USAGE = `webgpu-hat compare [flags] [train flags]
  --approaches A,B,...   approaches to compare (default: hat,sgd,sgd-frozen,ewc,imm-mean,imm-mode,lwf,lfl,
                         pathnet,progressive);
                         joint and random are always added (the forgetting ratio needs them)
  --seeds 0-4 | 0,2,5    seeds (default 0-2)
  --out DIR              results folder (default results/compare-<benchmark>); finished runs are skipped
  plus train's flags for every run: --benchmark --net --hidden --epochs --batch --lr …
`;

const DEFAULT_APPROACHES: Approach[] = ['hat', 'sgd', 'sgd-frozen', 'ewc', 'imm-mean', 'imm-mode', 'lwf', 'lfl', 'pathnet', 'progressive'];

export function parseSeeds(spec: string): number[] {
  const seeds = new Set<number>();
  for (const part of spec.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError(`--seeds: expected a list or ranges like 0-4 or 0,2,5, got "${spec}"`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (b < a) throw new UsageError(`--seeds: range ${part} runs backwards`);
    for (let s = a; s <= b; s++) seeds.add(s);
  }
  return [...seeds];
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
  return parseTrainArgs([...trainFlags, '--seed', String(seed), '--approach', approach], { forCompare: true });
}

export async function compareCommand(args: string[]): Promise<void> {
  // Our flags first; everything else is train's.
  const own = new Set(['--approaches', '--seeds', '--out']);
  const ours: string[] = [], rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!.split('=')[0]!;
    if (flag === '--help') { process.stdout.write(COMPARE_USAGE); return; }
    if (own.has(flag)) { ours.push(args[i]!); if (!args[i]!.includes('=')) ours.push(args[++i] ?? ''); } else rest.push(args[i]!);
  }
  let values;
  try {
    ({ values } = parseArgs({ args: ours, strict: true, options: { approaches: { type: 'string' }, seeds: { type: 'string' }, out: { type: 'string' } } }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (rest.some((a) => a === '--approach' || a.startsWith('--approach=') || a === '--seed' || a.startsWith('--seed=') || a === '--checkpoint-dir')) {
    throw new UsageError('compare: use --approaches and --seeds (not --approach, --seed or --checkpoint-dir)');
  }
  const wanted = values.approaches ? values.approaches.split(',').map((a) => a.trim()) : DEFAULT_APPROACHES;
  for (const a of wanted) if (a !== 'random' && !(APPROACHES as readonly string[]).includes(a)) throw new UsageError(`--approaches: unknown approach "${a}" (${APPROACHES.join(', ')}, random)`);
  const approaches = [...new Set([...wanted, 'joint', 'random'])];
  const seeds = parseSeeds(values.seeds ?? '0-2');
  const base = parseTrainArgs(rest, { forCompare: true });
  const name = base.benchmark.replace(/^.*\//, '').replace(/\.json$/, '');
  const dir = values.out ?? `results/compare-${name}`;
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
      const a = parseTrainArgs([...rest, '--seed', String(seed)], { forCompare: true });
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
          const trainer = new Trainer(engine, tasks, config, createApproach(config, { lambda: run.lambda, ...(config.approach === 'pathnet' ? run.pathnet : {}) }));
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
