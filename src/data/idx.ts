/**
 * IDX files (the MNIST / Fashion-MNIST format), pure: bytes in, arrays out. Reading files and
 * gunzipping are in node-files.ts so this module bundles for browsers.
 *
 * Layout: magic 0x0000 TT DD (TT = 0x08 for uint8, DD = number of dimensions), then DD big-endian
 * uint32 sizes, then the data. Images are 0x00000803 (count, rows, cols), labels 0x00000801 (count).
 */
import type { Dataset } from './dataset.ts';
import { DataFormatError } from './errors.ts';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxArray {
  /** Sizes of each dimension, outermost first. */
  dims: number[];
  data: Uint8Array;
}

const hex = (x: number) => '0x' + (x >>> 0).toString(16).padStart(8, '0');

/** True when the bytes start with the gzip signature 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an uncompressed uint8 IDX file. `expectedMagic`, when given, must match exactly (images or
 * labels). `name` (the file path) appears in every error.
 */
export function parseIdx(bytes: Uint8Array, name: string, expectedMagic?: number): IdxArray {
  if (isGzip(bytes)) {
    throw new DataFormatError(`${name}: IDX data is gzip-compressed; decompress it first (node-files.ts readIdxFile does)`);
  }
  if (bytes.length < 4) throw new DataFormatError(`${name}: truncated IDX file: ${bytes.length} bytes, no room for the magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeCode = (magic >>> 8) & 0xff;
  const ndims = magic & 0xff;
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    const what = expectedMagic === IDX_IMAGES_MAGIC ? 'images' : expectedMagic === IDX_LABELS_MAGIC ? 'labels' : 'IDX';
    throw new DataFormatError(`${name}: wrong magic number ${hex(magic)}, expected ${hex(expectedMagic)} (IDX uint8 ${what})`);
  }
  if (magic >>> 16 !== 0 || typeCode !== 0x08 || ndims === 0) {
    throw new DataFormatError(`${name}: wrong magic number ${hex(magic)}, expected 0x000008DD (IDX uint8 with DD dimensions)`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DataFormatError(`${name}: truncated IDX header: ${bytes.length} bytes, the ${ndims} dimension sizes need ${headerBytes}`);
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual < expected) {
    throw new DataFormatError(`${name}: truncated IDX data: header dims ${dims.join(' × ')} need ${expected} bytes, file has ${actual}`);
  }
  if (actual > expected) {
    throw new DataFormatError(`${name}: IDX data too long: header dims ${dims.join(' × ')} need ${expected} bytes, file has ${actual}`);
  }
  return { dims, data: bytes.subarray(headerBytes, headerBytes + expected) };
}

/** Parses an IDX images file (magic 0x00000803): count × rows × cols uint8. */
export function parseIdxImages(bytes: Uint8Array, name: string): { count: number; height: number; width: number; pixels: Uint8Array } {
  const { dims, data } = parseIdx(bytes, name, IDX_IMAGES_MAGIC);
  return { count: dims[0], height: dims[1], width: dims[2], pixels: data };
}

/** Parses an IDX labels file (magic 0x00000801): count uint8. */
export function parseIdxLabels(bytes: Uint8Array, name: string): Uint8Array {
  return parseIdx(bytes, name, IDX_LABELS_MAGIC).data;
}

/**
 * Builds a 1 × H × W dataset with raw pixel values scaled to [0, 1] from an images and a labels file.
 * `classes` is max label + 1.
 */
export function idxDataset(imagesBytes: Uint8Array, imagesName: string, labelsBytes: Uint8Array, labelsName: string): Dataset {
  const { count, height, width, pixels } = parseIdxImages(imagesBytes, imagesName);
  const rawLabels = parseIdxLabels(labelsBytes, labelsName);
  if (rawLabels.length !== count) {
    throw new DataFormatError(`${imagesName} has ${count} images but ${labelsName} has ${rawLabels.length} labels`);
  }
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i] / 255;
  const labels = Int32Array.from(rawLabels);
  let classes = 0;
  for (const l of labels) classes = Math.max(classes, l + 1);
  return { images, labels, n: count, channels: 1, height, width, classes };
}

/** Encodes a uint8 IDX file (for tests and fixtures). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
