// What one setting is: the shape every entry of the schema (schema.ts, commands.ts) has, and the words
// for its accepted range that the errors, the --help text and docs/cli.md all use.
import type { Approach } from './approaches.ts';

export type SettingType = 'int' | 'number' | 'string' | 'int-list' | 'enum' | 'enum-list' | 'boolean';

/** Bounds of a number (of each element, for lists); an open bound excludes its value. */
export interface Range {
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
}

export interface Setting<T = unknown> {
  /** Command-line flag, without the leading `--`. */
  flag: string;
  type: SettingType;
  /** Placeholder for the value in the usage text (N, X, NAME, DIR…); booleans have none. */
  metavar?: string;
  help: string;
  range?: Range;
  /** enum, enum-list: the accepted values. */
  choices?: readonly string[];
  /** enum, enum-list: what one value is called in "unknown approach …". */
  noun?: string;
  /** int-list: also accept ranges like 0-4 (seeds). */
  ranges?: boolean;
  /** string: the empty string is refused; says what was expected ("a directory"). */
  nonEmpty?: string;
  /** A flag the command cannot do without. */
  required?: boolean;
  /** boolean: the flag turns the setting off (--unfused sets fused to false). */
  negated?: boolean;
  /** Undefined: no value unless given (or a per-approach one). */
  default?: T;
  /** The default in words where another module computes it (the results path, the data folder). */
  defaultText?: string;
  /** A default per approach that overrides `default` (the reference's gradient clip, penalty weight). */
  perApproach?: Partial<Record<Approach, T>>;
  /** Undefined: every approach. Otherwise the flag is refused for the others (train) or ignored (compare). */
  appliesTo?: readonly Approach[];
}

/** The accepted values in words: "an integer ≥ 1", "a positive number", "a number ≥ 0". */
export function describeRange(s: Pick<Setting, 'type' | 'range' | 'choices' | 'nonEmpty'>): string {
  const r = s.range ?? {};
  const integer = s.type === 'int' || s.type === 'int-list';
  if (s.type === 'enum' || s.type === 'enum-list') return `one of ${(s.choices ?? []).join(' | ')}`;
  if (s.type === 'boolean') return 'true or false';
  if (s.type === 'string') return s.nonEmpty ?? 'a string';
  const bounds: string[] = [];
  if (r.min !== undefined) bounds.push(`${r.minOpen ? '>' : '≥'} ${r.min}`);
  if (r.max !== undefined) bounds.push(`${r.maxOpen ? '<' : '≤'} ${r.max}`);
  if (!integer && r.min === 0 && r.minOpen && r.max === undefined) return 'a positive number';
  return `${integer ? 'an integer' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
}

/** The bounds alone, for the reference table: "≥ 1", "> 0", "0 ≤ x < 1". */
export function rangeText(s: Setting): string {
  const r = s.range;
  if (s.type === 'enum' || s.type === 'enum-list') return (s.choices ?? []).join(' | ');
  if (!r) return '';
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`${r.minOpen ? '>' : '≥'} ${r.min}`);
  if (r.max !== undefined) parts.push(`${r.maxOpen ? '<' : '≤'} ${r.max}`);
  return `${s.type === 'int' || s.type === 'int-list' ? 'integer ' : ''}${parts.join(', ')}`;
}

export function inRange(x: number, r: Range | undefined): boolean {
  if (!r) return true;
  if (r.min !== undefined && (r.minOpen ? x <= r.min : x < r.min)) return false;
  if (r.max !== undefined && (r.maxOpen ? x >= r.max : x > r.max)) return false;
  return true;
}

/** How a value reads in help text and docs: lists joined by commas, numbers as written. */
export function formatValue(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}
