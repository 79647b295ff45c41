// Two helpers the kernel bindings share: the workgroup grid of a one-dimensional dispatch and the
// uniform params block of u32 fields followed by f32 fields.
import type { Engine } from '../runtime/engine.ts';

/** Workgroups for `count` invocations in groups of `wg` (Engine.grid spreads them over x and y). */
export function linearGrid(engine: Engine, count: number, wg: number): [number, number] {
  return engine.grid(Math.ceil(count / wg));
}

/**
 * A uniform params block: the u32 fields, then the f32 fields (rounded to f32), zero-padded to a
 * multiple of 16 bytes.
 */
export function packParams(u32: readonly number[], f32: readonly number[] = []): ArrayBuffer {
  const params = new ArrayBuffer(Math.ceil((u32.length + f32.length) / 4) * 16);
  new Uint32Array(params, 0, u32.length).set(u32);
  new Float32Array(params, 4 * u32.length, f32.length).set(f32);
  return params;
}
