// The defaults of a training run, made from the schema (each setting's default is written once, there).
import { CONFIG_SETTINGS } from './schema.ts';
import type { TrainConfig } from './train-config.ts';

/** Every setting's default (HAT's; resolveTrainConfig also picks the gradient clip of other approaches). */
export const DEFAULT_CONFIG: TrainConfig = Object.fromEntries(
  Object.entries(CONFIG_SETTINGS).map(([key, s]) => [key, structuredClone(s.default)]),
) as unknown as TrainConfig;
