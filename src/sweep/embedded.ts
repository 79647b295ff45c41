// A sweep in this process: one run after another on this machine's engine, each result written to DIR
// the moment it exists. A run that fails for a reason that will not change (a bad setting, a file
// outside the data root, a loss that turned NaN: training is deterministic) is recorded and the sweep
// goes on; anything else (a lost device) stops it, and what was written stays.
import type { RunExecutor } from './execute.ts';
import { describeResult, describeRun, type SweepOutcome } from './outcome.ts';
import type { PlannedRun } from './plan.ts';
import type { SweepProgress } from './progress.ts';
import { writeRun } from './results-dir.ts';
import { isPermanentFailure } from './failures.ts';

export async function runEmbedded(pending: readonly PlannedRun[], dir: string, execute: RunExecutor, outcome: SweepOutcome, progress: SweepProgress): Promise<void> {
  for (const run of pending) {
    const what = describeRun(run);
    progress.started(what);
    const t0 = performance.now();
    try {
      const result = await execute(run.spec);
      writeRun(dir, run.id, result);
      outcome.results.set(run.id, result);
      progress.finished(what, describeResult(result, (performance.now() - t0) / 1000));
    } catch (e) {
      if (!isPermanentFailure(e)) throw e;
      const message = `${(e as Error).name}: ${(e as Error).message}`;
      outcome.failures.set(run.id, message);
      progress.failed(what, message);
    }
  }
}
