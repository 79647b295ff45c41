// GPU time of the compute passes an engine submits, from timestamp queries (the `timestamp-query`
// feature; Engine.hasTimestamps says whether the device has it).
//
// The engine encodes its passes itself (engine.ts), so while `measure` runs, the device's command
// encoders are wrapped so that every compute pass they begin also writes a timestamp at its beginning
// and its end; afterwards the device is as it was. The time reported is the sum over the passes of end
// − beginning: copies between passes and idle gaps between submits are not in it. Writing timestamps
// costs time of its own (an empty pass reads tens to hundreds of µs on lavapipe), which `emptyPassNs`
// measures so a caller can subtract it per pass.
import { WaitEstimator } from './wait.ts';

export interface PassTiming {
  /** Sum over the passes of (end − beginning), in nanoseconds. */
  ns: number;
  passes: number;
}

type Patchable = GPUDevice & { createCommandEncoder: GPUDevice['createCommandEncoder'] };

export class PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private readonly readback: GPUBuffer;
  private readonly waits = new WaitEstimator();

  /** `maxPasses`: the most compute passes one `measure` may time (two queries each). */
  constructor(private readonly device: GPUDevice, readonly maxPasses = 1024) {
    if (!device.features.has('timestamp-query')) throw new Error('PassTimer: the device was created without the timestamp-query feature');
    const bytes = maxPasses * 2 * 8;
    this.querySet = device.createQuerySet({ type: 'timestamp', count: maxPasses * 2, label: 'pass timer' });
    this.resolved = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, label: 'pass timer resolve' });
    this.readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'pass timer readback' });
  }

  /**
   * Runs `submitWork` (which must submit, e.g. `() => engine.submit()`) with every compute pass it
   * encodes timed, waits for the GPU and returns the passes' summed time.
   */
  async measure(submitWork: () => Promise<void>): Promise<PassTiming> {
    const device = this.device as Patchable;
    const createEncoder = device.createCommandEncoder;
    const querySet = this.querySet;
    let passes = 0;
    let overflow = false;
    const maxPasses = this.maxPasses;
    device.createCommandEncoder = function (descriptor?: GPUCommandEncoderDescriptor) {
      const encoder = createEncoder.call(device, descriptor);
      const beginPass = encoder.beginComputePass;
      encoder.beginComputePass = function (passDescriptor?: GPUComputePassDescriptor) {
        if (passes >= maxPasses || passDescriptor?.timestampWrites) {
          overflow ||= passes >= maxPasses;
          return beginPass.call(encoder, passDescriptor);
        }
        const i = passes++;
        return beginPass.call(encoder, { ...passDescriptor, timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
      };
      return encoder;
    };
    try {
      await submitWork();
    } finally {
      // The own property shadowed the prototype's method; deleting it restores the device.
      delete (device as Partial<Patchable>).createCommandEncoder;
    }
    if (overflow) throw new RangeError(`PassTimer: the work encoded more than ${maxPasses} compute passes; time fewer units per sample`);
    return { ns: passes ? await this.read(passes) : 0, passes };
  }

  /** The median reading of an empty compute pass, over `repeats` submits. */
  async emptyPassNs(repeats = 9): Promise<number> {
    const readings: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const { ns } = await this.measure(async () => {
        const encoder = this.device.createCommandEncoder({ label: 'empty pass' });
        encoder.beginComputePass().end();
        this.device.queue.submit([encoder.finish()]);
      });
      readings.push(ns);
    }
    readings.sort((a, b) => a - b);
    return readings[readings.length >> 1]!;
  }

  private async read(passes: number): Promise<number> {
    const bytes = passes * 2 * 8;
    const encoder = this.device.createCommandEncoder({ label: 'pass timer resolve' });
    encoder.resolveQuerySet(this.querySet, 0, passes * 2, this.resolved, 0);
    encoder.copyBufferToBuffer(this.resolved, 0, this.readback, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await this.waits.wait(() => this.readback.mapAsync(GPUMapMode.READ, 0, bytes), 'pass timer');
    const stamps = new BigUint64Array(this.readback.getMappedRange(0, bytes).slice(0));
    this.readback.unmap();
    let ns = 0;
    // A pass whose end reads before its beginning (a driver that resets its counter) counts as 0.
    for (let i = 0; i < passes; i++) ns += Math.max(0, Number(stamps[2 * i + 1]! - stamps[2 * i]!));
    return ns;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolved.destroy();
    this.readback.destroy();
  }
}
