// Broadcasting geometry (numpy rules) of the binary kernel: the output shape, each operand's strides over
// it, and the collapse of adjacent dims into the fewest the kernel walks. Apart from elementwise.ts so that
// declarations import no binding.
import { ShapeError } from '../runtime/errors.ts';

/** Broadcast shape of two shapes (numpy rules), or a ShapeError naming the op. */
export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new ShapeError(op, `cannot broadcast [${a.join(', ')}] with [${b.join(', ')}]`);
    out.push(Math.max(da, db));
  }
  return out;
}

/** Strides of `shape` (right-aligned) over an output of shape `outShape`, 0 along broadcast dims. */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const padded = [...Array(outShape.length - shape.length).fill(1), ...shape];
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = outShape.length - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 && outShape[i] !== 1 ? 0 : stride;
    stride *= padded[i]!;
  }
  return strides;
}

/**
 * Merges adjacent output dims where both operands' strides continue each other (and drops size-1 dims),
 * so [64, 2000] + [2000] stays 2-D, equal shapes become 1-D, and [M, C, R] · [M, C, 1] stays 3-D.
 */
export function collapseBroadcast(outShape: readonly number[], aStrides: readonly number[], bStrides: readonly number[]): { shape: number[]; a: number[]; b: number[] } {
  const shape: number[] = [], a: number[] = [], b: number[] = [];
  outShape.forEach((d, i) => {
    if (d === 1) return;
    const k = shape.length - 1;
    if (k >= 0 && a[k] === aStrides[i]! * d && b[k] === bStrides[i]! * d) {
      shape[k]! *= d;
      a[k] = aStrides[i]!;
      b[k] = bStrides[i]!;
    } else {
      shape.push(d); a.push(aStrides[i]!); b.push(bStrides[i]!);
    }
  });
  if (shape.length === 0) return { shape: [1], a: [1], b: [1] };
  return { shape, a, b };
}
