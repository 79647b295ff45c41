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
// A wrong magic, another version, a short file, a checksum mismatch or a payload that does not parse is
// a CheckpointError naming the file and what is wrong; nothing of it is loaded.
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

export type CheckpointProblem = 'not a checkpoint' | 'unsupported version' | 'truncated' | 'corrupted';

export class CheckpointError extends Error {
  constructor(readonly source: string, readonly problem: CheckpointProblem, detail: string) {
    super(`checkpoint ${source} is ${problem === 'unsupported version' ? 'of an unsupported version' : problem}: ${detail}; it was not loaded`);
    this.name = 'CheckpointError';
  }
}

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

/** The checkpoint in `bytes`; its state is returned as written (the caller knows its shape). */
export function decodeCheckpoint<State = unknown>(bytes: Uint8Array, source = 'checkpoint'): Checkpoint<State> {
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
    tensors.set(name, { shape: t.shape, data: t.data as Float32Array });
  }
  return { state: parsed.state, meta: parsed.meta, tensors };
}

function hex(x: number): string {
  return '0x' + x.toString(16).padStart(8, '0');
}
