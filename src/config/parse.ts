// Command-line flags as settings: each flag's text parsed and checked against its setting (a UsageError
// naming the flag and the accepted range otherwise), defaults and presets filled in. Splitting argv into
// flags is the CLI's job (src/cli/flags.ts); this file needs no Node.
import { APPROACH_SETTINGS, BENCHMARKS, CONFIG_SETTINGS, PRESETS, RUN_SETTINGS, appliesTo, defaultFor, type SettingsOf } from './schema.ts';
import type { Approach, ApproachOptions } from './approaches.ts';
import { describeRange, inRange, type Setting } from './setting.ts';
import type { TrainConfig } from './train-config.ts';
import { UsageError } from './usage-error.ts';
import { checkPathShape, checkValue, notApplicable } from './validate.ts';

/** What a parser returns instead of settings when --help was asked for (the CLI prints the usage). */
export interface HelpRequested {
  readonly help: true;
}
export const HELP_REQUESTED: HelpRequested = Object.freeze({ help: true as const });

export function isHelpRequested(x: unknown): x is HelpRequested {
  return typeof x === 'object' && x !== null && (x as { help?: unknown }).help === true;
}

/** The flags as given, by flag name: a value's text, or true for a boolean flag. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

const flagLabel = (s: Setting) => `--${s.flag}`;

/** One number of a flag's text; blank text is no number (Number('') would be 0). */
function toNumber(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

/** A flag's text as its setting's value, checked. */
export function parseFlag<T>(s: Setting<T>, text: string | boolean): T {
  const label = flagLabel(s);
  if (s.type === 'boolean') return ((text === true) !== Boolean(s.negated)) as T;
  if (typeof text !== 'string') throw new UsageError(`${label}: expected a value`);
  const expected = (got: string) => new UsageError(`${label}: expected ${describeRange(s)}, got "${got}"`);
  switch (s.type) {
    case 'int': {
      // Written as an integer (no 0x1, 1e3 or 2.0) and exactly representable (a seed past 2^53 would round).
      const n = /^\s*[+-]?\d+\s*$/.test(text) ? toNumber(text) : NaN;
      if (!Number.isSafeInteger(n) || !inRange(n, s.range)) throw expected(text);
      return n as T;
    }
    case 'number': {
      const n = toNumber(text);
      if (!Number.isFinite(n) || !inRange(n, s.range)) throw expected(text);
      return n as T;
    }
    case 'int-list':
      return (s.ranges ? parseIntRanges(s, text) : text.split(',').map((part) => {
        const n = /^\s*[+-]?\d+\s*$/.test(part) ? toNumber(part) : NaN;
        if (!Number.isSafeInteger(n) || !inRange(n, s.range)) throw expected(part);
        return n;
      })) as T;
    case 'enum-list':
      return checkValue(s, text.split(',').map((part) => part.trim()), label);
    default:
      return checkValue(s, text, label);
  }
}

/** "0-4", "0,2,5", "0-2,5": the integers, each once, in order. */
function parseIntRanges(s: Setting, text: string): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError(`${flagLabel(s)}: expected a list or ranges like 0-4 or 0,2,5, got "${text}"`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (to < from) throw new UsageError(`${flagLabel(s)}: range ${part} runs backwards`);
    for (let x = from; x <= to; x++) {
      if (!inRange(x, s.range)) throw new UsageError(`${flagLabel(s)}: expected ${describeRange(s)}, got "${x}"`);
      values.add(x);
    }
  }
  return [...values];
}

/** A command's flags by its settings table: the given ones parsed, the rest their defaults. */
export function parseFlags<T>(command: string, settings: SettingsOf<T>, values: FlagValues): T {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings) as [string, Setting][]) {
    const text = values[s.flag];
    if (text === undefined && s.required) throw new UsageError(`${command}: --${s.flag}${s.metavar ? ` ${s.metavar}` : ''} is required`);
    out[key] = text === undefined ? structuredClone(s.default) : parseFlag(s, text);
  }
  return out as T;
}

