// The lab's outputs: a text table, JSON, and a chart (SVG through the project's chart module; its PNG, in
// Node, from png.ts). Every one names the clock the times came from.
import { barChart } from '../../src/chart/index.ts';
import type { ComparisonResult, KernelBenchResult, VariantRatio } from './result.ts';

const CLOCK_LABEL = { 'gpu-timestamp': 'GPU timestamps', wall: 'wall clock' } as const;

function fixed(x: number | undefined, digits: number): string {
  return x === undefined || !Number.isFinite(x) ? '' : x.toFixed(digits);
}

/** Milliseconds with 4 significant digits, so µs-scale kernels do not print as 0.00. */
function ms(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : '';
}

export function formatResultsTable(results: readonly KernelBenchResult[]): string {
  const header = ['kernel', 'clock', 'units', 'samples', 'min ms', 'p10 ms', 'median ms', 'p90 ms', 'mean ms', '± SEM', 'GFLOP/s', 'GB/s', 'stopped by'];
  const body = results.map((r) => [
    r.name, r.clock, String(r.unitsPerSample), String(r.stats.n), ms(r.stats.min), ms(r.stats.p10), ms(r.stats.median), ms(r.stats.p90), ms(r.stats.mean),
    `${fixed(r.stats.relativeSem * 100, 2)} %`, fixed(r.gflops, 2), fixed(r.gbps, 2), r.stoppedBy,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i < 12 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  // Variants timed alike share one line; otherwise each names its own.
  const notes = [...new Set(results.map((r) => r.clockNote))];
  const clocks = notes.length === 1 ? [`clock: ${notes[0]}`] : results.map((r) => `clock of ${r.name}: ${r.clockNote}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', ...clocks].join('\n');
}

export function formatRatio(r: VariantRatio): string {
  const interval = Number.isFinite(r.low) ? ` [${r.low.toFixed(3)}, ${r.high.toFixed(3)}] (${Math.round(r.confidence * 100)} % interval, ${r.pairs} paired ratios)` : ` (${r.pairs} paired ratio${r.pairs === 1 ? '' : 's'}: no interval)`;
  return `time ${r.variant} / ${r.baseline} = ${r.ratio.toFixed(3)}×${interval}`;
}

export function formatComparison(c: ComparisonResult): string {
  return [formatResultsTable(c.variants), '', `${c.rounds} interleaved rounds on the ${CLOCK_LABEL[c.clock]}, stopped by ${c.stoppedBy}`, ...c.ratios.map(formatRatio)].join('\n');
}

/** The result as indented JSON (every sample kept, for re-analysis). */
export function resultsJson(value: KernelBenchResult | KernelBenchResult[] | ComparisonResult): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** p10, median and p90 of each variant as grouped bars. */
export function resultsChartSvg(results: readonly KernelBenchResult[], title = 'Kernel time per unit of work'): string {
  const clocks = [...new Set(results.map((r) => CLOCK_LABEL[r.clock]))].join(', ');
  return barChart({
    title,
    heading: title,
    description: `p10, median and p90 of the time per unit of work (${clocks})`,
    categories: results.map((r) => r.name),
    series: [
      { name: 'p10', values: results.map((r) => r.stats.p10) },
      { name: 'median', values: results.map((r) => r.stats.median) },
      { name: 'p90', values: results.map((r) => r.stats.p90) },
    ],
    mode: 'grouped',
    valueTitle: `ms per unit (${clocks})`,
    format: (v) => `${v.toPrecision(3)} ms`,
    totals: true,
  });
}

