// The comparison report (src/report's buildReport) of a set of runs, written as compare writes it: the
// report's text files (metrics.md, metrics.csv, forgetting.md, forgetting.csv), each plot as SVG and PNG.
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

/** The report's text files and plots in `dir`; returns the file names written. */
export function writeComparisonReport(dir: string, report: ComparisonReport): string[] {
  const written: string[] = [];
  for (const [name, text] of Object.entries(report.files)) {
    writeFileSync(join(dir, name), text);
    written.push(name);
  }
  const plots: [string, string | null][] = [
    ['forgetting', report.svg.forgetting],
    ...Object.entries(report.svg.averageAccuracy).map(([approach, svg]): [string, string] => [`average-accuracy-${approach}`, svg]),
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
