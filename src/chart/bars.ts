// Horizontal bar charts: one band per category, its series' bars stacked end to end (d3-shape stack)
// or side by side, a value axis with nice ticks under them, and a legend of the series.
import { stack } from 'd3-shape';
import { categoryColor } from './colors.ts';
import { legend as makeLegend, type LegendItem } from './legend.ts';
import { bandScale, linearAxis } from './scales.ts';
import { attributes, AXIS_COLOR, escapeXml, fitText, GRID_COLOR, heading as headingText, px, svgDocument, text, TEXT_COLOR, textWidth } from './svg.ts';

export interface BarSeries {
  name: string;
  color?: string;
  /** One value per category; a missing one draws no bar. */
  values: readonly (number | null | undefined)[];
}

export interface BarChartSpec {
  title: string;
  heading?: string;
  description?: string;
  width?: number;
  categories: readonly string[];
  series: readonly BarSeries[];
  /** 'stacked': one bar per category made of the series' shares; 'grouped': a bar per series. */
  mode: 'stacked' | 'grouped';
  /** The value axis (default from 0 to the largest bar, rounded up to a tick). */
  domain?: readonly [number, number];
  valueTitle?: string;
  /** A d3-format specifier for the axis ticks (e.g. "%"). */
  tickSpecifier?: string;
  /** Values in tooltips and totals (default: the axis's tick format). */
  format?: (value: number) => string;
  /** The total of each stacked bar (each bar's value when grouped) written after it. */
  totals?: boolean;
  /** A light background bar over the whole domain behind each category (shares of a whole). */
  track?: boolean;
  /** Height of one category's band in pixels (default 24 stacked, 14 per series grouped). */
  bandHeight?: number;
  legend?: 'bottom' | 'none';
  className?: string;
}

