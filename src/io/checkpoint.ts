// Checkpoint files: a run's state, tensors and description as bytes, and back (the trainer's snapshot,
// src/train/state.ts, is what it holds). Pure (no file access):
// src/io/checkpoint-dir.ts writes them atomically and finds the newest valid one.
//
// Layout (little-endian):
//   bytes  0..7   magic "WGHATCKP"
//   bytes  8..11  format version (CHECKPOINT_VERSION)
//   bytes 12..15  CRC-32 of the payload
//   bytes 16..23  payload length in bytes
//   bytes 24..    payload: a safetensors file. Tensors: every parameter under namedParameters()'s names
//                 (`fc1.weight`, `efc1.0`, `last.0.weight`, …), the cumulative masks `mask.<layer>` and
//                 the best-validation copies `best.<name>` of the task in progress. __metadata__:
//                 `webgpu-hat.checkpoint` = JSON { state, meta }.
// A wrong magic, another version, a short file, a checksum mismatch, a payload that does not parse, a
// non-finite tensor value (training never writes one, so it can only be damage) or a state the caller's
// validator refuses is a CheckpointError naming the file and what is wrong; nothing of it is loaded.
// The validator is passed in (io knows bytes, not what a trainer's state must hold: src/train/checkpoint-state.ts).
import { crc32 } from './crc32.ts';
import { decodeSafetensors, encodeSafetensors, f32, type NamedArray } from './safetensors.ts';

/** Tensors on the CPU by name: what a checkpoint holds. */
export type NamedTensors = Map<string, { shape: number[]; data: Float32Array }>;

export const CHECKPOINT_MAGIC = 'WGHATCKP';
export const CHECKPOINT_VERSION = 1;
const PREFIX_BYTES = 24;
const STATE_KEY = 'webgpu-hat.checkpoint';

/** What the run was: checked on resume so a checkpoint continues only the run that wrote it. */
export interface CheckpointMeta {
  /** The benchmark name or task-sequence file. */
  benchmark: string;
  /** The TrainConfig, as JSON-able values. */
  config: Record<string, unknown>;
  taskNames: string[];
  /** Human-readable position, e.g. "task 2 epoch 1 done". */
  label: string;
  /** Sequence number in its directory (larger is newer). */
  seq: number;
  createdAt: string;
}

/** A run's state (JSON, as the trainer defines it), its tensors, and what run it was. */
export interface Checkpoint<State = unknown> {
  state: State;
  tensors: NamedTensors;
  meta: CheckpointMeta;
}

export type CheckpointProblem = 'not a checkpoint' | 'unsupported version' | 'truncated' | 'corrupted' | 'invalid state' | 'unreadable';

const PROBLEM_WORDS: Record<CheckpointProblem, string> = {
  'not a checkpoint': 'not a checkpoint',
  'unsupported version': 'of an unsupported version',
  truncated: 'truncated',
  corrupted: 'corrupted',
  'invalid state': 'intact but holds an invalid state',
  unreadable: 'unreadable',
};

export class CheckpointError extends Error {
  constructor(readonly source: string, readonly problem: CheckpointProblem, detail: string) {
    super(`checkpoint ${source} is ${PROBLEM_WORDS[problem]}: ${detail}; it was not loaded`);
    this.name = 'CheckpointError';
  }
}

/**
 * Checks a decoded state before anything uses it and returns it typed; throws (a CheckpointError
 * 'invalid state' naming `source` and the field, or any Error, which is wrapped into one) when it is wrong.
 * `meta` (already checked) tells the run's shape to a reader that has no command line, e.g. an export:
 * `meta.taskNames.length` tasks, `meta.config.epochs` epochs.
 */
export type StateValidator<State> = (state: unknown, source: string, meta: CheckpointMeta) => State;

export function encodeCheckpoint(c: Checkpoint<unknown>): Uint8Array {
  const tensors: [string, NamedArray][] = [...c.tensors].map(([name, t]) => [name, f32(t.shape, t.data)]);
  // JSON has no NaN or ±Infinity (an epoch without a loss readback reports NaN): tag them.
  const json = JSON.stringify({ state: c.state, meta: c.meta }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v));
  const payload = encodeSafetensors(tensors, { [STATE_KEY]: json, format: 'webgpu-hat checkpoint', version: String(CHECKPOINT_VERSION) });
  const out = new Uint8Array(PREFIX_BYTES + payload.length);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, crc32(payload), true);
  view.setUint32(16, payload.length % 2 ** 32, true);
  view.setUint32(20, Math.floor(payload.length / 2 ** 32), true);
  out.set(payload, PREFIX_BYTES);
  return out;
}

