// DIR/runs/<id>.json: one finished run each. A file that is there and whole is a run never run again;
// a damaged one (an interrupted write cannot leave one: writes are atomic) is run again.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../io/atomic-file.ts';
import type { RunResult } from '../eval/metrics.ts';

export function runPath(dir: string, id: string): string {
  return join(dir, 'runs', `${id}.json`);
}

/** A results object that has what the report reads: an accuracy row per task. */
export function isRunResult(r: unknown): r is RunResult {
  const x = r as RunResult | null;
  return typeof x === 'object' && x !== null && Array.isArray(x.accuracy) && Array.isArray(x.tasks) && x.accuracy.length === x.tasks.length;
}

export function readRun(dir: string, id: string): RunResult | null {
  const path = runPath(dir, id);
  if (!existsSync(path)) return null;
  try {
    const r: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isRunResult(r) ? r : null;
  } catch {
    return null;
  }
}

export function writeRun(dir: string, id: string, result: RunResult): void {
  mkdirSync(join(dir, 'runs'), { recursive: true });
  writeJsonAtomic(runPath(dir, id), result);
}
