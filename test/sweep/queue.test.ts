// Distributed sweeps on a real Redis (each test starts its own redis-server on a free loopback port and
// stops it; without redis-server installed each test reports SKIPPED): two workers give the embedded
// run's results run for run; a worker killed mid-run and a producer killed and restarted lose and repeat
// nothing; a bad job fails once by name and the worker goes on; a Redis that is not there is named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { RunResult } from '../../src/eval/metrics.ts';
import { planFromGrid } from '../../src/sweep/grid.ts';
import { findFinished } from '../../src/sweep/outcome.ts';
import { runOnQueue } from '../../src/sweep/producer.ts';
import { sweepProgress } from '../../src/sweep/progress.ts';
import { QUEUE_NAME, jobOptions } from '../../src/sweep/queue.ts';
import { readRun, writeRun } from '../../src/sweep/results-dir.ts';
import { RedisUnavailableError, bullConnection } from '../../src/sweep/redis.ts';
import { skip } from '../helpers.ts';
import { freePort, kill, redisInstalled, startCli, startRedis, tempDir, waitFor, writeTinySequence, type Cli, type RedisServer } from './_fixtures.ts';

const HAVE_REDIS = redisInstalled();
const TINY = { hidden: [8, 8], epochs: 2, batch: 16 };

/** A data root with the tiny sequence and a GRID.json naming it relative to the root. */
function sweepFiles(gridExtra: object = {}): { root: string; gridPath: string } {
  const root = tempDir('sweep');
  writeTinySequence(root);
  const gridPath = join(root, 'grid.json');
  writeFileSync(gridPath, JSON.stringify({ benchmark: 'seq.json', approaches: ['hat', 'ewc'], grid: { smax: [50, 400], lambda: [1, 100] }, seeds: [0, 1], train: TINY, ...gridExtra }));
  return { root, gridPath };
}

function readRuns(dir: string): Map<string, RunResult> {
  const files = readdirSync(join(dir, 'runs')).filter((f) => f.endsWith('.json'));
  return new Map(files.map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, 'runs', f), 'utf8')) as RunResult]));
}

/** A run's numbers: what must not depend on where it ran. */
function numbers(r: RunResult) {
  return { approach: r.approach, seed: r.seed, accuracy: r.accuracy, valid: (r.epochs as { validAccuracy: number }[]).map((e) => e.validAccuracy), config: r.config };
}

