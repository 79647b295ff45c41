// `webgpu-hat bench`: the microbenchmarks of bench/ on this machine's adapter, a summary on stdout.
import { BENCH_SETTINGS, UsageError, isHelpRequested, parseFlags, type HelpRequested } from '../config/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic-file.ts';
import { readFlags } from './flags.ts';

export async function run(args: string[]): Promise<HelpRequested | void> {
  const values = readFlags(Object.values(BENCH_SETTINGS), args);
  if (isHelpRequested(values)) return values;
  const settings = parseFlags('bench', BENCH_SETTINGS, values);
  const { runBenchmarks, summarize, SUITES, reportChartPng, reportChartSvg } = await import('../../bench/index.ts');
  type Suite = (typeof SUITES)[number];
  const suites = settings.suite.includes('all') ? [...SUITES] : settings.suite;
  // The schema names the suites for the usage text; bench/ is what runs them.
  for (const s of suites) if (!(SUITES as readonly string[]).includes(s)) throw new UsageError(`--suite: unknown suite "${s}" (${SUITES.join(' | ')} | all)`);
  const { startEngine } = await import('./engine.ts');
  const engine = await startEngine();
  try {
    process.stderr.write(`adapter: ${engine.describe()}\n`);
    const report = await runBenchmarks(engine, {
      suites: suites as Suite[], peers: settings.peers as ('tfjs' | 'torch')[], quick: settings.quick,
      budgetMs: settings.budgetMs, clock: settings.clock as 'auto' | 'gpu-timestamp' | 'wall', log: (l) => process.stderr.write(l + '\n'),
    });
    process.stdout.write(summarize(report) + '\n');
    if (settings.json) {
      writeJsonAtomic(settings.json, report);
      process.stderr.write(`results written to ${settings.json}\n`);
    }
    if (settings.chart) {
      writeFileAtomic(settings.chart, settings.chart.endsWith('.png') ? reportChartPng(report) : new TextEncoder().encode(reportChartSvg(report)));
      process.stderr.write(`chart written to ${settings.chart}\n`);
    }
  } finally {
    engine.destroy();
  }
}
