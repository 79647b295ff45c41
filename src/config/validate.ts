// Settings given as objects (the API): defaults filled from the schema, every value checked against its
// documented range, a UsageError naming the key and what it accepts otherwise. The CLI's flags end here
// too (parse.ts), with the flag as the label.
import { APPROACH_SETTINGS, CONFIG_SETTINGS, appliesTo, defaultFor } from './schema.ts';
import type { Approach, ApproachOptions } from './approaches.ts';
import { describeRange, inRange, type Setting } from './setting.ts';
import type { TrainConfig } from './train-config.ts';
import { UsageError } from './usage-error.ts';

/** `value` as a value of `s`, or a UsageError "<label>: expected …, got …". */
export function checkValue<T>(s: Setting<T>, value: unknown, label: string): T {
  const got = JSON.stringify(value) ?? String(value);
  const isInt = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && inRange(x, s.range);
  const unknownChoice = (x: unknown) => new UsageError(`${label}: unknown ${s.noun ?? 'value'} ${JSON.stringify(x) ?? String(x)} (${(s.choices ?? []).join(' | ')})`);
  let ok: boolean;
  switch (s.type) {
    case 'int': ok = isInt(value); break;
    case 'number': ok = typeof value === 'number' && Number.isFinite(value) && inRange(value, s.range); break;
    case 'boolean': ok = typeof value === 'boolean'; break;
    case 'string': ok = typeof value === 'string' && !(s.nonEmpty && value === ''); break;
    case 'enum':
      if (typeof value !== 'string' || !s.choices?.includes(value)) throw unknownChoice(value);
      ok = true;
      break;
    case 'int-list':
      if (!Array.isArray(value) || value.length === 0 || !value.every(isInt)) throw new UsageError(`${label}: expected a non-empty list, each ${describeRange(s)}, got ${got}`);
      ok = true;
      break;
    case 'enum-list':
      if (!Array.isArray(value) || value.length === 0) throw new UsageError(`${label}: expected a non-empty list, each ${describeRange(s)}, got ${got}`);
      for (const x of value) if (typeof x !== 'string' || !s.choices?.includes(x)) throw unknownChoice(x);
      ok = true;
      break;
  }
  if (!ok) throw new UsageError(`${label}: expected ${describeRange(s)}, got ${got}`);
  return value as T;
}

/** `given`'s keys that `table` does not describe: a UsageError listing the known ones. */
function rejectUnknownKeys(given: object, table: object, what: string): void {
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(table, key)) throw new UsageError(`${key}: unknown ${what} (known: ${Object.keys(table).join(', ')})`);
  }
}

/** "only pathnet has it", "only ewc, imm-mean, … have it". */
export function notApplicable(s: Setting, approach: Approach, label: string): UsageError {
  const who = s.appliesTo ?? [];
  return new UsageError(`${label}: only ${who.join(', ')} ${who.length === 1 ? 'has' : 'have'} it (the approach is ${approach})`);
}

/** A PathNet path takes `active` of the `modules` modules of each layer: it cannot take more. */
export function checkPathShape(active: number, modules: number, label: (s: Setting) => string): void {
  if (active > modules) {
    throw new UsageError(`${label(APPROACH_SETTINGS.active)}: a path takes ${active} modules per layer, more than the ${modules} there are (${label(APPROACH_SETTINGS.modules)})`);
  }
}

function entries<T extends object>(table: T): [keyof T & string, T[keyof T]][] {
  return Object.entries(table) as [keyof T & string, T[keyof T]][];
}

/**
 * A complete TrainConfig from some of its keys: the rest from the schema's defaults (DEFAULT_CONFIG's,
 * and the gradient clip of the approach, as the reference sets it), every value checked.
 */
export function resolveTrainConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  rejectUnknownKeys(partial, CONFIG_SETTINGS, 'TrainConfig key');
  const approach = checkValue(CONFIG_SETTINGS.approach, partial.approach ?? CONFIG_SETTINGS.approach.default, 'approach');
  const config: Record<string, unknown> = {};
  for (const [key, s] of entries(CONFIG_SETTINGS)) {
    const given = partial[key];
    config[key] = structuredClone(given === undefined ? defaultFor(s as Setting, approach) : checkValue(s as Setting, given, key));
  }
  return config as unknown as TrainConfig;
}

/**
 * The options of `approach` (src/approaches/ takes them), the reference's where not given. An option of
 * another approach is an error: it would be silently ignored.
 */
export function resolveApproachOptions(approach: Approach, given: ApproachOptions = {}): ApproachOptions {
  checkValue(CONFIG_SETTINGS.approach, approach, 'approach');
  rejectUnknownKeys(given, APPROACH_SETTINGS, 'approach option');
  const options: ApproachOptions = {};
  for (const [key, s] of entries(APPROACH_SETTINGS)) {
    const value = given[key];
    if (value !== undefined) {
      checkValue(s, value, key);
      if (!appliesTo(s, approach)) throw notApplicable(s, approach, key);
    }
    if (appliesTo(s, approach)) options[key] = value ?? defaultFor(s, approach);
  }
  if (approach === 'pathnet') checkPathShape(options.active!, options.modules!, (s) => keyOf(APPROACH_SETTINGS, s));
  return options;
}

/** The key of a setting in its table (for API error labels). */
export function keyOf(table: object, s: Setting): string {
  return Object.entries(table).find(([, v]) => v === s)?.[0] ?? s.flag;
}
