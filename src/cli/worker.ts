// `webgpu-hat worker --queue redis://HOST:PORT [--data-root DIR]`: trains the runs that `sweep --queue`
// puts on Redis, one at a time on this machine's adapter, and sends each run's results back through
// the queue (no shared file system). Ctrl-C or SIGTERM: the job in hand is finished, then it stops.
import { WORKER_SETTINGS } from '../config/commands.ts';
import { DEFAULT_CONFIG, isHelpRequested, parseFlags, type HelpRequested } from '../config/index.ts';
import { startConsumer } from '../sweep/consumer.ts';
import { runExecutor } from '../sweep/execute.ts';
import { checkRedisUrl, probeRedis, redactUrl } from '../sweep/redis.ts';
import { loadBenchmark } from './benchmarks.ts';
import { readFlags } from './flags.ts';
import { resultsJson } from './results.ts';

export async function run(args: string[]): Promise<HelpRequested | void> {
  const values = readFlags(Object.values(WORKER_SETTINGS), args);
  if (isHelpRequested(values)) return values;
  const settings = parseFlags('worker', WORKER_SETTINGS, values);
  const url = checkRedisUrl(settings.queue);
  // Before the adapter starts: a Redis that is not there is named at once.
  await probeRedis(url);
  const { createEngine } = await import('../runtime/node.ts');
  const engine = await createEngine();
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  try {
    const consumer = await startConsumer({
      url,
      dataRoot: settings.dataRoot,
      stallSeconds: settings.stallSeconds,
      execute: runExecutor({
        engine,
        loadTasks: (spec) => loadBenchmark({ benchmark: spec.benchmark, tasks: spec.tasks, fashionDir: spec.fashionDir, config: spec.config ?? { ...DEFAULT_CONFIG, seed: spec.seed } }),
        resultsJson,
      }),
      log,
    });
    log(`worker on ${redactUrl(url)}, adapter ${engine.describe()}${settings.dataRoot ? `, data root ${settings.dataRoot}` : ''}`);
    const stop = () => { log('stopping after the job in hand'); void consumer.close(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await consumer.closed;
    log('stopped');
  } finally {
    engine.destroy();
  }
}
