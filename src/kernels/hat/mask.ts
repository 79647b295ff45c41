// The cumulative mask update at the end of a task (shaders/hat_mask_update.wgsl) beside its unfused twin.
import type { Tensor } from '../../tensor.ts';
import { binary } from '../elementwise.ts';
import { runKernel } from '../registry.ts';
import { assertUnits, gateUnfused } from './common.ts';

/** In place at the end of a task: prev = max(prev, σ(smax·e)). */
export function hatMaskUpdate(prev: Tensor, e: Tensor, smax: number): void {
  prev.assertAlive('hatMaskUpdate');
  assertUnits('hatMaskUpdate', e, prev.size, 'embedding');
  runKernel(prev.engine, 'mask-update', { label: `hat mask update [${prev.size}]`, shape: { count: prev.size }, buffers: { prev: prev.buffer, embedding: e.buffer }, scalars: { smax } });
}

/** The same from primitives: gate, max, copy back. */
export function hatMaskUpdateUnfused(prev: Tensor, e: Tensor, smax: number): void {
  prev.assertAlive('hatMaskUpdateUnfused');
  assertUnits('hatMaskUpdateUnfused', e, prev.size, 'embedding');
  const a = gateUnfused(e, smax);
  const m = binary('max', prev, a);
  prev.engine.copy(m.buffer, prev.buffer, prev.bytes, 'hat mask update');
  a.dispose();
  m.dispose();
}
