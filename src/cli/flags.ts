// argv as flags: Node's strict parser, with the options made from the schema's settings; --help anywhere
// asks for the usage instead. What the flags mean is src/config/parse.ts's business.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HELP_REQUESTED, TRAIN_SETTINGS, UsageError, isHelpRequested, parseTrainFlags, type FlagValues, type HelpRequested, type Setting, type TrainArgs } from '../config/index.ts';

export function readFlags(settings: readonly Setting[], args: readonly string[]): FlagValues | HelpRequested {
  if (args.includes('--help') || args.includes('-h')) return HELP_REQUESTED;
  const options: ParseArgsConfig['options'] = Object.fromEntries(settings.map((s) => [s.flag, { type: s.type === 'boolean' ? 'boolean' as const : 'string' as const }]));
  try {
    // No option is `multiple`, so every value is a string or a boolean.
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values as FlagValues;
  } catch (e) {
    // Node's messages name the flag ("Unknown option '--bogus'"): they are usage mistakes.
    throw new UsageError((e as Error).message);
  }
}

/** `train`'s command line (compare's runs: forCompare, see parseTrainFlags). */
export function parseTrainArgs(args: readonly string[], opts: { forCompare?: boolean } = {}): TrainArgs | HelpRequested {
  const values = readFlags(TRAIN_SETTINGS, args);
  return isHelpRequested(values) ? values : parseTrainFlags(values, opts);
}