const quiet = () => sweepProgress(0, 0, { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream);

/** Runs `body` with its own Redis and workers, and stops them all whatever happens. */
async function withRedis(context: { __test__?: string }, body: (redis: RedisServer, spawned: Cli[]) => Promise<void>, password?: string, tls = false): Promise<void> {
  if (!HAVE_REDIS) return skip(context, 'redis-server is not installed (apt-get install redis-server)');
  const redis = await startRedis(password, tls);
  if (!redis) return skip(context, 'no TLS here (openssl missing, or redis-server built without TLS)');
  const spawned: Cli[] = [];
  try {
    await body(redis, spawned);
  } finally {
    await Promise.all(spawned.map((c) => kill(c)));
    await redis.stop();
  }
}

function worker(redis: RedisServer, root: string, spawned: Cli[], extra: string[] = []): Cli {
  const cli = startCli(['worker', '--queue', redis.url, '--data-root', root, ...extra]);
  spawned.push(cli);
  return cli;
}

test('a Redis that is not there: a named error, with the URL and without the password, within seconds', async (context) => {
  const port = await freePort();
  const t0 = Date.now();
  const plan = planFromGrid({ approaches: ['hat'], seeds: [0], train: TINY });
  try {
    await runOnQueue(plan.runs, tempDir('sweep-noredis'), `redis://:hunter2@127.0.0.1:${port}`, { results: new Map(), failures: new Map() }, quiet());
    assert.unreachable('no Redis, no error');
  } catch (e) {
    assert.ok(e instanceof RedisUnavailableError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, `127.0.0.1:${port}`);
    assert.not.match((e as Error).message, 'hunter2');
  }
  assert.ok(Date.now() - t0 < 6000, `named in ${Date.now() - t0} ms`);
  if (!HAVE_REDIS) return;
  // The worker too, before it starts its adapter.
  const cli = startCli(['worker', '--queue', `redis://127.0.0.1:${port}`]);
  assert.is(await cli.exited, 1);
  assert.match(cli.output(), new RegExp(`RedisUnavailableError: cannot reach Redis at redis://127.0.0.1:${port}`));
  void context;
});

test('Redis gone while the producer waits: named within seconds, and what DIR held stays', async (context) => {
  await withRedis(context, async (redis) => {
    const plan = planFromGrid({ approaches: ['hat'], seeds: [0, 1], train: TINY });
    const dir = tempDir('sweep-lost');
    const kept = { benchmark: 'split-mnist', approach: 'hat', seed: 0, tasks: [], accuracy: [], maskUsage: [] };
    writeRun(dir, plan.runs[0]!.id, kept);
    const { outcome, pending } = findFinished(plan.runs, dir);
    assert.is(pending.length, 1);
    const producing = runOnQueue(pending, dir, redis.url, outcome, quiet(), { pollMs: 100 });
    const failure = producing.then(() => null, (e: Error) => e);
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = Date.now();
    await redis.stop();
    const e = await failure;
    assert.ok(e instanceof RedisUnavailableError, `${e?.name}: ${e?.message}`);
    assert.match(e.message, `lost Redis at ${redis.url}`);
    assert.ok(Date.now() - t0 < 12_000, `named in ${Date.now() - t0} ms`);
    assert.equal(readRun(dir, plan.runs[0]!.id), kept);
  });
});

test('a small grid over 2 workers equals the embedded run, result for result', async (context) => {
  await withRedis(context, async (redis, spawned) => {
    const { root, gridPath } = sweepFiles();
    const here = join(root, 'here'), there = join(root, 'there');
    worker(redis, root, spawned);
    worker(redis, root, spawned);
    const embedded = startCli(['sweep', '--config', gridPath, '--out', here], root);
    const distributed = startCli(['sweep', '--config', gridPath, '--out', there, '--queue', redis.url], root);
    spawned.push(embedded, distributed);
    assert.is(await embedded.exited, 0, embedded.output());
    assert.is(await distributed.exited, 0, distributed.output());
    const a = readRuns(here), b = readRuns(there);
    assert.is(a.size, 8);
    assert.equal([...b.keys()].sort(), [...a.keys()].sort());
    for (const [id, run] of a) assert.equal(numbers(b.get(id)!), numbers(run), `run ${id}`);
    for (const file of ['sweep.md', 'sweep.csv', 'validation.svg', 'forgetting.md']) assert.ok(readdirSync(here).includes(file), `embedded wrote ${file}`);
    assert.is(readFileSync(join(there, 'sweep.csv'), 'utf8'), readFileSync(join(here, 'sweep.csv'), 'utf8'), 'the same selection');
    assert.match(readFileSync(join(there, 'sweep.md'), 'utf8'), '## Selected settings');
  });
});

test('a worker killed with SIGKILL mid-run: the sweep completes, every run in DIR exactly once', async (context) => {
  await withRedis(context, async (redis, spawned) => {
    const { root, gridPath } = sweepFiles({ train: { ...TINY, epochs: 6, batch: 8 } });
    const plan = planFromGrid(JSON.parse(readFileSync(gridPath, 'utf8')), gridPath);
    const dir = join(root, 'out');
    const outcome = { results: new Map<string, RunResult>(), failures: new Map<string, string>() };
    const producing = runOnQueue(plan.runs, dir, redis.url, outcome, quiet(), { pollMs: 100 });
    const doomed = worker(redis, root, spawned, ['--stall-seconds', '2']);
    const queue = new Queue(QUEUE_NAME, { connection: bullConnection(redis.url) });
    let killedJob = '';
    try {
      await waitFor('a job in progress', async () => {
        const active = await queue.getActive();
        killedJob = active[0]?.id ?? '';
        return killedJob !== '';
      }, 60_000, 20);
      await kill(doomed);
      worker(redis, root, spawned, ['--stall-seconds', '2']);
      await producing;
      const job = await queue.getJob(killedJob);
      assert.is(await job!.getState(), 'completed', 'the stalled job was run again');
    } finally {
      await queue.close();
    }
    assert.is(outcome.failures.size, 0, [...outcome.failures.values()].join('; '));
    const runs = readRuns(dir);
    assert.equal([...runs.keys()].sort(), plan.runs.map((r) => r.id).sort());
    assert.is(readdirSync(join(dir, 'runs')).length, plan.runs.length, 'one file per run, nothing else');
  });
});

test('the producer killed and restarted: nothing that had finished runs twice', async (context) => {
  await withRedis(context, async (redis, spawned) => {
    const { root, gridPath } = sweepFiles({ train: { ...TINY, epochs: 3, batch: 8 } });
    const plan = planFromGrid(JSON.parse(readFileSync(gridPath, 'utf8')), gridPath);
    const dir = join(root, 'out');
    const w = worker(redis, root, spawned);
    const first = startCli(['sweep', '--config', gridPath, '--out', dir, '--queue', redis.url], root);
    spawned.push(first);
    await waitFor('a first result in DIR', () => { try { return readdirSync(join(dir, 'runs')).length > 0; } catch { return false; } }, 90_000);
    await kill(first);
    const before = readRuns(dir).size;
    const { outcome, pending } = findFinished(plan.runs, dir);
    assert.is(outcome.results.size, before);
    await runOnQueue(pending, dir, redis.url, outcome, quiet(), { pollMs: 100 });
    assert.is(outcome.failures.size, 0);
    assert.equal([...readRuns(dir).keys()].sort(), plan.runs.map((r) => r.id).sort());
    // The worker's log names each job as it starts: each exactly once.
    for (const r of plan.runs) {
      const starts = w.output().split('\n').filter((l) => l.includes(`job ${r.id.slice(0, 12)}: `) && l.includes('(try')).length;
      assert.is(starts, 1, `run ${r.id} started ${starts} times`);
    }
  });
});

test('a job naming a file outside the data root, or an unknown setting, fails once by name; the worker goes on (password-protected Redis)', async (context) => {
  await withRedis(context, async (redis, spawned) => {
    const { root } = sweepFiles();
    const outside = tempDir('sweep-outside');
    writeTinySequence(outside);
    const good = planFromGrid({ benchmark: 'seq.json', approaches: ['hat'], seeds: [0], train: TINY }).runs[0]!;
    const jobs = {
      outside: { ...good.spec, benchmark: join(outside, 'seq.json') },
      unknown: { ...good.spec, config: { ...good.spec.config, bogus: 1 } },
      good: good.spec,
    };
    const queue = new Queue(QUEUE_NAME, { connection: bullConnection(redis.url) });
    try {
      for (const [name, data] of Object.entries(jobs)) await queue.add('run', data, jobOptions(name));
      worker(redis, root, spawned);
      const state = async (id: string) => (await queue.getJob(id))!.getState();
      await waitFor('all three jobs done', async () => (await Promise.all(Object.keys(jobs).map(state))).every((s) => s === 'completed' || s === 'failed'), 90_000, 100);
      const outsideJob = (await queue.getJob('outside'))!, unknownJob = (await queue.getJob('unknown'))!, goodJob = (await queue.getJob('good'))!;
      assert.is(await outsideJob.getState(), 'failed');
      assert.match(outsideJob.failedReason, /DataRootError: benchmark file .*seq\.json: outside the data root/);
      assert.is(outsideJob.attemptsMade, 1, 'failed once, not retried');
      assert.is(await unknownJob.getState(), 'failed');
      assert.match(unknownJob.failedReason, /UsageError: bogus: unknown TrainConfig key/);
      assert.is(unknownJob.attemptsMade, 1);
      assert.is(await goodJob.getState(), 'completed');
      assert.equal((goodJob.returnvalue as RunResult).accuracy.length, 2);
    } finally {
      await queue.close();
    }
  }, 'lab-secret');
});

test('TLS and a password (rediss://:PASSWORD@HOST:PORT): a sweep through one worker', async (context) => {
  await withRedis(context, async (redis, spawned) => {
    const { root, gridPath } = sweepFiles({ grid: {}, approaches: ['hat'] });
    const trust = { NODE_EXTRA_CA_CERTS: redis.certificate! };
    spawned.push(startCli(['worker', '--queue', redis.url, '--data-root', root], root, trust));
    const producer = startCli(['sweep', '--config', gridPath, '--out', join(root, 'out'), '--queue', redis.url], root, trust);
    spawned.push(producer);
    assert.is(await producer.exited, 0, producer.output());
    assert.is(readRuns(join(root, 'out')).size, 2);
    assert.not.match(producer.output(), 'tls-secret', 'the password is never shown');
    assert.match(producer.output(), /queued on rediss:\/\/:\*\*\*@127\.0\.0\.1/);
  }, 'tls-secret', true);
});

test.run();
