// The matmul family's specialisations: the GEMM forms, the kernel variants (core, register block,
// workgroup), the tile a variant covers and the variant shipped for each adapter (measured: see the
// table in matmul.ts). Apart from matmul.ts so that declarations and references import no binding.
import type { Engine } from '../runtime/engine.ts';

export type MatmulForm = 'nn' | 'nt' | 'tn';

/** One kernel configuration: core shader, per-invocation block TM×TN, workgroup WX×WY invocations. */
export interface MatmulVariant {
  core: 'matmul' | 'matmul_sg';
  tm: number;
  tn: number;
  wx: number;
  wy: number;
}

export const FORM_ID: Record<MatmulForm, number> = { nn: 0, nt: 1, tn: 2 };

/** Output rows and columns covered by one workgroup. */
export function variantTile(v: MatmulVariant): [number, number] {
  if (v.core === 'matmul_sg') return [v.tm * v.wx, v.tn * (v.wx * v.wy / 8)];
  return [v.tm * v.wy, v.tn * v.wx];
}

/** Whether the subgroup core can run: the device has `subgroups` and (CPU adapters) subgroups of 8. */
export function subgroupsOf8(engine: Engine): boolean {
  if (!engine.device.features.has('subgroups' as GPUFeatureName)) return false;
  const info = engine.device.adapterInfo as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number } | undefined;
  const lo = info?.subgroupMinSize, hi = info?.subgroupMaxSize;
  // lavapipe at 256 bits reports 8..8; without the numbers, trust CPU adapters that report the feature.
  return lo !== undefined && hi !== undefined ? lo === 8 && hi === 8 : engine.adapter.isCpu;
}

/** The variant used for a form on this engine's adapter. */
export function chooseVariant(engine: Engine, form: MatmulForm): MatmulVariant {
  if (engine.adapter.isCpu) {
    if (form !== 'tn' && subgroupsOf8(engine)) return { core: 'matmul_sg', tm: 4, tn: 32, wx: 8, wy: 2 };
    return form === 'tn' ? { core: 'matmul', tm: 16, tn: 16, wx: 8, wy: 4 } : { core: 'matmul', tm: 16, tn: 16, wx: 4, wy: 4 };
  }
  // Real GPUs: many threads, a small block each.
  return { core: 'matmul', tm: 4, tn: 4, wx: 16, wy: 16 };
}

