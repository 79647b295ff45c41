// The lab's chart as PNG (Node: resvg renders the SVG with the fonts it ships).
import { renderSvg } from '../../src/report/png.ts';
import type { KernelBenchResult } from './result.ts';
import { resultsChartSvg } from './format.ts';

/** resultsChartSvg, rendered to PNG. */
export function resultsChartPng(results: readonly KernelBenchResult[], title?: string): Uint8Array {
  return renderSvg(resultsChartSvg(results, title)).png;
}
