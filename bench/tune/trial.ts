// A declared kernel on one random problem, on the GPU: buffers filled from the declaration's generator,
// one call of any candidate, its outputs read back and compared with another candidate's, and the
// candidate as lab work for timing.
import type { Engine } from '../../src/runtime/engine.ts';
import { workloadOf, type KernelDeclaration, type KernelWorkload, type Problem, type Specialisation } from '../../src/kernels/declaration.ts';
import type { KernelWork } from '../lab/work.ts';

export type Outputs = Record<string, Float32Array | Int32Array | Uint32Array>;

export class KernelTrial<Shape> {
  readonly workload: KernelWorkload<Shape>;
  readonly problem: Problem<Shape>;
  private readonly buffers: Record<string, GPUBuffer> = {};

  constructor(private readonly engine: Engine, readonly decl: KernelDeclaration<Shape>, readonly shape: Shape, seed = 1) {
    this.workload = workloadOf(decl, shape);
    this.problem = decl.generate(shape, seed);
    for (const b of this.storage) {
      this.buffers[b.name] = engine.device.createBuffer({ label: `tune ${decl.name} ${b.name}`, size: Math.max(16, Math.ceil((this.workload.sizes[b.name] ?? 0) * 4 / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    }
  }

  private get storage() {
    return this.decl.bindings.filter((b) => b.access !== 'uniform');
  }

  private get outputs() {
    return this.storage.filter((b) => b.access === 'read_write');
  }

  /** Inputs as generated, outputs zero (an in-place binding gets its input back). */
  private reset(): void {
    for (const b of this.storage) {
      const data = this.problem.inputs[b.name] ?? new Float32Array(this.workload.sizes[b.name] ?? 0);
      if (data.byteLength) this.engine.upload(this.buffers[b.name]!, data);
    }
  }

  /** One call of `spec` from the initial inputs; its outputs. */
  async run(spec: Specialisation): Promise<Outputs> {
    this.reset();
    this.workload.record(this.engine, spec, this.buffers, this.problem.scalars);
    const out: Outputs = {};
    for (const b of this.outputs) {
      const n = this.workload.sizes[b.name] ?? 0;
      const bytes = await this.engine.read(this.buffers[b.name]!, n * 4, `tune ${this.decl.name}`);
      out[b.name] = b.type === 'f32' ? new Float32Array(bytes) : b.type === 'i32' ? new Int32Array(bytes) : new Uint32Array(bytes);
    }
    return out;
  }

  /** The lab work of one call of `spec` (after a reset; the buffers keep whatever the calls leave). */
  work(spec: Specialisation): KernelWork {
    this.reset();
    return {
      name: `${this.decl.name} ${JSON.stringify(spec)}`,
      flops: this.workload.flops,
      bytes: this.workload.bytes,
      record: (engine) => this.workload.record(engine, spec, this.buffers, this.problem.scalars),
    };
  }

  destroy(): void {
    for (const b of Object.values(this.buffers)) b.destroy();
  }
}

/**
 * Why `actual` differs from `expected`, or null. Each may be off the float64 reference by the kernel's
 * tolerance, so they may differ from each other by twice it.
 */
export function outputsDiffer(actual: Outputs, expected: Outputs, tol: { rtol: number; atol: number }): string | null {
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name];
    if (!a || a.length !== e.length) return `${name}: ${a?.length ?? 0} values, expected ${e.length}`;
    for (let i = 0; i < e.length; i++) {
      const x = a[i]!, y = e[i]!;
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (!(Math.abs(x - y) <= 2 * (tol.atol + tol.rtol * Math.abs(y)))) return `${name}[${i}] = ${x}, the default gives ${y}`;
    }
  }
  return null;
}
