// The engine: one WebGPU device, its buffer pool and pipeline cache, and the batch of work being recorded.
//
// Ops record dispatches synchronously (`dispatch`, `copy`, `upload`). Nothing reaches the GPU until
// `submit()`, which waits for any pipeline still compiling, encodes the whole batch into one command
// encoder (one compute pass between copies), and submits it once. Reading back (`read`) is the only
// round trip and happens only when asked.
import { BufferPool, fmtBytes, type PoolCounters } from './buffer-pool.ts';
import { PipelineCache, type ShaderSpec } from './pipeline-cache.ts';
import type { ShaderSource } from './shaders.ts';
import { DeviceLostError, GpuValidationError } from './errors.ts';
import { WaitEstimator } from './wait.ts';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
  /** True for CPU implementations (lavapipe/llvmpipe, SwiftShader), where kernels are chosen differently. */
  isCpu: boolean;
}

export interface DispatchSpec {
  /** Names the op in errors and in WebGPU debug labels. */
  label: string;
  shader: ShaderSpec;
  /** Contents of the uniform buffer at @binding(0) (at most 256 bytes); omitted if the kernel has none. */
  params?: ArrayBufferView | ArrayBuffer;
  /** Storage buffers bound at @binding(1), @binding(2), … in order. */
  buffers: GPUBuffer[];
  workgroups: readonly [number, number?, number?];
}

type Command =
  | { kind: 'dispatch'; spec: DispatchSpec; pipeline: ReturnType<PipelineCache['get']>; paramsOffset: number }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; bytes: number; label: string };

export interface EngineOptions {
  /** Log each submit's size to stderr. */
  verbose?: boolean;
}

const PARAMS_STRIDE = 256;
export const MAX_WORKGROUPS_PER_DIM = 65535;

