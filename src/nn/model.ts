// What the trainer needs of a network. HatNetwork (HAT, SGD and the baselines that share its layers)
// implements it, and so do the networks of PathNet and progressive networks (src/nn/), whose
// structure (modules and paths, columns and lateral adapters) differs but trains in the same loop.
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../tensor.ts';
import type { ForwardContext, GatedLayer } from './network.ts';

export interface ContinualNetwork {
  readonly engine: Engine;
  /** HAT's gated layers (embeddings, cumulative masks); empty for networks without gates. */
  readonly layers: readonly GatedLayer[];
  /**
   * Whether the forward depends on the task beyond the head it ends in (HAT's masks, PathNet's paths,
   * progressive columns). Task-agnostic evaluation then infers the task by running each one's forward;
   * otherwise it takes the argmax over the concatenated heads.
   */
  readonly taskConditioned: boolean;
  /** Logits of head `ctx.task` for a batch x [B, C, H, W]. */
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  /** The logits and the features head `ctx.task` sees ([B, features]). */
  forwardWithFeatures(x: Tensor, ctx: ForwardContext): { logits: Tensor; features: Tensor };
  /** Parameters shared by every task (SGD-F freezes these after the first). */
  sharedParameters(): Tensor[];
  /** Every parameter that may train while task t is learned (the trainer keeps best copies of them). */
  taskParameters(task: number): Tensor[];
  /** Every parameter, in a stable order, with names (checkpoints, export). */
  namedParameters(): [string, Tensor][];
  /** Weights and biases, without HAT's task embeddings. */
  parameterCount(): number;
  /**
   * Per layer, the fraction of the network's capacity taken by the tasks learned so far (HAT: units whose
   * cumulative mask is over 0.5; PathNet: modules frozen in a task's path). Absent: computed from masks.
   */
  capacityUsage?(): Promise<number[]>;
  dispose(): void;
}

/**
 * The smallest width w in [1, maxWidth] whose network has at least `target` parameters, or the one
 * below it when that is closer: PathNet's modules and progressive columns are sized so that the whole
 * network has about the parameters of the HAT network it is compared with. `count` must grow with w.
 */
export function widthForParameters(target: number, count: (width: number) => number, maxWidth = 1 << 16): number {
  let lo = 1, hi = maxWidth;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (count(mid) >= target) hi = mid;
    else lo = mid + 1;
  }
  if (lo > 1 && target - count(lo - 1) < count(lo) - target) return lo - 1;
  return lo;
}

/**
 * Per layer, the share of the network's capacity the tasks learned so far hold: the network's own
 * measure where it has one, else the fraction of units whose cumulative mask is over 0.5 (0 for a layer
 * without a mask yet).
 */
export async function capacityUsage(net: ContinualNetwork): Promise<number[]> {
  if (net.capacityUsage) return net.capacityUsage();
  const out: number[] = [];
  for (const layer of net.layers) {
    if (!layer.prevMask) { out.push(0); continue; }
    const m = await layer.prevMask.float32();
    out.push(m.reduce((a, v) => a + (v > 0.5 ? 1 : 0), 0) / m.length);
  }
  return out;
}
