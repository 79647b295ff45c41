// The producer of a distributed sweep: queues the runs not yet in DIR (a job id is the run's hash, so
// a job that is queued, running or done already is not added again), then waits, writing each result
// into DIR as it arrives. Stopped and started again, it collects what finished meanwhile and runs
// nothing twice. Redis going away is a named error within seconds; what was written stays.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { describeResult, describeRun, type SweepOutcome } from './outcome.ts';
import type { PlannedRun } from './plan.ts';
import type { SweepProgress } from './progress.ts';
import { ATTEMPTS, QUEUE_NAME, jobOptions } from './queue.ts';
import { REDIS_TIMEOUT_MS, RedisUnavailableError, bullConnection, probeRedis, redactUrl, withTimeout } from './redis.ts';
import { isRunResult, writeRun } from './results-dir.ts';

export interface ProducerOptions {
  /** Jobs that failed for good in an earlier session are retried rather than reported. */
  retryFailed?: boolean;
  pollMs?: number;
}

export async function runOnQueue(pending: readonly PlannedRun[], dir: string, url: string, outcome: SweepOutcome, progress: SweepProgress, opts: ProducerOptions = {}): Promise<void> {
  await probeRedis(url);
  let lastError: Error | null = null;
  const connection: Redis = bullConnection(url, (e) => { lastError = e; });
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', (e: Error) => { lastError = e; });
  // Every Redis call is bounded: a Redis that went away is named within seconds, not waited on forever.
  const call = <T>(p: Promise<T>): Promise<T> => withTimeout(p, REDIS_TIMEOUT_MS, 'no answer').catch((e: Error) => {
    throw new RedisUnavailableError(`lost Redis at ${redactUrl(url)}: ${(lastError as Error | null)?.message ?? e.message}`);
  });
  try {
    const waiting = new Map(pending.map((r) => [r.id, r]));
    if (opts.retryFailed) {
      for (const run of pending) {
        const job = await call(queue.getJob(run.id));
        if (job && (await call(job.getState())) === 'failed') await call(job.retry());
      }
    }
    await call(queue.addBulk(pending.map((r) => ({ name: 'run', data: r.spec, opts: jobOptions(r.id) }))));
    const started = new Set<string>();
    while (waiting.size > 0) {
      for (const run of [...waiting.values()]) {
        // The state first, then the job: a job read before it completed would carry no return value yet.
        const state = await call(queue.getJobState(run.id));
        // Removed meanwhile (by age, or by hand): queued again.
        if (state === 'unknown') { await call(queue.add('run', run.spec, jobOptions(run.id))); continue; }
        if (state === 'active' && !started.has(run.id)) { started.add(run.id); progress.started(describeRun(run)); }
        if (state !== 'completed' && state !== 'failed') continue;
        const job = await call(queue.getJob(run.id));
        if (!job) continue;
        if (state === 'completed') {
          const result: unknown = job.returnvalue;
          waiting.delete(run.id);
          if (!isRunResult(result)) {
            outcome.failures.set(run.id, 'the worker returned no results');
            progress.failed(describeRun(run), 'the worker returned no results');
            continue;
          }
          writeRun(dir, run.id, result);
          outcome.results.set(run.id, result);
          const seconds = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : undefined;
          progress.finished(describeRun(run), describeResult(result, seconds));
        } else if (state === 'failed') {
          waiting.delete(run.id);
          const reason = `${job.failedReason ?? 'failed'}${job.attemptsMade >= ATTEMPTS ? ` (after ${job.attemptsMade} tries)` : ''}`;
          outcome.failures.set(run.id, reason);
          progress.failed(describeRun(run), reason);
        }
      }
      if (waiting.size > 0) await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
  } finally {
    // Bounded too: closing waits on Redis, which may be the thing that went away.
    await withTimeout(queue.close(), REDIS_TIMEOUT_MS, 'close').catch(() => {});
    connection.disconnect();
  }
}
