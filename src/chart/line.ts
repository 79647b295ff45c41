// Line charts: series over a shared linear x axis, each with an optional interval band (a d3-shape
// area between low and high) and point markers, plus dashed rules (reference values across the plot,
// boundaries down it) and a legend beside or under the plot.
import { area, line } from 'd3-shape';
import { axes, axisMargins, type PlotArea } from './axes.ts';
import { categoryColor } from './colors.ts';
import { legend as makeLegend, type LegendItem } from './legend.ts';
import { linearAxis, type LinearAxis } from './scales.ts';
import { attributes, escapeXml, heading as headingText, MUTED_COLOR, px, svgDocument, text } from './svg.ts';

export interface LinePoint {
  x: number;
  y: number;
  /** The interval around y (e.g. a 95 % confidence interval); a band is drawn where both are given. */
  low?: number;
  high?: number;
}

export interface LineSeries {
  name: string;
  /** Default: the categorical palette, by position. */
  color?: string;
  points: readonly LinePoint[];
  dashed?: boolean;
}

/** A dashed line across the plot at a y value (a reference level) or down it at an x value (a boundary). */
export interface Rule {
  axis: 'x' | 'y';
  value: number;
  /** Written beside the line on the plot. */
  label?: string;
  /** An entry in the legend instead of (or besides) the label. */
  legendLabel?: string;
  color?: string;
  /** Kept in the SVG as data-name, for tests and styling. */
  name?: string;
}

export interface LineChartSpec {
  /** The accessible name of the chart. */
  title: string;
  /** A visible heading over the plot. */
  heading?: string;
  description?: string;
  width?: number;
  height?: number;
  series: readonly LineSeries[];
  rules?: readonly Rule[];
  xTitle: string;
  yTitle: string;
  /** Fixed domains; otherwise the data's (bands and rules included), rounded to nice ticks. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Whole-number x ticks (counts: tasks learned, epochs). */
  xInteger?: boolean;
  xTickCount?: number;
  yTickCount?: number;
  /** Round the y domain out to tick values (default true); false ends the plot at the data. */
  yNice?: boolean;
  /** A d3-format specifier for the y tick labels (e.g. "%"). */
  yTickSpecifier?: string;
  /** A dot on each point. Default: when no series has more than 40 points. */
  markers?: boolean;
  /** 'right': a column beside the plot; 'bottom': rows under the x axis title. Default 'right'. */
  legend?: 'right' | 'bottom' | 'none';
  className?: string;
}

const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
const hasBand = (p: LinePoint) => finite(p.low) && finite(p.high);

/** The values an axis must show: points, bands where drawn, and the rules on that axis. */
function extent(spec: LineChartSpec, axis: 'x' | 'y'): number[] {
  const values: number[] = [];
  for (const s of spec.series) for (const p of s.points) {
    if (axis === 'x') values.push(p.x);
    else { values.push(p.y); if (hasBand(p)) values.push(p.low!, p.high!); }
  }
  for (const r of spec.rules ?? []) if (r.axis === axis) values.push(r.value);
  return values.filter(finite);
}

function domainOf(values: number[], fixed: readonly [number, number] | undefined): [number, number] {
  if (fixed) return [fixed[0], fixed[1]];
  return values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
}

