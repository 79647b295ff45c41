// Conv suite: conv2d at the AlexNet-HAT shapes (docs/hat.md, 32×32×3 input, batch 64): forward with bias+ReLU
// in the epilogue, the input gradient and the weight gradient of each layer. GFLOP/s = 2·N·O·OH·OW·C·KH·KW.
import type { Engine } from '../src/runtime/engine.ts';
import { tensor, type Tensor } from '../src/tensor.ts';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dBiasRelu, conv2dFlops, conv2dGeometry } from '../src/kernels/conv.ts';
import { benchWorkCases, type CaseResult, type CaseVariant } from './case.ts';
import type { KernelWork } from './lab/work.ts';
import type { SamplingOptions } from './lab/options.ts';
import { randomData } from './matmul.ts';

export interface ConvCase { name: string; n: number; c: number; size: number; o: number; k: number; pass: 'forward' | 'dX' | 'dW' }

export function convCases(quick: boolean): ConvCase[] {
  const layers = [
    { layer: 'conv1', c: 3, size: 32, o: 64, k: 4 },
    { layer: 'conv2', c: 64, size: 14, o: 128, k: 3 },
    { layer: 'conv3', c: 128, size: 6, o: 256, k: 2 },
  ];
  const cases: ConvCase[] = [];
  for (const l of layers) {
    for (const pass of ['forward', 'dX', 'dW'] as const) {
      cases.push({ name: `${l.layer} 64x${l.c}x${l.size}x${l.size} k${l.k}→${l.o} ${pass}`, n: 64, c: l.c, size: l.size, o: l.o, k: l.k, pass });
    }
  }
  return quick ? cases.filter((c) => c.name.startsWith('conv2')) : cases;
}

export function convOperands(c: ConvCase) {
  const g = conv2dGeometry([c.n, c.c, c.size, c.size], [c.o, c.c, c.k, c.k]);
  return { g, x: randomData(c.n * c.c * c.size * c.size, 1), w: randomData(c.o * c.c * c.k * c.k, 2), dy: randomData(c.n * c.o * g.oh * g.ow, 3), b: randomData(c.o, 4) };
}

/** Bytes the pass must move at least: its inputs read once, its output written once. */
function convBytes(c: ConvCase, oh: number, ow: number): number {
  const x = c.n * c.c * c.size * c.size, w = c.o * c.c * c.k * c.k, y = c.n * c.o * oh * ow;
  return 4 * (c.pass === 'forward' ? x + w + c.o + y : c.pass === 'dX' ? y + w + x : y + x + w);
}

/** One pass of the case as lab work, writing into the same output every time. */
export function convWork(engine: Engine, c: ConvCase): KernelWork & { dispose(): void } {
  const d = convOperands(c);
  const x = tensor(engine, d.x, [c.n, c.c, c.size, c.size]);
  const w = tensor(engine, d.w, [c.o, c.c, c.k, c.k]);
  const b = tensor(engine, d.b, [c.o]);
  const dy = tensor(engine, d.dy, [c.n, c.o, d.g.oh, d.g.ow]);
  let out: Tensor | null = null;
  return {
    name: `conv ${c.name}`,
    flops: conv2dFlops(d.g),
    bytes: convBytes(c, d.g.oh, d.g.ow),
    record: () => {
      const o = out ? { out } : {};
      out = c.pass === 'forward' ? conv2dBiasRelu(x, w, b, { relu: true, ...o }) : c.pass === 'dX' ? conv2dBackwardInput(dy, w, x.shape, o) : conv2dBackwardWeight(dy, x, w.shape, o);
    },
    dispose: () => { for (const t of [x, w, b, dy]) t.dispose(); out?.dispose(); },
  };
}

export function benchConv(engine: Engine, cases: ConvCase[], opts: SamplingOptions, log: (s: string) => void, peers: (c: ConvCase) => Promise<CaseVariant[]> = async () => []): Promise<CaseResult[]> {
  return benchWorkCases(engine, 'conv', cases, convWork, opts, log, peers, (r) => `${r.case} ${r.impl}: ${r.medianMs.toPrecision(4)} ms (${r.clock}), ${r.gflops} GFLOP/s`);
}
