// The "old model" of LwF and LFL: a frozen copy of the network as it was before task t, evaluated next
// to the training network; and the validation mean of a penalty that compares the two.
import type { Engine } from '../runtime/engine.ts';
import { tensor, tidy, type Tensor } from '../tensor.ts';
import { noGrad } from '../autograd.ts';
import { axpy, fill } from '../kernels/elementwise.ts';
import { batches } from '../data/dataset.ts';
import { HatNetwork, type NetworkConfig } from '../nn/network.ts';
import type { ApproachState, SavedApproachState, TrainingRun } from '../train/approach.ts';
import { hatNetworkOf } from './shared.ts';

/**
 * A network of `config` whose parameters `setValue` fills (a copy of the current model, or a checkpoint's
 * values) and that never trains.
 */
function frozenNetwork(engine: Engine, config: NetworkConfig, setValue: (name: string, p: Tensor) => void): HatNetwork {
  const net = new HatNetwork(engine, config);
  try {
    for (const [name, p] of net.namedParameters()) {
      setValue(name, p);
      p.requiresGrad = false;
    }
  } catch (e) {
    net.dispose();
    throw e;
  }
  return net;
}

/** The old model's features for this batch (evaluation mode, no tape). */
export function oldFeatures(old: HatNetwork, x: Tensor, smax: number): Tensor {
  return noGrad(() => old.forwardWithFeatures(x, { task: 0, s: smax, training: false, step: 0, fused: true }).features);
}

/**
 * The size-weighted mean over task t's validation batches of a per-batch penalty (no dropout, no tape),
 * as the reference's eval adds its distillation terms to the validation loss.
 */
export async function validationMean(run: TrainingRun, t: number, penalty: (x: Tensor, features: Tensor) => Tensor): Promise<number> {
  const { engine, config } = run;
  const data = run.tasks[t]!.valid;
  const total = fill(engine, [1], 0).keep();
  // Batches of the training size: LFL's penalty is a sum over the batch, so the reference's validation
  // loss (per-batch loss × batch size / N) depends on it.
  for (const b of batches(data, config.batch)) {
    tidy(() => noGrad(() => {
      const x = tensor(engine, b.images, [b.size, data.channels, data.height, data.width]);
      const { features } = run.net.forwardWithFeatures(x, { task: t, s: config.smax, training: false, step: 0, fused: config.fused });
      axpy(total, penalty(x, features), b.size);
    }));
  }
  const value = (await total.item()) / data.n;
  total.dispose();
  return value;
}

/** The frozen copy of the network before task t (none for the first task); checkpointed as `old.<parameter name>`. */
export class OldModel {
  net: HatNetwork | null = null;
  constructor(private readonly approach: string) {}

  renew(run: TrainingRun, t: number): void {
    this.dispose();
    if (t === 0) return;
    const current = hatNetworkOf(run, this.approach);
    const source = new Map(current.namedParameters());
    this.net = frozenNetwork(run.engine, current.config, (name, p) => run.engine.copy(source.get(name)!.buffer, p.buffer, p.bytes, `freeze ${name}`));
  }

  save(): ApproachState {
    return { json: null, tensors: new Map(this.net ? this.net.namedParameters().map(([name, p]): [string, Tensor] => [`old.${name}`, p]) : []) };
  }

  load(run: TrainingRun, saved: SavedApproachState): void {
    this.dispose();
    if (![...saved.tensors.keys()].some((k) => k.startsWith('old.'))) return;
    this.net = frozenNetwork(run.engine, hatNetworkOf(run, this.approach).config, (name, p) => {
      const t = saved.tensors.get(`old.${name}`);
      if (!t || t.shape.join() !== p.shape.join()) throw new Error(`checkpoint's old model: tensor approach.old.${name} is ${t ? `[${t.shape.join(', ')}], the network needs [${p.shape.join(', ')}]` : 'missing'}`);
      run.engine.upload(p.buffer, t.data);
    });
  }

  dispose(): void {
    this.net?.dispose();
    this.net = null;
  }
}
