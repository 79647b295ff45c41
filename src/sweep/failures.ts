// Which failures of a run will not change by running it again: a job fails once for these (BullMQ's
// UnrecoverableError), and retries only for the rest (a worker that crashed, a device that was lost).
import { UsageError } from '../config/index.ts';
import { NonFiniteLossError } from '../train/errors.ts';
import { DataRootError } from './data-root.ts';

export function isPermanentFailure(e: unknown): boolean {
  return e instanceof UsageError || e instanceof DataRootError || e instanceof NonFiniteLossError || (e instanceof Error && /sequence file not found|invalid JSON|: file not found/.test(e.message));
}
