// The configuration schema's public face: the settings of a run, their defaults and checks, the flag
// parsers and the usage texts. Imports nothing from the rest of src and no Node built-ins.
export { APPROACHES, APPROACH_DEFAULTS, PENALTY_APPROACHES, REFERENCE_CLIP, type Approach, type ApproachOptions } from './approaches.ts';
export { type TrainConfig } from './train-config.ts';
export { DEFAULT_CONFIG } from './defaults.ts';
export { APPROACH_SETTINGS, BENCHMARKS, CONFIG_SETTINGS, PRESETS, RUN_SETTINGS, TRAIN_SECTIONS, TRAIN_SETTINGS, appliesTo, defaultFor, type RunSettings, type SettingsOf } from './schema.ts';
export {
  BENCH_SETTINGS, BENCH_SUITES, COMMANDS, COMPARE_REFUSED_TRAIN_SETTINGS, COMPARE_SETTINGS, COMPARE_TRAIN_SETTINGS, DEFAULT_COMPARE_APPROACHES, EXPORT_SETTINGS, KERNEL_SETTINGS, TUNE_SETTINGS,
  commandSpec, type BenchSettings, type CommandName, type CommandSpec, type CompareSettings, type ExportSettings,
} from './commands.ts';
export { describeRange, rangeText, type Range, type Setting, type SettingType } from './setting.ts';
export { checkValue, resolveApproachOptions, resolveTrainConfig } from './validate.ts';
export { HELP_REQUESTED, benchmarkName, checkBenchmark, isHelpRequested, parseFlag, parseFlags, parseTrainFlags, type FlagValues, type HelpRequested, type TrainArgs } from './parse.ts';
export { cliMarkdown, commandUsage, fullHelp, topUsage } from './help.ts';
export { UsageError } from './usage-error.ts';
