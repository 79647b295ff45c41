// The bench report as a chart: per case, each implementation's median time per unit, as grouped bars.
import { barChart } from '../src/chart/index.ts';
import { renderSvg } from '../src/report/png.ts';
import type { BenchReport } from './harness.ts';

export function reportChartSvg(report: BenchReport, title = 'webgpu-hat bench'): string {
  const cases = [...new Set(report.results.map((r) => `${r.suite} ${r.case}`))];
  const impls = [...new Set(report.results.map((r) => r.impl))];
  const clocks = [...new Set(report.results.map((r) => (r.clock === 'gpu-timestamp' ? 'GPU timestamps' : 'wall clock')))].join(', ');
  return barChart({
    title,
    heading: `${title}: ${report.adapter.description || report.adapter.vendor}`,
    description: `Median milliseconds per unit of work per case and implementation (${clocks})`,
    categories: cases,
    series: impls.map((impl) => ({ name: impl, values: cases.map((c) => report.results.find((r) => `${r.suite} ${r.case}` === c && r.impl === impl)?.medianMs) })),
    mode: 'grouped',
    valueTitle: `median ms per unit (${clocks})`,
    format: (v) => `${v.toPrecision(3)} ms`,
    totals: true,
    width: 760,
  });
}

export function reportChartPng(report: BenchReport, title?: string): Uint8Array {
  return renderSvg(reportChartSvg(report, title)).png;
}
