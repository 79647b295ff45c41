// One run of a sweep as data: what a job on the queue carries and what its id is a hash of. A spec is
// checked with the same schema as the command line (resolveTrainConfig, resolveApproachOptions), so a
// job from the queue is trusted no more than a flag.
import { createHash } from 'node:crypto';
import {
  APPROACHES, RUN_SETTINGS, UsageError, checkBenchmark, checkValue, resolveApproachOptions, resolveTrainConfig,
  type Approach, type ApproachOptions, type TrainConfig,
} from '../config/index.ts';

/** `random` is no trainer: its results are the label frequencies' guesser (src/eval/random.ts). */
export type SweepApproach = Approach | 'random';

export interface RunSpec {
  /** A built-in benchmark's name or a task-sequence file (under the worker's --data-root). */
  benchmark: string;
  approach: SweepApproach;
  /** The trainer's full configuration; null for random. */
  config: TrainConfig | null;
  approachOptions: ApproachOptions;
  seed: number;
  /** pmnist: the number of permutations. */
  tasks: number;
  fashionDir?: string;
}

const SPEC_KEYS = ['benchmark', 'approach', 'config', 'approachOptions', 'seed', 'tasks', 'fashionDir'];

/** JSON with every object's keys sorted, so equal configurations hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The job id and results file name of a run: SHA-256 of its full resolved configuration, seed included. */
export function runId(spec: RunSpec): string {
  return sha256(canonicalJson(spec));
}

/** The same hash without the seed: the runs of one setting share it. */
export function settingId(spec: RunSpec): string {
  const { seed: _seed, config, ...rest } = spec;
  const { seed: _configSeed, ...configWithoutSeed } = config ?? { seed: 0 };
  return sha256(canonicalJson({ ...rest, config: config ? configWithoutSeed : null }));
}

/**
 * `data` (a job's payload, or a spec the producer built) as a RunSpec, every value checked and every
 * default filled; a UsageError naming the key otherwise.
 */
export function validateRunSpec(data: unknown): RunSpec {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`run: expected an object, got ${JSON.stringify(data)}`);
  const given = data as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!SPEC_KEYS.includes(key)) throw new UsageError(`${key}: unknown run key (known: ${SPEC_KEYS.join(', ')})`);
  }
  if (typeof given.benchmark !== 'string' || given.benchmark === '') throw new UsageError(`benchmark: expected a benchmark name or a task-sequence file, got ${JSON.stringify(given.benchmark)}`);
  checkBenchmark(given.benchmark, 'benchmark');
  const approach = checkValue({ flag: 'approach', type: 'enum', choices: [...APPROACHES, 'random'], noun: 'approach', help: '' }, given.approach, 'approach') as SweepApproach;
  const seed = checkValue({ flag: 'seed', type: 'int', range: { min: 0 }, help: '' }, given.seed, 'seed') as number;
  const tasks = given.tasks === undefined ? RUN_SETTINGS.tasks.default! : checkValue(RUN_SETTINGS.tasks, given.tasks, 'tasks');
  const fashionDir = given.fashionDir === undefined ? undefined : checkValue(RUN_SETTINGS.fashionDir, given.fashionDir, 'fashionDir');
  const isObject = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
  let config: TrainConfig | null = null;
  let approachOptions: ApproachOptions = {};
  if (approach === 'random') {
    if (given.config !== undefined && given.config !== null) throw new UsageError('config: random trains nothing: expected null');
  } else {
    if (given.config !== undefined && !isObject(given.config)) throw new UsageError(`config: expected an object of TrainConfig keys, got ${JSON.stringify(given.config)}`);
    const partial = (given.config ?? {}) as Partial<TrainConfig>;
    if (partial.approach !== undefined && partial.approach !== approach) throw new UsageError(`config.approach: ${JSON.stringify(partial.approach)} differs from approach ${JSON.stringify(approach)}`);
    if (partial.seed !== undefined && partial.seed !== seed) throw new UsageError(`config.seed: ${JSON.stringify(partial.seed)} differs from seed ${seed}`);
    config = resolveTrainConfig({ ...partial, approach, seed });
    if (given.approachOptions !== undefined && !isObject(given.approachOptions)) throw new UsageError(`approachOptions: expected an object, got ${JSON.stringify(given.approachOptions)}`);
    approachOptions = resolveApproachOptions(approach, (given.approachOptions ?? {}) as ApproachOptions);
  }
  return { benchmark: given.benchmark, approach, config, approachOptions, seed, tasks, ...(fashionDir === undefined ? {} : { fashionDir }) };
}
