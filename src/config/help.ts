// The usage texts and the CLI reference (docs/cli.md), written from the schema: each flag once, with its
// default, accepted range and the approaches it applies to.
import { COMMANDS, commandSpec, type CommandSpec } from './commands.ts';
import { APPROACH_SETTINGS, CONFIG_SETTINGS, PRESETS } from './schema.ts';
import { formatValue, rangeText, type Setting } from './setting.ts';
import { DEFAULT_CONFIG } from './defaults.ts';

const WIDTH = 100;
const FLAG_COLUMN = 26;

export const TITLE = 'webgpu-hat — HAT continual learning on hand-written WebGPU kernels';

/** The CLI's default of a train setting: its preset's (the quick one unless --paper), else the schema's. */
function cliDefault(s: Setting): unknown {
  const key = Object.entries(CONFIG_SETTINGS).find(([, v]) => v === s)?.[0] as keyof typeof PRESETS.quick | undefined;
  return key && key in PRESETS.quick ? PRESETS.quick[key] : s.default;
}

/** The default in words: "10000; ewc 100, lfl 200", "400,400; --paper 2000,2000", or none for off-flags. */
export function defaultText(s: Setting): string {
  if (s.type === 'boolean') return '';
  const key = Object.entries(CONFIG_SETTINGS).find(([, v]) => v === s)?.[0] as keyof typeof PRESETS.paper | undefined;
  const base = cliDefault(s);
  const parts: string[] = [];
  if (s.defaultText !== undefined) parts.push(s.defaultText);
  else if (base !== undefined) parts.push(formatValue(base));
  const perApproach = Object.entries(s.perApproach ?? {}).filter(([, v]) => v !== base).map(([a, v]) => `${a} ${formatValue(v)}`);
  if (perApproach.length) parts.push(perApproach.join(', '));
  if (key && key in PRESETS.paper) parts.push(`--paper ${formatValue(PRESETS.paper[key])}`);
  return parts.join('; ');
}

/** The flag as typed, with its placeholder: "--hidden N[,N]". */
export function flagText(s: Setting): string {
  return `--${s.flag}${s.metavar ? ` ${s.metavar}` : ''}`;
}

/** One flag's description: who it is for, what it does, its range and default. */
function describe(s: Setting): string {
  const details = [rangeText(s) && s.type !== 'enum' && s.type !== 'enum-list' ? rangeText(s) : '', defaultText(s) ? `default ${defaultText(s)}` : '', s.required ? 'required' : '']
    .filter(Boolean).join('; ');
  return `${s.appliesTo ? `${s.appliesTo.join(', ')}: ` : ''}${s.help}${details ? ` (${details})` : ''}`;
}

