// The comparison report (src/report's buildReport) of a set of runs, written as compare has always
// written it: forgetting.md, forgetting.csv, and each plot as SVG and PNG.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../eval/metrics.ts';
import { buildReport } from '../report/report.ts';
import { renderSvg } from '../report/png.ts';

export type ComparisonReport = ReturnType<typeof buildReport>;

/** The report of `runs`; where joint did no better than chance the ratio is undefined: the report without joint, and why. */
export function comparisonReport(runs: readonly RunResult[], order: readonly string[], layerNames: readonly string[]): { report: ComparisonReport; note: string | null } {
  try {
    return { report: buildReport(runs, { order, layerNames }), note: null };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const withoutJoint = runs.filter((r) => r.approach !== 'joint');
    return { report: buildReport(withoutJoint, { order, layerNames }), note: `${e.message}; writing the accuracy tables without the forgetting ratio` };
  }
}

/** Writes an SVG and the PNG drawn from it; returns their file names. */
export function writePlot(dir: string, name: string, svg: string): string[] {
  writeFileSync(join(dir, `${name}.svg`), svg);
  writeFileSync(join(dir, `${name}.png`), renderSvg(svg).png);
  return [`${name}.svg`, `${name}.png`];
}

/** forgetting.md, forgetting.csv and the plots in `dir`; returns the file names written. */
export function writeComparisonReport(dir: string, report: ComparisonReport): string[] {
  writeFileSync(join(dir, 'forgetting.md'), report.markdown);
  writeFileSync(join(dir, 'forgetting.csv'), report.csv);
  const written = ['forgetting.md', 'forgetting.csv'];
  const plots: [string, string | null][] = [
    ['forgetting', report.svg.forgetting],
    ...Object.entries(report.svg.accuracy).map(([approach, svg]): [string, string] => [`accuracy-${approach}`, svg]),
    ['mask-usage', report.svg.maskUsage],
  ];
  for (const [name, svg] of plots) if (svg) written.push(...writePlot(dir, name, svg));
  return written;
}

/** HAT's gated layer names as a run recorded them (execute.ts), for the mask-usage legend. */
export function layerNamesOf(runs: readonly RunResult[]): string[] {
  const names = runs.find((r) => r.approach === 'hat' && Array.isArray(r.layerNames))?.layerNames;
  return Array.isArray(names) ? names.map(String) : [];
}
