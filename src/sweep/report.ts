// The sweep's own report: every setting's validation score (what selection saw), the selected setting of
// each approach with its test accuracy over seeds, and the runs that failed with their errors. Markdown,
// CSV and one bar chart; pure (the CLI writes the strings).
import { barChart } from '../chart/index.ts';
import type { SettingSummary, Stats } from './select.ts';

const pct = (s: Stats | null) => (s ? `${(100 * s.mean).toFixed(2)} ± ${(100 * s.sd).toFixed(2)}` : '—');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function sweepMarkdown(benchmark: string, settings: readonly SettingSummary[], seeds: readonly number[]): string {
  const lines = [
    `# Sweep on ${benchmark}`,
    '',
    `${settings.length} settings × seeds ${seeds.join(', ')}. Each approach's setting is selected by its mean validation score over seeds (each task's validation accuracy at the epoch it kept, averaged over tasks); test accuracy is reported for the selected setting only and played no part in choosing it. Values are % (mean ± sd over seeds).`,
    '',
    '## Selected settings',
    '',
    '| approach | setting | validation | final test accuracy (mean over tasks) | seeds |',
    '| --- | --- | --- | --- | --- |',
    ...settings.filter((s) => s.selected).map((s) => `| ${s.approach} | ${cell(s.label)} | ${pct(s.validation)} | ${pct(s.test)} | ${s.finished.map((f) => f.seed).join(', ')} |`),
    '',
    '## Every setting (validation)',
    '',
    '| approach | setting | validation | runs finished | selected |',
    '| --- | --- | --- | --- | --- |',
    ...settings.map((s) => `| ${s.approach} | ${cell(s.label)} | ${pct(s.validation)} | ${s.finished.length}/${s.seeds.length} | ${s.selected ? 'yes' : ''} |`),
  ];
  const failed = settings.flatMap((s) => s.failed.map((f) => ({ ...f, approach: s.approach, label: s.label })));
  if (failed.length) {
    lines.push('', '## Failed runs', '', '| approach | setting | seed | run id | error |', '| --- | --- | --- | --- | --- |',
      ...failed.map((f) => `| ${f.approach} | ${cell(f.label)} | ${f.seed} | ${f.id.slice(0, 12)} | ${cell(f.error)} |`));
  }
  return `${lines.join('\n')}\n`;
}

const csvField = (x: string | number) => (typeof x === 'number' ? String(x) : /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);

export function sweepCsv(settings: readonly SettingSummary[]): string {
  const header = ['approach', 'setting', 'setting_id', 'selected', 'runs_planned', 'runs_finished', 'runs_failed', 'validation_mean', 'validation_sd', 'test_final_mean', 'test_final_sd'];
  const num = (x: number | undefined) => (x === undefined ? '' : Number(x.toFixed(6)));
  const rows = settings.map((s) => [s.approach, s.label, s.settingId, s.selected ? 1 : 0, s.seeds.length, s.finished.length, s.failed.length,
    num(s.validation?.mean), num(s.validation?.sd), num(s.test?.mean), num(s.test?.sd)].map((x) => csvField(x as string | number)).join(','));
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

/** Every scored setting's mean validation accuracy, one bar each, grouped by approach. */
export function validationSvg(benchmark: string, settings: readonly SettingSummary[]): string | null {
  const scored = settings.filter((s) => s.validation);
  if (scored.length === 0) return null;
  return barChart({
    title: `Validation accuracy of every setting, ${benchmark}`,
    heading: 'Validation accuracy per setting (★ selected)',
    categories: scored.map((s) => `${s.approach} ${s.label}${s.selected ? ' ★' : ''}`),
    series: [{ name: 'mean validation accuracy over seeds', values: scored.map((s) => s.validation!.mean) }],
    mode: 'grouped',
    domain: [0, 1],
    tickSpecifier: '%',
    totals: true,
    format: (v) => `${(100 * v).toFixed(1)}%`,
    valueTitle: 'validation accuracy',
    legend: 'none',
  });
}
