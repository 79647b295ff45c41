// Every approach by name: what `--approach NAME` and the API's `approach` setting select. Adding an
// approach = a file in this folder implementing Approach (src/train/approach.ts) and one line here.
import type { Approach as ApproachName, TrainConfig } from '../config/train-config.ts';
import { APPROACH_DEFAULTS, type ApproachOptions } from '../config/approaches.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Task } from '../data/task.ts';
import type { Approach } from '../train/approach.ts';
import { Trainer } from '../train/trainer.ts';
import { hatApproach, type HatOptions } from './hat.ts';
import { adahatApproach } from './adahat.ts';
import { sgdApproach } from './sgd.ts';
import { sgdFrozenApproach } from './sgd-frozen.ts';
import { jointApproach } from './joint.ts';
import { ewcApproach } from './ewc.ts';
import { immApproach } from './imm.ts';
import { lwfApproach } from './lwf.ts';
import { lflApproach } from './lfl.ts';
import { pathnetApproach } from './pathnet.ts';
import { progressiveApproach } from './progressive.ts';

export type { ApproachOptions };

/** The HAT family's settings from a run's config. */
function hatOptions(c: TrainConfig): HatOptions {
  return { smax: c.smax, c: c.c, embeddingClamp: c.embeddingClamp, fused: c.fused, sSchedule: c.sSchedule, embeddingInit: c.embeddingInit, maskThreshold: c.maskThreshold };
}

const BUILDERS: Record<ApproachName, (config: TrainConfig, o: ApproachOptions) => Approach> = {
  hat: (c) => hatApproach(hatOptions(c)),
  adahat: (c, o) => {
    const d = APPROACH_DEFAULTS.adahat;
    return adahatApproach({ ...hatOptions(c), adjustmentIntensity: o.adjustmentIntensity ?? d.adjustmentIntensity, epsilon: o.epsilon ?? d.epsilon });
  },
  sgd: () => sgdApproach(),
  'sgd-frozen': () => sgdFrozenApproach(),
  joint: () => jointApproach(),
  ewc: (_c, o) => ewcApproach(o.lambda ?? APPROACH_DEFAULTS.ewc.lambda),
  'imm-mean': (_c, o) => immApproach('mean', o.lambda ?? APPROACH_DEFAULTS['imm-mean'].lambda),
  'imm-mode': (_c, o) => immApproach('mode', o.lambda ?? APPROACH_DEFAULTS['imm-mode'].lambda),
  lwf: (_c, o) => lwfApproach(o.lambda ?? APPROACH_DEFAULTS.lwf.lambda, o.temperature ?? APPROACH_DEFAULTS.lwf.T),
  lfl: (_c, o) => lflApproach(o.lambda ?? APPROACH_DEFAULTS.lfl.lambda),
  pathnet: (_c, o) => {
    const d = APPROACH_DEFAULTS.pathnet;
    return pathnetApproach({ modules: o.modules ?? d.modules, active: o.active ?? d.active, generations: o.generations ?? d.generations, paths: o.paths ?? d.paths });
  },
  progressive: () => progressiveApproach(),
};

/** The approach `config.approach` names, with its hyperparameters from `config` and `options`. */
export function createApproach(config: TrainConfig, options: ApproachOptions = {}): Approach {
  const build = BUILDERS[config.approach];
  if (!build) throw new Error(`unknown approach "${config.approach}" (${Object.keys(BUILDERS).join(', ')})`);
  return build(config, options);
}

/** A Trainer for `config`, with the approach it names: the one-line start of a run from the API. */
export function createTrainer(engine: Engine, tasks: Task[], config: TrainConfig, options: ApproachOptions = {}): Trainer {
  return new Trainer(engine, tasks, config, createApproach(config, options));
}