/** What `train` runs: the trainer's config, the approach's options, the data and where results go. */
export interface TrainArgs {
  benchmark: string;
  config: TrainConfig;
  /** The options of config.approach only, every one set (the reference's unless a flag says otherwise). */
  approachOptions: ApproachOptions;
  /** pmnist: the number of permutations. */
  tasks: number;
  fashionDir?: string;
  out: string;
  checkpointDir?: string;
  resume: boolean;
  /** NAME=FILE.wgsl[,…] (read and checked by the command that starts the engine). */
  kernel?: string;
}

/** A benchmark is one of the built-in names or a task-sequence file. */
export function checkBenchmark(benchmark: string, label = flagLabel(RUN_SETTINGS.benchmark)): void {
  if (!(BENCHMARKS as readonly string[]).includes(benchmark) && !benchmark.endsWith('.json')) {
    throw new UsageError(`${label}: unknown benchmark "${benchmark}" (${[...BENCHMARKS, 'FILE.json'].join(' | ')})`);
  }
}

/** The benchmark's name in file names: a sequence file's base name. */
export function benchmarkName(benchmark: string): string {
  return benchmark.replace(/^.*\//, '').replace(/\.json$/, '');
}

/**
 * `train`'s flags. A flag of another approach (--lambda with hat, --generations with ewc) is an error,
 * except for `compare` (forCompare), which passes its flags to every approach: each keeps those that apply.
 */
export function parseTrainFlags(values: FlagValues, opts: { forCompare?: boolean } = {}): TrainArgs {
  const given = <T>(s: Setting<T>): T | undefined => (values[s.flag] === undefined ? undefined : parseFlag(s, values[s.flag]!));
  const approach: Approach = given(CONFIG_SETTINGS.approach) ?? CONFIG_SETTINGS.approach.default!;
  const preset: Partial<TrainConfig> = given(RUN_SETTINGS.paper) ? PRESETS.paper : PRESETS.quick;
  const refuseIfNotApplicable = (s: Setting) => {
    if (!opts.forCompare && !appliesTo(s, approach)) throw notApplicable(s, approach, flagLabel(s));
  };

  const config: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(CONFIG_SETTINGS) as [keyof TrainConfig, Setting][]) {
    const value = given(s);
    if (value !== undefined) refuseIfNotApplicable(s);
    config[key] = structuredClone(value ?? preset[key] ?? defaultFor(s, approach));
  }

  const approachOptions: Record<string, unknown> = {};
  const givenOptions: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(APPROACH_SETTINGS) as [keyof ApproachOptions, Setting<number>][]) {
    const value = given(s);
    if (value !== undefined) { refuseIfNotApplicable(s); givenOptions[key] = value; }
    if (appliesTo(s, approach)) approachOptions[key] = value ?? defaultFor(s, approach);
  }
  // Checked whenever either is given, so that compare fails now rather than at its PathNet runs.
  if (approach === 'pathnet' || givenOptions.active !== undefined || givenOptions.modules !== undefined) {
    checkPathShape((givenOptions.active ?? APPROACH_SETTINGS.active.default) as number, (givenOptions.modules ?? APPROACH_SETTINGS.modules.default) as number, flagLabel);
  }

  const benchmark = given(RUN_SETTINGS.benchmark) ?? RUN_SETTINGS.benchmark.default!;
  checkBenchmark(benchmark);
  const checkpointDir = given(RUN_SETTINGS.checkpointDir);
  const resume = given(RUN_SETTINGS.resume) ?? false;
  if (resume && checkpointDir === undefined) throw new UsageError('--resume needs --checkpoint-dir DIR (the directory the interrupted run wrote its checkpoints to)');
  const seed = config.seed as number;
  return {
    benchmark,
    config: config as unknown as TrainConfig,
    approachOptions: approachOptions as ApproachOptions,
    tasks: given(RUN_SETTINGS.tasks) ?? RUN_SETTINGS.tasks.default!,
    fashionDir: given(RUN_SETTINGS.fashionDir),
    out: given(RUN_SETTINGS.out) ?? `results/${benchmarkName(benchmark)}-${approach}-seed${seed}.json`,
    checkpointDir,
    resume,
    ...(given(RUN_SETTINGS.kernel) !== undefined ? { kernel: given(RUN_SETTINGS.kernel) } : {}),
  };
}
