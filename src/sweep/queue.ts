// The sweep's BullMQ queue: its name, and how its jobs are added (id = the run's hash, so a run is
// queued once however often the sweep is started) and kept (finished jobs keep their results a week,
// so a producer that stopped can collect them when it starts again).
import type { JobsOptions } from 'bullmq';

export const QUEUE_NAME = 'webgpu-hat-sweep';

/** Tries per job: a worker that dies or a transient error is retried; permanent failures fail at once. */
export const ATTEMPTS = 3;

const WEEK_SECONDS = 7 * 24 * 3600;

export function jobOptions(id: string): JobsOptions {
  return {
    jobId: id,
    attempts: ATTEMPTS,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: WEEK_SECONDS },
    removeOnFail: { age: WEEK_SECONDS },
  };
}