export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 720, height = spec.height ?? 420;
  const colors = spec.series.map((s, i) => s.color ?? categoryColor(i));
  const rules = spec.rules ?? [];
  const xDomain = domainOf(extent(spec, 'x'), spec.xDomain), yDomain = domainOf(extent(spec, 'y'), spec.yDomain);
  const yOptions = { tickCount: spec.yTickCount ?? 6, nice: spec.yNice ?? true, clamp: spec.yDomain !== undefined, tickSpecifier: spec.yTickSpecifier };
  const xOptions = { tickCount: spec.xTickCount ?? (spec.xInteger ? Math.min(10, Math.max(2, Math.ceil(xDomain[1] - xDomain[0]) + 1)) : 8), integer: spec.xInteger, nice: !spec.xInteger };

  const items: LegendItem[] = [
    ...spec.series.map((s, i): LegendItem => ({ label: s.name, color: colors[i]!, shape: s.dashed ? 'dashed' : 'line' })),
    ...rules.filter((r) => r.legendLabel).map((r): LegendItem => ({ label: r.legendLabel!, color: r.color ?? MUTED_COLOR, shape: 'dashed' })),
  ];
  const legendPlace = items.length === 0 ? 'none' : spec.legend ?? 'right';
  const top = spec.heading ? 40 : 14;
  // The y tick labels decide the left margin; they do not depend on the pixel range.
  const left = axisMargins(linearAxis(yDomain, [1, 0], yOptions)).left;
  let right = width - 16, bottom = height - axisMargins(linearAxis(yDomain, [1, 0], yOptions)).bottom;
  const key = legendPlace === 'none' ? null : makeLegend(items, legendPlace === 'right' ? { direction: 'column' } : { direction: 'rows', maxWidth: width - left - 16 });
  if (key && legendPlace === 'right') right = width - 16 - key.width - 20;
  if (key && legendPlace === 'bottom') bottom -= key.height + 6;
  const plot: PlotArea = { left, top, right: Math.max(left + 40, right), bottom: Math.max(top + 40, bottom) };
  const x: LinearAxis = linearAxis(xDomain, [plot.left, plot.right], xOptions);
  const y: LinearAxis = linearAxis(yDomain, [plot.bottom, plot.top], yOptions);

  const body: string[] = [];
  if (spec.heading) body.push(headingText(spec.heading, width));
  body.push(...axes({ area: plot, x, y, xTitle: spec.xTitle, yTitle: spec.yTitle }));

  if (rules.length) {
    body.push(`<g class="rules" stroke-dasharray="5 3" stroke-width="1.5">`);
    for (const r of rules) {
      const color = r.color ?? MUTED_COLOR;
      const [x1, y1, x2, y2] = r.axis === 'y' ? [plot.left, y.scale(r.value), plot.right, y.scale(r.value)] : [x.scale(r.value), plot.top, x.scale(r.value), plot.bottom];
      body.push(`<line${attributes({ class: 'rule', 'data-name': r.name ?? r.label ?? r.legendLabel, 'data-axis': r.axis, x1, y1, x2, y2, stroke: color })}/>`);
      if (r.label) {
        const at = r.axis === 'y' ? { x: plot.right - 4, y: y.scale(r.value) - 4, anchor: 'end' } : { x: x.scale(r.value) + 3, y: plot.top + 10, anchor: 'start' };
        body.push(text(at.x, at.y, r.label, { class: 'rule-label', 'text-anchor': at.anchor, 'font-size': 10, fill: '#666666' }));
      }
    }
    body.push('</g>');
  }

  const markers = spec.markers ?? spec.series.every((s) => s.points.length <= 40);
  const drawLine = line<LinePoint>().defined((p) => finite(p.x) && finite(p.y)).x((p) => x.scale(p.x)).y((p) => y.scale(p.y)).digits(2);
  const drawBand = area<LinePoint>().defined((p) => finite(p.x) && hasBand(p)).x((p) => x.scale(p.x)).y0((p) => y.scale(p.low!)).y1((p) => y.scale(p.high!)).digits(2);
  spec.series.forEach((s, i) => {
    const color = escapeXml(colors[i]!);
    body.push(`<g class="series"${attributes({ 'data-name': s.name })}>`);
    if (s.points.some(hasBand)) body.push(`<path class="band" d="${drawBand(s.points) ?? ''}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    const d = s.points.length ? drawLine(s.points) : null;
    if (d) body.push(`<path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (markers) for (const p of s.points) if (finite(p.x) && finite(p.y)) body.push(`<circle cx="${px(x.scale(p.x))}" cy="${px(y.scale(p.y))}" r="3" fill="${color}"/>`);
    body.push('</g>');
  });

  if (key) body.push(legendPlace === 'right' ? key.draw(plot.right + 20, plot.top + 4) : key.draw(plot.left, plot.bottom + 48));
  return svgDocument({ width, height, title: spec.title, description: spec.description, className: spec.className ?? 'line-chart', body });
}