/** Words wrapped to WIDTH, every line after the first indented by `indent`. */
function wrap(text: string, first: string, indent: number): string {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > WIDTH && line.trim() !== '' && line.length > indent) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else {
      line += (line.length === 0 || line.endsWith(' ') ? '' : ' ') + word;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

function flagLine(s: Setting): string {
  const left = `  ${flagText(s)}`;
  const first = left.length + 2 <= FLAG_COLUMN ? left.padEnd(FLAG_COLUMN) : `${left}\n${' '.repeat(FLAG_COLUMN)}`;
  return wrap(describe(s), first, FLAG_COLUMN);
}

/** `webgpu-hat <command> --help`: the command's flags by section. */
export function commandUsage(name: string): string {
  const c = commandSpec(name);
  if (!c) throw new Error(`no command "${name}"`);
  const out = [`Usage: webgpu-hat ${c.name} [flags]`, `  ${c.summary}`, ''];
  for (const section of c.sections) {
    out.push(`${section.title}:`, ...section.settings.map(flagLine), '');
  }
  for (const note of c.notes ?? []) out.push(wrap(note, '', 0), '');
  return out.join('\n');
}

/** `webgpu-hat` alone, or with a mistake before any command: the commands, one line each. */
export function topUsage(): string {
  const rows = [...COMMANDS.map((c) => [`webgpu-hat ${c.name} [flags]`, c.summary]), ['webgpu-hat help [COMMAND]', 'this text, or a command\'s flags (as COMMAND --help)']];
  const w = Math.max(...rows.map(([a]) => a!.length)) + 2;
  return `${TITLE}\n\nUsage:\n${rows.map(([a, b]) => `  ${a!.padEnd(w)}${b}`).join('\n')}\n\nRun \`webgpu-hat COMMAND --help\` for a command's flags.\n`;
}

/** `webgpu-hat help`: the commands, then every command's flags. */
export function fullHelp(): string {
  return [topUsage(), ...COMMANDS.map((c) => commandUsage(c.name))].join('\n');
}

/** Text in a Markdown table cell: a pipe would end the cell, even inside code. */
const cell = (text: string) => text.replace(/\|/g, '\\|');
const code = (text: string) => (text ? `\`${cell(text)}\`` : '—');

/** The key a setting has in TrainConfig or in the approaches' options (what API users write). */
function apiKey(s: Setting): string {
  for (const table of [CONFIG_SETTINGS, APPROACH_SETTINGS]) {
    const key = Object.entries(table).find(([, v]) => v === s)?.[0];
    if (key) return code(key);
  }
  return '—';
}

function markdownSection(c: CommandSpec): string {
  const train = c.name === 'train';
  const out = [`## \`webgpu-hat ${c.name}\``, '', `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`, ''];
  for (const section of c.sections) {
    out.push(`### ${section.title}`, '');
    out.push(train ? '| Flag | Key | Applies to | Accepts | Default | Description |' : '| Flag | Accepts | Default | Description |');
    out.push(train ? '| --- | --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- |');
    for (const s of section.settings) {
      const accepts = cell(rangeText(s) || (s.type === 'boolean' ? 'flag' : s.type));
      const fallback = s.type === 'boolean' ? 'off' : s.required ? 'required' : '—';
      const row = [code(flagText(s)), ...(train ? [apiKey(s), s.appliesTo ? s.appliesTo.join(', ') : 'all'] : []), accepts, defaultText(s) ? code(defaultText(s)) : fallback, cell(s.help)];
      out.push(`| ${row.join(' | ')} |`);
    }
    out.push('');
  }
  for (const note of c.notes ?? []) out.push(note, '');
  return out.join('\n');
}

/** The API's defaults where they differ from the CLI's (resolveTrainConfig, DEFAULT_CONFIG). */
function apiDefaults(): string {
  const differing = Object.entries(CONFIG_SETTINGS)
    .filter(([, s]) => formatValue(cliDefault(s)) !== formatValue(s.default))
    .map(([key, s]) => `\`${key}\` ${formatValue(s.default)} (CLI: ${formatValue(cliDefault(s))})`);
  return [
    `The library's \`resolveTrainConfig(partial)\` (keys as in \`TrainConfig\`: ${Object.keys(DEFAULT_CONFIG).map((k) => `\`${k}\``).join(', ')}) fills the same defaults and checks the same ranges, except ${differing.join(', ')}: the CLI's quick preset is for minutes, not hours.`,
    `\`resolveApproachOptions(approach, options)\` does the same for the approaches' options (${Object.keys(APPROACH_SETTINGS).map((k) => `\`${k}\``).join(', ')}): the reference's value where one is not given, and an error for an option of another approach.`,
  ].join(' ');
}

/** docs/cli.md: scripts/cli-docs.mjs writes it, a test checks the committed file equals this. */
export function cliMarkdown(): string {
  return [
    '# Command-line reference',
    '',
    '<!-- Generated from src/config/ by `node scripts/cli-docs.mjs`; do not edit by hand. -->',
    '',
    TITLE.replace(/^webgpu-hat/, '`webgpu-hat`') + '.',
    '',
    '| Command | What it does |',
    '| --- | --- |',
    ...COMMANDS.map((c) => `| \`webgpu-hat ${c.name} [flags]\` | ${c.summary} |`),
    '| `webgpu-hat help [COMMAND]` | the commands, or a command\'s flags (as `COMMAND --help`) |',
    '',
    'A flag mistake prints the message and the usage and exits with code 2; `--help` exits with 0; any other failure exits with 1. A flag that does not apply to the chosen approach (say `--lambda` with `hat`) is a mistake, not silently ignored.',
    '',
    ...COMMANDS.map(markdownSection),
    '## Defaults of the library',
    '',
    apiDefaults(),
    '',
  ].join('\n');
}
