// The tune cache's stored form: one document per adapter, entries keyed by kernel and shape class. Each
// entry keeps the hash of the kernel source and candidate set it was measured with, so a changed kernel
// makes it stale rather than wrong.
import { sameAdapter, type AdapterIdentity } from './adapter.ts';
import type { Specialisation } from '../../src/kernels/declaration.ts';

/** Bumped when the document's shape changes; a document of another version is ignored and rebuilt. */
export const TUNE_CACHE_VERSION = 1;
export const TUNE_CACHE_FORMAT = 'webgpu-hat-tune';

export interface CandidateTiming {
  spec: Specialisation;
  /** The search's score: the least of its runs' median ms per call. */
  ms: number;
}

export interface TuneEntry {
  kernel: string;
  shapeClass: string;
  /** The shape it was tuned on (the source hash is recomputed for it). */
  shape: unknown;
  /** SHA-256 of the candidates' WGSL and the candidate set. */
  sourceHash: string;
  choice: Specialisation;
  /** What the kernel would run without tuning, and the choice's time relative to it (below 1: faster). */
  baseline: Specialisation;
  ratioToBaseline: number;
  clock: string;
  timings: CandidateTiming[];
  /** Candidates left out, with why (over the device's limits, output differs from the default's). */
  rejected: { spec: Specialisation; reason: string }[];
  /** How much of the space was searched: candidates besides the default, those a budget left untried, the budget (null: none). Absent in entries written before it was recorded. */
  search?: { candidates: number; untried: number; budgetMs: number | null };
  date: string;
}

export interface TuneDocument {
  format: typeof TUNE_CACHE_FORMAT;
  version: number;
  adapter: AdapterIdentity;
  entries: Record<string, TuneEntry>;
}

export function entryKey(kernel: string, shapeClass: string): string {
  return `${kernel}|${shapeClass}`;
}

export function emptyDocument(adapter: AdapterIdentity): TuneDocument {
  return { format: TUNE_CACHE_FORMAT, version: TUNE_CACHE_VERSION, adapter, entries: {} };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function entryProblem(key: string, e: unknown): string | null {
  if (!isRecord(e)) return `entry ${key} is not an object`;
  for (const field of ['kernel', 'shapeClass', 'sourceHash', 'clock', 'date'] as const) if (typeof e[field] !== 'string') return `entry ${key}: ${field} is not a string`;
  if (!isRecord(e.choice) || !isRecord(e.baseline)) return `entry ${key}: choice or baseline is not a specialisation`;
  if (typeof e.ratioToBaseline !== 'number' || !Array.isArray(e.timings) || !Array.isArray(e.rejected)) return `entry ${key}: ratioToBaseline, timings or rejected missing`;
  if (entryKey(e.kernel as string, e.shapeClass as string) !== key) return `entry ${key} is filed under another kernel or shape class`;
  return null;
}

/** The document in `text` for `adapter`, or why it cannot be used (corrupt, another version, another adapter). */
export function parseTuneDocument(text: string, adapter: AdapterIdentity): { document: TuneDocument } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `not JSON (${(e as Error).message})` };
  }
  if (!isRecord(value) || value.format !== TUNE_CACHE_FORMAT) return { problem: 'not a webgpu-hat tune cache' };
  if (value.version !== TUNE_CACHE_VERSION) return { problem: `version ${String(value.version)}, this library writes ${TUNE_CACHE_VERSION}` };
  if (!isRecord(value.adapter) || !sameAdapter(value.adapter as unknown as AdapterIdentity, adapter)) return { problem: 'written for another adapter' };
  if (!isRecord(value.entries)) return { problem: 'no entries object' };
  for (const [key, e] of Object.entries(value.entries)) {
    const problem = entryProblem(key, e);
    if (problem) return { problem };
  }
  return { document: value as unknown as TuneDocument };
}