export class Engine {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly limits: GPUSupportedLimits;
  readonly hasTimestamps: boolean;
  private commands: Command[] = [];
  private params = new Uint8Array(PARAMS_STRIDE * 64);
  private paramsUsed = 0;
  private paramsBuffer: GPUBuffer | null = null;
  private staging: GPUBuffer[] = [];
  private stagingInFlight: GPUBuffer[] = [];
  private lost: GPUDeviceLostInfo | null = null;
  private uncaptured: string | null = null;
  private readonly waits = new WaitEstimator();
  private destroyed = false;
  submits = 0;
  dispatches = 0;
  /** Copies back to the CPU (each waits for the queue: ≥ 0.13 ms on lavapipe, more on a real GPU's bus). */
  readbacks = 0;
  /** Per-op GPU time while profiling (see startProfile); null otherwise. */
  private profile: Map<string, { count: number; ms: number }> | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
    shaderSource: ShaderSource,
    /** Keeps the platform's GPU object alive as long as the engine (dawn.node crashes if it is collected). */
    private readonly keepAlive: unknown,
    readonly options: EngineOptions = {},
  ) {
    this.limits = device.limits;
    this.hasTimestamps = device.features.has('timestamp-query');
    this.pool = new BufferPool(device, Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize));
    this.pipelines = new PipelineCache(device, shaderSource);
    device.lost.then((info) => { this.lost = info; });
    device.onuncapturederror = (event: GPUUncapturedErrorEvent) => { this.uncaptured ??= event.error.message; };
  }

  /** The largest storage binding a single tensor may have on this device. */
  get maxBindingBytes(): number {
    return Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize);
  }

  private checkAlive(what: string): void {
    if (this.destroyed) throw new Error(`${what}: the engine was destroyed`);
    // A device destroyed from outside the engine (or lost by the driver) fails every later op by name.
    if (this.lost) throw new DeviceLostError(this.lost.reason, `${this.lost.message} (while ${what})`);
  }

  /** Records one compute dispatch. Workgroup counts over 65,535 in x must be folded by the caller (see `grid`). */
  dispatch(spec: DispatchSpec): void {
    this.checkAlive(spec.label);
    const [x, y = 1, z = 1] = spec.workgroups;
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) throw new RangeError(`${spec.label}: ${x}×${y}×${z} workgroups exceeds ${max} per dimension`);
    if (x === 0 || y === 0 || z === 0) return;
    let paramsOffset = -1;
    if (spec.params) {
      const bytes = spec.params instanceof ArrayBuffer ? new Uint8Array(spec.params) : new Uint8Array(spec.params.buffer, spec.params.byteOffset, spec.params.byteLength);
      if (bytes.byteLength > PARAMS_STRIDE) throw new RangeError(`${spec.label}: ${bytes.byteLength} bytes of params, at most ${PARAMS_STRIDE}`);
      if (this.paramsUsed + PARAMS_STRIDE > this.params.byteLength) {
        const grown = new Uint8Array(this.params.byteLength * 2);
        grown.set(this.params);
        this.params = grown;
      }
      paramsOffset = this.paramsUsed;
      this.params.set(bytes, paramsOffset);
      this.paramsUsed += PARAMS_STRIDE;
    }
    this.commands.push({ kind: 'dispatch', spec, pipeline: this.pipelines.get(spec.shader), paramsOffset });
  }

  /** Records a buffer-to-buffer copy, ordered with the dispatches around it. */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number, label = 'copy', srcOffset = 0, dstOffset = 0): void {
    this.checkAlive(label);
    if (bytes > 0) this.commands.push({ kind: 'copy', src, srcOffset, dst, dstOffset, bytes: align4(bytes), label });
  }

  /**
   * Writes data into a buffer, in order with the recorded work: directly when nothing is pending, else
   * through a staging buffer copied at this point of the batch (a plain writeBuffer would overtake it).
   */
  upload(dst: GPUBuffer, data: ArrayBufferView, dstOffset = 0): void {
    this.checkAlive('upload');
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const padded = bytes.byteLength % 4 === 0 ? bytes : (() => { const p = new Uint8Array(align4(bytes.byteLength)); p.set(bytes); return p; })();
    if (this.commands.length === 0) {
      this.device.queue.writeBuffer(dst, dstOffset, padded);
      return;
    }
    const staging = this.device.createBuffer({ size: padded.byteLength, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true, label: 'upload staging' });
    new Uint8Array(staging.getMappedRange()).set(padded);
    staging.unmap();
    this.copy(staging, dst, padded.byteLength, 'upload', 0, dstOffset);
    this.stagingInFlight.push(staging);
  }

  /** Work recorded and not yet submitted. */
  get pending(): number {
    return this.commands.length;
  }

  /**
   * Profiling: from now on every dispatch is submitted and waited for on its own, and its wall time is
   * added up under its label (digits removed, so shapes group). Slow; for finding where time goes.
   */
  startProfile(): void {
    this.profile = new Map();
  }

  /** Ends profiling and returns the time per op, largest first. */
  stopProfile(): { op: string; count: number; ms: number }[] {
    const p = this.profile ?? new Map();
    this.profile = null;
    return [...p.entries()].map(([op, v]) => ({ op, ...v })).sort((a, b) => b.ms - a.ms);
  }

  /** Encodes everything recorded into one command buffer and submits it. */
  async submit(): Promise<void> {
    this.checkAlive('submit');
    if (this.profile && this.commands.length > 1) {
      const all = this.commands;
      const params = this.params.slice(0, this.paramsUsed);
      for (const c of all) {
        this.commands = [c];
        this.params.set(params);
        this.paramsUsed = params.byteLength;
        const t0 = performance.now();
        await this.submit();
        await this.device.queue.onSubmittedWorkDone();
        const key = (c.kind === 'copy' ? c.label : c.spec.label).replace(/\d+/g, '#');
        const entry = this.profile.get(key) ?? { count: 0, ms: 0 };
        entry.count++;
        entry.ms += performance.now() - t0;
        this.profile.set(key, entry);
      }
      return;
    }
    const commands = this.commands;
    if (commands.length === 0) return;
    this.commands = [];
    const paramsBytes = this.paramsUsed;
    this.paramsUsed = 0;
    // Compiles in flight are awaited here, all at once, not one by one at record time.
    for (const c of commands) if (c.kind === 'dispatch' && !c.pipeline.pipeline) await c.pipeline.ready;

    const device = this.device;
    if (paramsBytes > 0) {
      if (!this.paramsBuffer || this.paramsBuffer.size < paramsBytes) {
        this.paramsBuffer?.destroy();
        this.paramsBuffer = device.createBuffer({ size: this.params.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'op params' });
      }
      // Queue-ordered after earlier submits, so reusing one params buffer every batch is safe.
      device.queue.writeBuffer(this.paramsBuffer, 0, this.params, 0, paramsBytes);
    }
    // One pair of scopes around the whole batch (not one per dispatch): a rejected dispatch is reported by
    // this submit, naming the ops in it, and nothing is left for the next, unrelated submit to trip on.
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    // Both popped together, before any await: another submit interleaving would otherwise pop these scopes.
    const popScopes = () => Promise.all([device.popErrorScope(), device.popErrorScope()]);
    let popped: ReturnType<typeof popScopes> | null = null;
    try {
      const encoder = device.createCommandEncoder();
      let pass: GPUComputePassEncoder | null = null;
      for (const c of commands) {
        if (c.kind === 'copy') {
          pass?.end();
          pass = null;
          encoder.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.bytes);
          continue;
        }
        pass ??= encoder.beginComputePass();
        const pipeline = c.pipeline.pipeline!;
        const entries: GPUBindGroupEntry[] = c.spec.buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }));
        if (c.paramsOffset >= 0) entries.unshift({ binding: 0, resource: { buffer: this.paramsBuffer!, offset: c.paramsOffset, size: PARAMS_STRIDE } });
        const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries, label: c.spec.label });
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup);
        const [x, y = 1, z = 1] = c.spec.workgroups;
        pass.dispatchWorkgroups(x, y, z);
        this.dispatches++;
      }
      pass?.end();
      device.queue.submit([encoder.finish()]);
      this.submits++;
      this.pool.afterSubmit();
      for (const s of this.stagingInFlight) s.destroy();
      this.stagingInFlight = [];
      popped = popScopes();
    } finally {
      // An exception while encoding must not leave the scopes on the device's stack.
      if (!popped) void popScopes().catch(() => {});
    }
    const [oom, validation] = await popped;
    const error = validation ?? oom;
    const labels = () => commands.map((c) => (c.kind === 'copy' ? c.label : c.spec.label));
    if (error) throw new GpuValidationError(findNamed(error.message, labels()), error.message);
    if (this.uncaptured) {
      const message = this.uncaptured;
      this.uncaptured = null;
      throw new GpuValidationError(findNamed(message, labels()), message);
    }
    this.checkAlive('submit');
  }

  /**
   * Waits until the GPU has finished everything submitted. Name the kind of work (`tag`) to sleep for most
   * of its expected time first (see runtime/wait.ts: dawn.node busy-polls and would starve a CPU driver).
   */
  async sync(tag?: string): Promise<void> {
    await this.submit();
    await this.waitFor(() => this.device.queue.onSubmittedWorkDone(), tag);
  }

  private async waitFor<T>(start: () => Promise<T>, tag?: string): Promise<T> {
    const { result } = await this.waits.wait(start, tag);
    this.checkAlive('waiting for the GPU');
    return result;
  }

  /** Copies `bytes` of a buffer back to the CPU (submits pending work first). */
  async read(src: GPUBuffer, bytes: number, tag?: string, srcOffset = 0): Promise<ArrayBuffer> {
    this.readbacks++;
    const size = align4(bytes);
    let staging = this.staging.findIndex((b) => b.size >= size && b.size <= size * 4 + 4096);
    const buffer = staging >= 0 ? this.staging.splice(staging, 1)[0]! : this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'readback' });
    this.copy(src, buffer, size, 'readback', srcOffset, 0);
    await this.submit();
    try {
      try {
        await this.waitFor(() => buffer.mapAsync(GPUMapMode.READ, 0, size), tag);
      } catch (e) {
        // A lost device rejects the map before `device.lost` resolves: give it a moment to say why.
        await Promise.race([this.device.lost, new Promise((r) => setTimeout(r, 100))]);
        this.checkAlive('reading back');
        throw e;
      }
      const out = buffer.getMappedRange(0, size).slice(0, bytes);
      buffer.unmap();
      return out;
    } finally {
      if (buffer.mapState === 'mapped') buffer.unmap();
      if (this.staging.length < 8) this.staging.push(buffer); else buffer.destroy();
    }
  }

  /** Workgroup grid for `count` workgroups: x up to 65,535, the rest folded into y. Kernels use `linearWorkgroup`. */
  grid(count: number): [number, number] {
    if (count <= MAX_WORKGROUPS_PER_DIM) return [Math.max(count, 1), 1];
    const y = Math.ceil(count / MAX_WORKGROUPS_PER_DIM);
    return [Math.ceil(count / y), y];
  }

  stats(): PoolCounters & { pipelines: number; compiles: number; submits: number; dispatches: number; readbacks: number } {
    return { ...this.pool.stats(), pipelines: this.pipelines.size, compiles: this.pipelines.compiles, submits: this.submits, dispatches: this.dispatches, readbacks: this.readbacks };
  }

  describe(): string {
    const a = this.adapter;
    return `${a.description || a.device || a.architecture} (${a.vendor || 'unknown vendor'}${a.isCpu ? ', CPU' : ''}); max binding ${fmtBytes(this.maxBindingBytes)}`;
  }

  /** Destroys the device so Node can exit. The engine is unusable afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pool.trim();
    for (const b of this.staging) b.destroy();
    this.paramsBuffer?.destroy();
    this.device.destroy();
    void this.keepAlive;
  }
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

function findNamed(message: string, labels: string[]): string[] {
  const named = [...new Set(labels.filter((l) => message.includes(l)))];
  return named.length ? named : [...new Set(labels)];
}

/** Asks the adapter for what kernels need: its full storage and workgroup limits, and timestamps when present. */
export async function requestEngine(adapter: GPUAdapter, shaderSource: ShaderSource, keepAlive: unknown, options: EngineOptions = {}): Promise<Engine> {
  const want: (keyof GPUSupportedLimits)[] = [
    'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ', 'maxStorageBuffersPerShaderStage',
    'maxComputeWorkgroupsPerDimension',
  ];
  const requiredLimits: Record<string, number> = {};
  for (const k of want) requiredLimits[k] = adapter.limits[k] as number;
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  // The subgroup matmul core (lanes share B through shuffles) halves nt/nn GEMM time on CPU adapters.
  if (adapter.features.has('subgroups' as GPUFeatureName)) requiredFeatures.push('subgroups' as GPUFeatureName);
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'webgpu-hat' });
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const text = `${info.vendor} ${info.architecture} ${info.description} ${info.device}`.toLowerCase();
  const summary: AdapterSummary = {
    vendor: info.vendor ?? '', architecture: info.architecture ?? '', description: info.description ?? '', device: info.device ?? '',
    isCpu: /llvmpipe|lavapipe|swiftshader|cpu/.test(text) || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
  };
  return new Engine(device, summary, shaderSource, keepAlive, options);
}