/**
 * The checkpoint in `bytes`. Its state is returned as written unless `validate` is given, which checks it
 * (and whose refusal is a CheckpointError 'invalid state', like any other damage).
 */
export function decodeCheckpoint<State = unknown>(bytes: Uint8Array, source = 'checkpoint', validate?: StateValidator<State>): Checkpoint<State> {
  if (bytes.length < PREFIX_BYTES) {
    const magicSoFar = new TextDecoder().decode(bytes.subarray(0, Math.min(8, bytes.length)));
    if (CHECKPOINT_MAGIC.startsWith(magicSoFar) || bytes.length === 0) throw new CheckpointError(source, 'truncated', `${bytes.length} bytes, shorter than the ${PREFIX_BYTES}-byte prefix`);
    throw new CheckpointError(source, 'not a checkpoint', `it does not start with "${CHECKPOINT_MAGIC}"`);
  }
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== CHECKPOINT_MAGIC) throw new CheckpointError(source, 'not a checkpoint', `it starts with ${JSON.stringify(magic)}, not "${CHECKPOINT_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) throw new CheckpointError(source, 'unsupported version', `format version ${version}, this build reads ${CHECKPOINT_VERSION}`);
  const length = view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32;
  const have = bytes.length - PREFIX_BYTES;
  if (have < length) throw new CheckpointError(source, 'truncated', `the payload should be ${length} bytes, the file holds ${have}`);
  if (have > length) throw new CheckpointError(source, 'corrupted', `${have - length} bytes after the ${length}-byte payload`);
  const payload = bytes.subarray(PREFIX_BYTES);
  const expected = view.getUint32(12, true), actual = crc32(payload);
  if (expected !== actual) throw new CheckpointError(source, 'corrupted', `CRC-32 of the payload is ${hex(actual)}, the header says ${hex(expected)}`);
  let parsed: { state: State; meta: CheckpointMeta };
  let file;
  try {
    file = decodeSafetensors(payload, source);
    const json = file.metadata[STATE_KEY];
    if (json === undefined) throw new Error(`no ${STATE_KEY} metadata`);
    parsed = JSON.parse(json, (_k, v) => (v && typeof v === 'object' && typeof v.$number === 'string' && Object.keys(v).length === 1 ? Number(v.$number) : v));
  } catch (e) {
    throw new CheckpointError(source, 'corrupted', (e as Error).message);
  }
  const tensors: NamedTensors = new Map();
  for (const [name, t] of file.tensors) {
    if (t.dtype !== 'F32') throw new CheckpointError(source, 'corrupted', `tensor ${name} is ${t.dtype}, checkpoints hold F32`);
    const data = t.data as Float32Array;
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new CheckpointError(source, 'corrupted', `tensor ${name} holds ${data[bad]} at index ${bad} (training never writes a non-finite value)`);
    tensors.set(name, { shape: t.shape, data });
  }
  if (!parsed || typeof parsed !== 'object') throw new CheckpointError(source, 'invalid state', 'the checkpoint JSON is not an object');
  const meta = checkMeta(parsed.meta, source);
  let state = parsed.state;
  if (validate) {
    try {
      state = validate(parsed.state, source, meta);
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      throw new CheckpointError(source, 'invalid state', (e as Error).message);
    }
  }
  return { state, meta, tensors };
}

/** The description of the run, checked field by field: a resume compares it with the command line. */
function checkMeta(meta: unknown, source: string): CheckpointMeta {
  const fail = (field: string, want: string, got: unknown): never => {
    throw new CheckpointError(source, 'invalid state', `meta.${field} should be ${want}, it is ${describeValue(got)}`);
  };
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return fail('', 'an object', meta);
  const m = meta as Record<string, unknown>;
  for (const field of ['benchmark', 'label', 'createdAt'] as const) if (typeof m[field] !== 'string') fail(field, 'a string', m[field]);
  if (!m.config || typeof m.config !== 'object' || Array.isArray(m.config)) fail('config', 'an object', m.config);
  if (!Array.isArray(m.taskNames) || m.taskNames.some((n) => typeof n !== 'string')) fail('taskNames', 'an array of strings', m.taskNames);
  if (!Number.isSafeInteger(m.seq) || (m.seq as number) < 0) fail('seq', 'an integer ≥ 0', m.seq);
  return meta as CheckpointMeta;
}

/** A value as an error message shows it: short, and telling missing from null. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'number') return String(v);
  const json = JSON.stringify(v);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function hex(x: number): string {
  return '0x' + x.toString(16).padStart(8, '0');
}
