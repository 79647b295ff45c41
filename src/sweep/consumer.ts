// A worker of a distributed sweep: takes one job at a time, checks it as the command line would check
// flags (a job is data: it names a configuration, never a command or a place to write), trains it and
// returns its results JSON as the job's return value, so workers need no shared file system. A job
// that can never succeed fails once (UnrecoverableError) with its error named; the worker goes on.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { DeviceLostError } from '../runtime/errors.ts';
import { confineToDataRoot } from './data-root.ts';
import type { RunExecutor } from './execute.ts';
import { isPermanentFailure } from './failures.ts';
import { QUEUE_NAME } from './queue.ts';
import { bullConnection, probeRedis, redactUrl } from './redis.ts';
import { validateRunSpec } from './spec.ts';

export interface ConsumerOptions {
  url: string;
  /** Task-sequence files are read only under it; none given: no files at all. */
  dataRoot?: string;
  /** A job whose worker has not renewed its lock for this long is stalled, and queued again. */
  stallSeconds: number;
  execute: RunExecutor;
  log: (line: string) => void;
}

export interface RunningConsumer {
  /** Finishes the job in hand, then stops. */
  close(): Promise<void>;
  /** Resolves when the worker has stopped. */
  closed: Promise<void>;
}

export async function startConsumer(o: ConsumerOptions): Promise<RunningConsumer> {
  await probeRedis(o.url);
  const connection = bullConnection(o.url, (e) => o.log(`redis ${redactUrl(o.url)}: ${e.message}`));
  // Declared before the processor uses it (a lost device stops the worker).
  let worker: Worker;
  const processor = async (job: Job): Promise<unknown> => {
    const t0 = performance.now();
    try {
      const spec = validateRunSpec(job.data);
      const load = confineToDataRoot(spec, o.dataRoot);
      o.log(`job ${job.id?.slice(0, 12)}: ${spec.approach} seed ${spec.seed} on ${spec.benchmark} (try ${job.attemptsMade + 1})`);
      const result = await o.execute(spec, load);
      o.log(`job ${job.id?.slice(0, 12)}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return result;
    } catch (e) {
      const err = e as Error;
      const message = `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}`;
      o.log(`job ${job.id?.slice(0, 12)}: ${isPermanentFailure(e) ? 'refused' : 'failed'}: ${message}`);
      if (isPermanentFailure(e)) throw new UnrecoverableError(message);
      // A lost device fails every job that follows: this worker stops, and the job is retried elsewhere.
      if (e instanceof DeviceLostError) { o.log('the device is lost: stopping'); setImmediate(() => void stop()); }
      throw e;
    }
  };
  worker = new Worker(QUEUE_NAME, processor, {
    connection,
    concurrency: 1,
    lockDuration: o.stallSeconds * 1000,
    stalledInterval: Math.max(1000, (o.stallSeconds * 1000) / 2),
    maxStalledCount: 2,
  });
  worker.on('error', (e: Error) => o.log(`worker: ${e.message}`));
  const closed = new Promise<void>((resolve) => worker.on('closed', () => resolve()));
  async function stop(): Promise<void> {
    await worker.close();
    connection.disconnect();
  }
  return { close: stop, closed };
}
