// PyTorch on the CPU as a bench peer: what a researcher without a GPU would otherwise run. Each variant
// is a Python process (bench/peers/torch_peer.py) holding the same work as our case — a GEMM at the HAT
// shapes, or HAT's whole training step — at one thread count; a sample asks it for k units over a pipe
// and gets back the milliseconds it measured around them, so the pipe is not timed. Samples interleave
// with ours in one comparison; while the peer runs, our adapter is idle, so neither slows the other.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CaseVariant } from '../case.ts';
import type { Sampler } from '../lab/sampler.ts';

const SCRIPT = fileURLToPath(new URL('./torch_peer.py', import.meta.url));

/** What the Python side builds (torch_peer.py's docstring). */
export type TorchWork =
  | { kind: 'gemm'; form: 'nn' | 'nt' | 'tn'; m: number; n: number; k: number }
  | { kind: 'mlp-step'; hidden: number[]; batch: number; classes: number }
  | { kind: 'alexnet-step'; batch: number; classes: number; size: number };

export interface TorchPython {
  /** The interpreter that imports torch. */
  python: string;
  torch: string;
  /** The BLAS library the process mapped, and whether it is an optimised one. */
  blas: string;
  optimisedBlas: boolean;
}

let found: Promise<TorchPython | { missing: string }> | null = null;

/**
 * The first Python that imports torch: $WEBGPU_HAT_PYTHON, then Debian's /usr/bin/python3 (where
 * python3-torch installs), then the PATH's python3 (which may be another interpreter without it).
 */
export function findTorch(): Promise<TorchPython | { missing: string }> {
  found ??= (async () => {
    const tried: string[] = [];
    for (const python of [process.env.WEBGPU_HAT_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => Boolean(p))) {
      const probe = spawnSync(python, ['-c', 'import torch, json; torch.ones(64, 64) @ torch.ones(64, 64); print(json.dumps(torch.__version__))'], { encoding: 'utf8', timeout: 60_000 });
      if (probe.status === 0) {
        const blas = (await startPeer(python, { kind: 'gemm', form: 'nn', m: 8, n: 8, k: 8 }, 1).then(async (p) => { const b = p.ready.blas; p.quit(); return b; }));
        return { python, torch: JSON.parse(probe.stdout.trim()) as string, blas, optimisedBlas: /openblas|mkl|blis|atlas/i.test(blas) };
      }
      tried.push(`${python}: ${(probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`)}`);
    }
    return { missing: `no Python with torch (tried ${tried.join('; ')}); on Debian: apt-get install python3-torch libopenblas0-pthread` };
  })();
  return found;
}

interface Peer {
  ready: { torch: string; blas: string; threads: number };
  run(units: number): Promise<number>;
  quit(): void;
}

async function startPeer(python: string, work: TorchWork, threads: number): Promise<Peer> {
  // One thread count per process: torch's OpenMP pool is sized once.
  const child: ChildProcessWithoutNullStreams = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) } });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const lines: Interface = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await iterator.next();
    if (r.done) throw new Error(`the torch peer (${python} ${SCRIPT}) stopped: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no message'}`);
    return JSON.parse(r.value) as Record<string, unknown>;
  };
  child.stdin.write(JSON.stringify({ work, threads }) + '\n');
  const ready = (await next()) as unknown as Peer['ready'];
  return {
    ready,
    async run(units) {
      child.stdin.write(JSON.stringify({ units }) + '\n');
      return (await next()).ms as number;
    },
    quit() {
      child.stdin.end(JSON.stringify({ quit: true }) + '\n');
      lines.close();
    },
  };
}

/** The thread counts a peer runs at: one, and every core (they oversubscribe on small machines: both are shown). */
export function torchThreadCounts(): number[] {
  const all = availableParallelism();
  return all > 1 ? [1, all] : [1];
}

export function torchImpl(threads: number): string {
  return `torch-cpu-${threads}t`;
}

/** One variant per thread count for `work`, or [] when no Python has torch. */
export async function torchVariants(work: TorchWork, extra: { flops?: number; samplesPerUnit?: number } = {}): Promise<CaseVariant[]> {
  const t = await findTorch();
  if ('missing' in t) return [];
  const variants: CaseVariant[] = [];
  for (const threads of torchThreadCounts()) {
    const peer = await startPeer(t.python, work, threads);
    const impl = torchImpl(threads);
    const sampler: Sampler = {
      name: impl,
      clock: 'wall',
      flops: extra.flops,
      clockNote: () => `wall clock inside the Python process around the unit(s) (torch ${peer.ready.torch}, ${peer.ready.threads} thread(s), BLAS ${peer.ready.blas}), divided by the units`,
      async sample(units) {
        return (await peer.run(units)) / units;
      },
    };
    variants.push({ impl, wallOnly: true, samplesPerUnit: extra.samplesPerUnit, sampler: async () => sampler, dispose: () => peer.quit() });
  }
  return variants;
}
