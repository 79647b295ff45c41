// Matmul suite: 512³, 1024³ and the GEMMs of one HAT MLP step at batch 64 (forward X·Wᵀ, backward dY·W,
// weight gradient dYᵀ·X for 784→2000 and 2000→2000), each in the form training uses.
import type { Engine } from '../src/runtime/engine.ts';
import { matmul, type MatmulForm } from '../src/kernels/matmul.ts';
import { tensor, type Tensor } from '../src/tensor.ts';
import { benchWorkCases, type CaseResult, type CaseVariant } from './case.ts';
import type { KernelWork } from './lab/work.ts';
import type { SamplingOptions } from './lab/options.ts';

export interface GemmCase {
  name: string;
  form: MatmulForm;
  m: number;
  n: number;
  k: number;
}

export function matmulCases(quick: boolean): GemmCase[] {
  const cases: GemmCase[] = [
    { name: '512x512x512', form: 'nn', m: 512, n: 512, k: 512 },
    { name: '1024x1024x1024', form: 'nn', m: 1024, n: 1024, k: 1024 },
    { name: 'hat-fc1-forward 64x2000x784 (X·Wᵀ)', form: 'nt', m: 64, n: 2000, k: 784 },
    { name: 'hat-fc2-forward 64x2000x2000 (X·Wᵀ)', form: 'nt', m: 64, n: 2000, k: 2000 },
    { name: 'hat-fc1-dX 64x784x2000 (dY·W)', form: 'nn', m: 64, n: 784, k: 2000 },
    { name: 'hat-fc2-dX 64x2000x2000 (dY·W)', form: 'nn', m: 64, n: 2000, k: 2000 },
    { name: 'hat-fc1-dW 2000x784x64 (dYᵀ·X)', form: 'tn', m: 2000, n: 784, k: 64 },
    { name: 'hat-fc2-dW 2000x2000x64 (dYᵀ·X)', form: 'tn', m: 2000, n: 2000, k: 64 },
  ];
  return quick ? cases.filter((c) => c.name.startsWith('1024') || c.name.includes('fc2-forward')) : cases;
}

/** Operand shapes as stored for a form: A is M×K (tn: K×M), B is K×N (nt: N×K). */
export function operandShapes(c: GemmCase): [[number, number], [number, number]] {
  const a: [number, number] = c.form === 'tn' ? [c.k, c.m] : [c.m, c.k];
  const b: [number, number] = c.form === 'nt' ? [c.n, c.k] : [c.k, c.n];
  return [a, b];
}

export function randomData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 32 - 0.5; }
  return out;
}

export function matmulFlops(c: GemmCase): number {
  return 2 * c.m * c.n * c.k;
}

/** Bytes a GEMM must move at least: both operands read once, the output written once. */
export function matmulBytes(c: GemmCase): number {
  return 4 * (c.m * c.k + c.k * c.n + c.m * c.n);
}

/** One GEMM of the case as lab work, writing into the same output every time. */
export function matmulWork(engine: Engine, c: GemmCase): KernelWork & { dispose(): void } {
  const [as, bs] = operandShapes(c);
  const a = tensor(engine, randomData(as[0] * as[1], 1), as);
  const b = tensor(engine, randomData(bs[0] * bs[1], 2), bs);
  let out: Tensor | null = null;
  return {
    name: `matmul ${c.name}`,
    flops: matmulFlops(c),
    bytes: matmulBytes(c),
    record: (e) => { out = matmul(e, c.form, a, b, out ? { out } : {}); },
    dispose: () => { a.dispose(); b.dispose(); out?.dispose(); },
  };
}

/** Each case: ours alone, or beside the peers' variants in one interleaved comparison. */
export function benchMatmul(engine: Engine, cases: GemmCase[], opts: SamplingOptions, log: (s: string) => void, peers: (c: GemmCase) => Promise<CaseVariant[]> = async () => []): Promise<CaseResult[]> {
  return benchWorkCases(engine, 'matmul', cases, matmulWork, opts, log, peers, (r) => `${r.case} ${r.impl}: ${r.medianMs.toPrecision(4)} ms (${r.clock}), ${r.gflops} GFLOP/s`);
}