const LABEL_FONT = 12;
const finiteOrZero = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function barChart(spec: BarChartSpec): string {
  const width = spec.width ?? 560, pad = 12;
  const colors = spec.series.map((s, i) => s.color ?? categoryColor(i));
  const n = spec.categories.length;
  const stacked = spec.mode === 'stacked';
  // [start, end] of every bar: stacked bars start where the previous series ended.
  const segments: [number, number][][] = stacked
    ? stack<number, number>().keys(spec.series.map((_, i) => i)).value((c, s) => Math.max(0, finiteOrZero(spec.series[s]!.values[c])))(Array.from({ length: n }, (_, c) => c))
      .map((layer) => layer.map((p) => [p[0], p[1]] as [number, number]))
    : spec.series.map((s) => Array.from({ length: n }, (_, c): [number, number] => [0, finiteOrZero(s.values[c])]));
  const drawn = (s: number, c: number) => {
    const v = spec.series[s]!.values[c];
    return typeof v === 'number' && Number.isFinite(v) && (!stacked || v > 0);
  };
  const largest = Math.max(0, ...segments.flatMap((layer) => layer.map((seg) => seg[1])));
  const domain: [number, number] = spec.domain ? [spec.domain[0], spec.domain[1]] : [0, largest > 0 ? largest : 1];
  const probe = linearAxis(domain, [0, 1], { tickCount: 5, tickSpecifier: spec.tickSpecifier, nice: !spec.domain });
  const format = spec.format ?? probe.format;
  const totalOf = (c: number) => (stacked ? segments.at(-1)?.[c]?.[1] ?? 0 : 0);

  const categoryLabels = spec.categories.map((c) => fitText(c, 140, LABEL_FONT));
  const left = pad + Math.max(0, ...categoryLabels.map((l) => textWidth(l, LABEL_FONT))) + 8;
  const totalWidth = spec.totals ? 8 + Math.max(textWidth(format(domain[1]), 11), ...spec.categories.map((_, c) => textWidth(format(totalOf(c)), 11))) : 0;
  const right = width - pad - Math.max(totalWidth, textWidth(probe.format(probe.ticks.at(-1) ?? 0), 11) / 2);
  const top = pad + (spec.heading ? 28 : 0);
  const band = spec.bandHeight ?? (stacked ? 24 : Math.max(16, 14 * spec.series.length));
  const bottom = top + Math.max(1, n) * band;
  const items: LegendItem[] = spec.series.map((s, i) => ({ label: s.name, color: colors[i]!, shape: 'swatch' }));
  const key = (spec.legend ?? 'bottom') === 'none' || items.length === 0 ? null : makeLegend(items, { direction: 'rows', maxWidth: width - left - pad, fontSize: 11 });
  const axisHeight = 22 + (spec.valueTitle ? 18 : 0);
  const height = Math.ceil(bottom + axisHeight + (key ? key.height + 8 : 0) + pad);

  const x = linearAxis(domain, [left, right], { tickCount: 5, tickSpecifier: spec.tickSpecifier, nice: !spec.domain });
  const y = bandScale(n, [top, bottom], 0.25);
  const body: string[] = [];
  if (spec.heading) body.push(headingText(spec.heading, width, pad + 12));
  body.push(`<g class="grid" stroke="${GRID_COLOR}">`);
  for (const t of x.ticks) body.push(`<line x1="${px(x.scale(t))}" y1="${px(top)}" x2="${px(x.scale(t))}" y2="${px(bottom)}"/>`);
  body.push('</g>');
  if (spec.track) {
    body.push('<g class="tracks" fill="#f0f0f2">');
    for (let c = 0; c < n; c++) body.push(`<rect${attributes({ x: x.scale(domain[0]), y: y(c)!, width: x.scale(domain[1]) - x.scale(domain[0]), height: y.bandwidth() })}/>`);
    body.push('</g>');
  }
  spec.series.forEach((s, i) => {
    body.push(`<g class="bar-series"${attributes({ 'data-name': s.name, fill: colors[i]! })}>`);
    for (let c = 0; c < n; c++) {
      if (!drawn(i, c)) continue;
      const [start, end] = segments[i]![c]!;
      const inner = stacked ? { y: y(c)!, height: y.bandwidth() } : { y: y(c)! + (i * y.bandwidth()) / spec.series.length, height: y.bandwidth() / spec.series.length - 1 };
      const x0 = x.scale(Math.min(start, end)), x1 = x.scale(Math.max(start, end));
      const value = spec.series[i]!.values[c]!;
      body.push(`<rect${attributes({ class: 'bar', x: x0, y: inner.y, width: Math.max(0, x1 - x0), height: Math.max(1, inner.height) })}><title>${escapeXml(`${s.name}, ${spec.categories[c]}: ${format(value)}`)}</title></rect>`);
      if (spec.totals && !stacked) body.push(text(x1 + 4, inner.y + inner.height / 2 + 4, format(value), { class: 'total', 'font-size': 11, fill: TEXT_COLOR }));
    }
    body.push('</g>');
  });
  if (spec.totals && stacked) {
    body.push(`<g class="totals" font-size="11" fill="${TEXT_COLOR}">`);
    for (let c = 0; c < n; c++) body.push(text(Math.max(x.scale(domain[1]), x.scale(totalOf(c))) + 6, y(c)! + y.bandwidth() / 2 + 4, format(totalOf(c)), { class: 'total' }));
    body.push('</g>');
  }
  body.push(`<g class="tick-labels" fill="${TEXT_COLOR}" font-size="${LABEL_FONT}">`);
  categoryLabels.forEach((l, c) => body.push(text(left - 6, y(c)! + y.bandwidth() / 2 + 4, l, { 'text-anchor': 'end' })));
  body.push('</g>', `<g class="axis x-axis" stroke="${AXIS_COLOR}" fill="none">`, `<line x1="${px(left)}" y1="${px(bottom)}" x2="${px(right)}" y2="${px(bottom)}"/>`);
  for (const t of x.ticks) body.push(`<line x1="${px(x.scale(t))}" y1="${px(bottom)}" x2="${px(x.scale(t))}" y2="${px(bottom + 4)}"/>`);
  body.push('</g>', `<g class="tick-labels" fill="${TEXT_COLOR}" font-size="11">`);
  for (const t of x.ticks) body.push(text(x.scale(t), bottom + 16, x.format(t), { 'text-anchor': 'middle' }));
  body.push('</g>');
  if (spec.valueTitle) body.push(text((left + right) / 2, bottom + 34, spec.valueTitle, { class: 'axis-title x-title', 'text-anchor': 'middle', 'font-size': 12, fill: TEXT_COLOR }));
  if (key) body.push(key.draw(left, bottom + axisHeight + 4));
  return svgDocument({ width, height, title: spec.title, description: spec.description, className: spec.className ?? 'bar-chart', body });
}
