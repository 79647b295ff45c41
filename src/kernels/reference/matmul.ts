// Float64 reference GEMM for the three matmul forms (row-major storage, see src/kernels/matmul.ts).
import type { MatmulForm } from '../matmul-variants.ts';

/** C = op(A)·op(B) in float64: nn A M×K, B K×N; nt A M×K, B N×K; tn A K×M, B K×N. */
export function matmulRef(form: MatmulForm, a: ArrayLike<number>, b: ArrayLike<number>, M: number, N: number, K: number): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const x = form === 'tn' ? a[k * M + i]! : a[i * K + k]!;
        const y = form === 'nt' ? b[j * K + k]! : b[k * N + j]!;
        s += x * y;
      }
      c[i * N + j] = s;
    }
  }
  return c;
}

/** Storage shapes of A and B for a form. */
export function operandShapes(form: MatmulForm, M: number, N: number, K: number): [number[], number[]] {
  return [form === 'tn' ? [K, M] : [M, K], form === 'nt' ? [N, K] : [K, N]];
}
