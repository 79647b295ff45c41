// The cumulative mask update at the end of a task (shaders/hat_mask_update.wgsl) beside its unfused twin.
import type { Tensor } from '../../tensor.ts';
import { binary, ELEMENTWISE_WG } from '../elementwise.ts';
import { linearGrid, packParams } from '../dispatch.ts';
import { assertUnits, gateUnfused } from './common.ts';

/** In place at the end of a task: prev = max(prev, σ(smax·e)). */
export function hatMaskUpdate(prev: Tensor, e: Tensor, smax: number): void {
  prev.assertAlive('hatMaskUpdate');
  assertUnits('hatMaskUpdate', e, prev.size, 'embedding');
  const params = packParams([prev.size], [smax]);
  prev.engine.dispatch({ label: `hat mask update [${prev.size}]`, shader: { name: 'hat_mask_update', append: ['hat_common'] }, params, buffers: [prev.buffer, e.buffer], workgroups: linearGrid(prev.engine, prev.size, ELEMENTWISE_WG) });
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
