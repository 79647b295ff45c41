// Reuses GPU buffers by size class so that a training step allocates nothing in steady state.
//
// Size classes are powers of two up to 1 MiB and then multiples of 1/8 of the next power of two: a
// freed buffer serves any later request of the same class. A buffer released while commands that use
// it are still being recorded must not be handed out again before those commands are submitted
// (queue.writeBuffer into it would overtake them), so releases are parked until `afterSubmit()`.

export interface PoolCounters {
  /** Buffers handed out and not yet released. */
  liveBuffers: number;
  /** Bytes of those buffers (size-class bytes, not requested bytes). */
  liveBytes: number;
  /** The most liveBytes has been since the pool was made or resetPeak() (what a step needs at once). */
  peakLiveBytes: number;
  /** Buffers the pool holds for reuse (including parked ones). */
  freeBuffers: number;
  freeBytes: number;
  /** createBuffer calls since the pool was made. */
  allocations: number;
  /** Requests served from the free lists. */
  reuses: number;
}

// GPUBufferUsage.STORAGE | COPY_SRC | COPY_DST, spelled as numbers: this module may load before
// runtime/node.ts has installed Dawn's globals.
export const STORAGE_USAGE = 0x80 | 0x04 | 0x08;

export function sizeClass(bytes: number): number {
  const min = 256;
  if (bytes <= min) return min;
  const pow = 2 ** Math.ceil(Math.log2(bytes));
  if (pow <= 1 << 20) return pow;
  const step = pow / 8;
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private parked: GPUBuffer[] = [];
  private readonly counters: PoolCounters = { liveBuffers: 0, liveBytes: 0, peakLiveBytes: 0, freeBuffers: 0, freeBytes: 0, allocations: 0, reuses: 0 };

  constructor(private readonly device: GPUDevice, private readonly maxBufferSize: number) {}

  acquire(bytes: number, label: string): GPUBuffer {
    const size = sizeClass(Math.max(bytes, 4));
    if (size > this.maxBufferSize) {
      throw new RangeError(`${label}: needs a ${fmtBytes(bytes)} buffer, over this device's maxBufferSize ${fmtBytes(this.maxBufferSize)}`);
    }
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (buffer) {
      this.counters.reuses++;
      this.counters.freeBuffers--;
      this.counters.freeBytes -= size;
    } else {
      buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE, label });
      this.counters.allocations++;
    }
    this.counters.liveBuffers++;
    this.counters.liveBytes += size;
    this.counters.peakLiveBytes = Math.max(this.counters.peakLiveBytes, this.counters.liveBytes);
    return buffer;
  }

  /** Starts a new peak from what is live now (e.g. to measure one step's). */
  resetPeak(): void {
    this.counters.peakLiveBytes = this.counters.liveBytes;
  }

  /** Returns a buffer; it becomes reusable after the commands recorded so far are submitted. */
  release(buffer: GPUBuffer): void {
    this.counters.liveBuffers--;
    this.counters.liveBytes -= buffer.size;
    this.counters.freeBuffers++;
    this.counters.freeBytes += buffer.size;
    this.parked.push(buffer);
  }

  /** Called by the engine right after a submit: parked buffers can now be handed out again. */
  afterSubmit(): void {
    for (const buffer of this.parked) {
      const list = this.free.get(buffer.size);
      if (list) list.push(buffer);
      else this.free.set(buffer.size, [buffer]);
    }
    this.parked = [];
  }

  /** Destroys every buffer held for reuse (live buffers are untouched). */
  trim(): void {
    this.afterSubmit();
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.counters.freeBuffers = 0;
    this.counters.freeBytes = 0;
  }

  stats(): PoolCounters {
    return { ...this.counters };
  }
}

export function fmtBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}
