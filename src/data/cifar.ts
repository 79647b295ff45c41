/**
 * CIFAR-10 / CIFAR-100 binary versions, pure (bytes in, Dataset out).
 *
 * CIFAR-10 record:  1 label byte (0..9), then 3072 pixel bytes (1024 R, 1024 G, 1024 B, row-major 32×32).
 * CIFAR-100 record: 1 coarse label byte (0..19), 1 fine label byte (0..99), then the same 3072 bytes.
 * The pixel layout is already channel-major, which is our N × C × H × W order.
 */
import type { Dataset } from './dataset.ts';
import { DataFormatError } from './errors.ts';

export const CIFAR_SIDE = 32;
export const CIFAR_IMAGE_BYTES = 3 * CIFAR_SIDE * CIFAR_SIDE;
export const CIFAR10_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;
export const CIFAR100_RECORD_BYTES = 2 + CIFAR_IMAGE_BYTES;

/** Per-channel statistics of the pixel values in [0, 1], as used by the reference. */
export const CIFAR10_NORMALIZATION = {
  mean: [125.3 / 255, 123.0 / 255, 113.9 / 255],
  std: [63.0 / 255, 62.1 / 255, 66.7 / 255],
} as const;
export const CIFAR100_NORMALIZATION = CIFAR10_NORMALIZATION;

export type Cifar100LabelKind = 'fine' | 'coarse';

function parseRecords(bytes: Uint8Array, name: string, recordBytes: number, labelOffset: number, classes: number, what: string): Dataset {
  if (bytes.length === 0) throw new DataFormatError(`${name}: empty ${what} file`);
  if (bytes.length % recordBytes !== 0) {
    throw new DataFormatError(
      `${name}: size ${bytes.length} bytes is not a multiple of the ${what} record length ${recordBytes} ` +
        `(${Math.floor(bytes.length / recordBytes)} records and ${bytes.length % recordBytes} extra bytes)`,
    );
  }
  const n = bytes.length / recordBytes;
  const headerBytes = recordBytes - CIFAR_IMAGE_BYTES;
  const images = new Float32Array(n * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * recordBytes;
    const label = bytes[base + labelOffset];
    if (label >= classes) throw new DataFormatError(`${name}: record ${i} has label ${label}, outside 0..${classes - 1} (${what})`);
    labels[i] = label;
    const src = base + headerBytes;
    const dst = i * CIFAR_IMAGE_BYTES;
    for (let p = 0; p < CIFAR_IMAGE_BYTES; p++) images[dst + p] = bytes[src + p] / 255;
  }
  return { images, labels, n, channels: 3, height: CIFAR_SIDE, width: CIFAR_SIDE, classes };
}

/** Parses one CIFAR-10 binary batch file; pixels scaled to [0, 1]. */
export function parseCifar10(bytes: Uint8Array, name: string): Dataset {
  return parseRecords(bytes, name, CIFAR10_RECORD_BYTES, 0, 10, 'CIFAR-10');
}

/** Parses one CIFAR-100 binary file with the fine (100) or coarse (20) labels; pixels scaled to [0, 1]. */
export function parseCifar100(bytes: Uint8Array, name: string, labelKind: Cifar100LabelKind = 'fine'): Dataset {
  return labelKind === 'fine'
    ? parseRecords(bytes, name, CIFAR100_RECORD_BYTES, 1, 100, 'CIFAR-100')
    : parseRecords(bytes, name, CIFAR100_RECORD_BYTES, 0, 20, 'CIFAR-100 coarse');
}
