// A declared kernel (src/kernels/declaration.ts) as lab work: one call per unit on buffers filled from
// the declaration's own random problem, FLOPs and bytes from its cost model. The buffers are made on the
// first record (that is when the engine is known) and freed by dispose(). fromUnfusedTwin does the same
// for the kernel's unfused twin on the same problem.
import type { Engine } from '../../src/runtime/engine.ts';
import { workloadOf, type KernelDeclaration, type Specialisation } from '../../src/kernels/declaration.ts';
import { tidy, type Tensor } from '../../src/tensor.ts';
import { unfusedTwinOf } from '../../src/kernels/twins.ts';
import { canonicalJson } from '../tune/hash.ts';
import type { KernelWork } from './work.ts';

export interface DeclarationWorkOptions {
  /** Seed of the generated problem. Default 1. */
  seed?: number;
  /** The name in reports (default: the kernel, its shape and the specialisation). */
  name?: string;
}

/**
 * `spec` omitted: what the kernel runs without tuning on the engine (its shipped default, else its
 * heuristic), resolved at the first record.
 */
export function fromDeclaration<Shape>(decl: KernelDeclaration<Shape>, shape: Shape, spec?: Specialisation, options: DeclarationWorkOptions = {}): KernelWork & { dispose(): void } {
  const workload = workloadOf(decl, shape);
  let state: { engine: Engine; buffers: Record<string, GPUBuffer>; spec: Specialisation; scalars: Record<string, number> } | null = null;
  const prepare = (engine: Engine) => {
    const problem = decl.generate(shape, options.seed ?? 1);
    const buffers: Record<string, GPUBuffer> = {};
    for (const b of decl.bindings) {
      if (b.access === 'uniform') continue;
      const elements = workload.sizes[b.name] ?? 0;
      const buffer = engine.device.createBuffer({ label: `${decl.name} ${b.name}`, size: Math.max(16, Math.ceil((elements * 4) / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      const data = problem.inputs[b.name];
      if (data?.byteLength) engine.upload(buffer, data);
      buffers[b.name] = buffer;
    }
    return { engine, buffers, spec: spec ?? decl.shippedDefault?.(engine, shape) ?? decl.heuristic(engine, shape), scalars: problem.scalars };
  };
  return {
    name: options.name ?? `${decl.name} ${decl.describeShape(shape)}${spec ? ` ${canonicalJson(spec)}` : ''}`,
    flops: workload.flops,
    bytes: workload.bytes,
    record(engine) {
      if (state && state.engine !== engine) throw new Error(`${decl.name}: this work was prepared on another engine`);
      state ??= prepare(engine);
      workload.record(engine, state.spec, state.buffers, state.scalars);
    },
    dispose() {
      for (const b of Object.values(state?.buffers ?? {})) b.destroy();
      state = null;
    },
  };
}

/**
 * The unfused twin of a fused kernel (src/kernels/twins.ts) on the same generated problem, as lab work:
 * one unit is the twin's whole sequence of passes. Its FLOPs are the fused kernel's (the useful work,
 * so GFLOP/s compare); its bytes are left out, since the twin's intermediates move more than the fused
 * kernel's cost model counts. NoUnfusedTwinError for a kernel without a twin, RangeError for a shape the
 * twin does not compute.
 */
export function fromUnfusedTwin<Shape>(decl: KernelDeclaration<Shape>, shape: Shape, options: DeclarationWorkOptions = {}): KernelWork & { dispose(): void } {
  const twin = unfusedTwinOf(decl);
  if (!twin.serves(shape)) throw new RangeError(`${decl.name}: its unfused twin ${twin.name} does not compute ${decl.describeShape(shape)}`);
  const problem = decl.generate(shape, options.seed ?? 1);
  let state: { engine: Engine; inputs: Record<string, Tensor> } | null = null;
  return {
    name: options.name ?? `${twin.name} ${decl.describeShape(shape)}`,
    flops: decl.flops(shape),
    record(engine) {
      if (state && state.engine !== engine) throw new Error(`${twin.name}: this work was prepared on another engine`);
      state ??= { engine, inputs: twin.inputs(engine, problem) };
      const inputs = state.inputs;
      // Intermediates and results are released as the twin records; the pool hands their buffers to the next unit.
      tidy(() => { twin.run(inputs, problem); });
    },
    dispose() {
      for (const t of Object.values(state?.inputs ?? {})) t.dispose();
      state = null;
    },
  };
}
