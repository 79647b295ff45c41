// safetensors (https://github.com/huggingface/safetensors), written and read by hand. Pure: bytes in and
// out, so the browser bundle can use it too.
//
// Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
//   { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, ...,
//     "__metadata__": { "<key>": "<string value>" } }
// padded with spaces to a multiple of 8; then the raw little-endian data, offsets relative to its start,
// every byte belonging to exactly one tensor. PyTorch: `safetensors.torch.load_file(path)`.

export type SafetensorsDType = 'F32' | 'I32' | 'U32';

export interface NamedArray {
  dtype: SafetensorsDType;
  shape: number[];
  data: Float32Array | Int32Array | Uint32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(readonly source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'SafetensorsError';
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const ITEM_BYTES: Record<SafetensorsDType, number> = { F32: 4, I32: 4, U32: 4 };

function dtypeOf(data: NamedArray['data']): SafetensorsDType {
  return data instanceof Float32Array ? 'F32' : data instanceof Int32Array ? 'I32' : 'U32';
}

/** A named float32 array, the common case. */
export function f32(shape: number[], data: Float32Array): NamedArray {
  return { dtype: 'F32', shape, data };
}

/** Encodes tensors (in the map's order) and string metadata as one safetensors file. */
export function encodeSafetensors(tensors: Map<string, NamedArray> | [string, NamedArray][], metadata: Record<string, string> = {}): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('safetensors: big-endian hosts are not supported');
  const entries = tensors instanceof Map ? [...tensors.entries()] : tensors;
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__' || name in header) throw new Error(`safetensors: duplicate or reserved tensor name "${name}"`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`safetensors: tensor ${name} has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    if (dtypeOf(t.data) !== t.dtype) throw new Error(`safetensors: tensor ${name} is declared ${t.dtype} but holds ${dtypeOf(t.data)} data`);
    const bytes = t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    json += ' '.repeat(padded - headerBytes.length);
    headerBytes = encoder.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes.length, true);
  view.setUint32(4, 0, true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, t] of entries) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/**
 * Decodes a safetensors file; `source` (a path) names it in every error. Truncated data, offsets out of
 * range, overlapping or uncovered bytes, unknown dtypes and shapes that disagree with sizes are errors.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): SafetensorsFile {
  if (!LITTLE_ENDIAN) throw new Error('safetensors: big-endian hosts are not supported');
  const fail = (m: string): never => { throw new SafetensorsError(source, m); };
  if (bytes.length < 8) fail(`truncated: ${bytes.length} bytes, no room for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > bytes.length - 8) fail(`truncated: the header says it is ${n} bytes long, but only ${bytes.length - 8} bytes follow`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`the ${n}-byte JSON header does not parse (${(e as Error).message}): not a safetensors file, or corrupted`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the JSON header is not an object');
  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'string')) fail('__metadata__ must map strings to strings');
      metadata = value as Record<string, string>;
      continue;
    }
    const e = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) fail(`tensor ${name}: expected { dtype, shape, data_offsets }`);
    const dtype = e.dtype as SafetensorsDType;
    if (!(typeof dtype === 'string' && dtype in ITEM_BYTES)) fail(`tensor ${name}: unsupported dtype ${JSON.stringify(e.dtype)} (F32, I32, U32 are read)`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`tensor ${name}: invalid shape ${JSON.stringify(shape)}`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isInteger(o) || o < 0) || offsets[0] > offsets[1]) fail(`tensor ${name}: invalid data_offsets ${JSON.stringify(offsets)}`);
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * ITEM_BYTES[dtype]) fail(`tensor ${name}: shape [${(shape as number[]).join(', ')}] needs ${count * ITEM_BYTES[dtype]} bytes, data_offsets [${begin}, ${end}] give ${end - begin}`);
    if (end > dataBytes) fail(`truncated: tensor ${name} ends at data byte ${end}, but the file holds only ${dataBytes} data bytes`);
    // Copy into an aligned buffer (the data section need not be 4-byte aligned in memory).
    const raw = bytes.slice(dataStart + begin, dataStart + end);
    const data = dtype === 'F32' ? new Float32Array(raw.buffer) : dtype === 'I32' ? new Int32Array(raw.buffer) : new Uint32Array(raw.buffer);
    tensors.set(name, { dtype, shape: shape as number[], data });
    spans.push([begin, end, name]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [begin, end, name] of spans) {
    if (begin < covered) fail(`tensor ${name} overlaps the tensor before it`);
    if (begin > covered) fail(`data bytes ${covered}..${begin} belong to no tensor`);
    covered = end;
  }
  if (covered !== dataBytes) fail(`${dataBytes - covered} data bytes after the last tensor belong to none`);
  return { tensors, metadata };
}
