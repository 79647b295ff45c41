// A sweep's report files in DIR: sweep.md and sweep.csv (every setting's validation score, the selected
// ones' test accuracy, the failures), validation.svg/png, and for the selected settings the comparison
// report compare writes (forgetting.md, forgetting.csv, plots).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparisonReport, layerNamesOf, writeComparisonReport, writePlot } from './forgetting.ts';
import type { SweepOutcome } from './outcome.ts';
import type { SweepPlan } from './plan.ts';
import { sweepCsv, sweepMarkdown, validationSvg } from './report.ts';
import { summariseSettings, type SettingSummary } from './select.ts';

export interface WrittenReport {
  markdown: string;
  files: string[];
  settings: SettingSummary[];
}

export function writeSweepReport(dir: string, plan: SweepPlan, outcome: SweepOutcome): WrittenReport {
  const settings = summariseSettings(plan.runs, outcome.results, outcome.failures);
  let markdown = sweepMarkdown(plan.benchmark, settings, plan.seeds);
  const files = ['sweep.md', 'sweep.csv'];
  const svg = validationSvg(plan.benchmark, settings);
  if (svg) files.push(...writePlot(dir, 'validation', svg));
  const selectedRuns = settings.filter((s) => s.selected).flatMap((s) => s.finished.map((f) => f.result));
  if (selectedRuns.length > 0) {
    const { report, note } = comparisonReport(selectedRuns, plan.approaches, layerNamesOf(selectedRuns));
    files.push(...writeComparisonReport(dir, report));
    markdown += `\n## Selected settings: test accuracy and forgetting\n\n${note ? `${note}\n\n` : ''}${report.rhoMissing ? `(forgetting ratio not computed: ${report.rhoMissing})\n\n` : ''}${report.markdown}\n`;
  }
  writeFileSync(join(dir, 'sweep.md'), markdown);
  writeFileSync(join(dir, 'sweep.csv'), sweepCsv(settings));
  return { markdown, files, settings };
}
