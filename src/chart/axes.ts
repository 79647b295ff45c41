// Axes for a plot area: grid lines at the ticks, the two axis lines, tick marks and labels, and the
// axis titles (the y title turned to read upwards).
import type { LinearAxis } from './scales.ts';
import { AXIS_COLOR, GRID_COLOR, px, text, TEXT_COLOR, textWidth } from './svg.ts';

/** The plot area, in pixels of the document. */
export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface AxesSpec {
  area: PlotArea;
  x: LinearAxis;
  y: LinearAxis;
  xTitle: string;
  yTitle: string;
  /** Vertical grid lines too (the horizontal ones are always drawn). */
  xGrid?: boolean;
}

export const TICK_FONT_SIZE = 11;
export const TITLE_FONT_SIZE = 13;

/** Room the y tick labels need left of the plot area. */
export function yTickLabelWidth(y: LinearAxis): number {
  return Math.max(0, ...y.ticks.map((t) => textWidth(y.format(t), TICK_FONT_SIZE)));
}

/** Grid, axis lines, ticks and labels; the caller draws the data on top. */
export function axes(spec: AxesSpec): string[] {
  const { area, x, y } = spec;
  const out = [`<g class="grid" stroke="${GRID_COLOR}">`];
  for (const t of y.ticks) out.push(`<line x1="${px(area.left)}" y1="${px(y.scale(t))}" x2="${px(area.right)}" y2="${px(y.scale(t))}"/>`);
  if (spec.xGrid) for (const t of x.ticks) out.push(`<line x1="${px(x.scale(t))}" y1="${px(area.top)}" x2="${px(x.scale(t))}" y2="${px(area.bottom)}"/>`);
  out.push('</g>', `<g class="axis x-axis" stroke="${AXIS_COLOR}" fill="none">`, `<line x1="${px(area.left)}" y1="${px(area.bottom)}" x2="${px(area.right)}" y2="${px(area.bottom)}"/>`);
  for (const t of x.ticks) out.push(`<line x1="${px(x.scale(t))}" y1="${px(area.bottom)}" x2="${px(x.scale(t))}" y2="${px(area.bottom + 5)}"/>`);
  out.push('</g>', `<g class="axis y-axis" stroke="${AXIS_COLOR}" fill="none">`, `<line x1="${px(area.left)}" y1="${px(area.top)}" x2="${px(area.left)}" y2="${px(area.bottom)}"/>`);
  for (const t of y.ticks) out.push(`<line x1="${px(area.left - 5)}" y1="${px(y.scale(t))}" x2="${px(area.left)}" y2="${px(y.scale(t))}"/>`);
  out.push('</g>', `<g class="tick-labels" fill="${TEXT_COLOR}" font-size="${TICK_FONT_SIZE}">`);
  for (const t of x.ticks) out.push(text(x.scale(t), area.bottom + 18, x.format(t), { 'text-anchor': 'middle' }));
  for (const t of y.ticks) out.push(text(area.left - 8, y.scale(t) + 4, y.format(t), { 'text-anchor': 'end' }));
  out.push('</g>');
  const middleX = (area.left + area.right) / 2, middleY = (area.top + area.bottom) / 2;
  const yTitleX = area.left - 8 - yTickLabelWidth(y) - 10;
  out.push(text(middleX, area.bottom + 38, spec.xTitle, { class: 'axis-title x-title', 'text-anchor': 'middle', 'font-size': TITLE_FONT_SIZE, fill: TEXT_COLOR }));
  out.push(text(yTitleX, middleY, spec.yTitle, { class: 'axis-title y-title', 'text-anchor': 'middle', 'font-size': TITLE_FONT_SIZE, fill: TEXT_COLOR, transform: `rotate(-90 ${px(yTitleX)} ${px(middleY)})` }));
  return out;
}

/** Space around the plot area that tick labels and axis titles take (top is the caller's: headings). */
export function axisMargins(y: LinearAxis): { left: number; bottom: number } {
  return { left: 8 + yTickLabelWidth(y) + 10 + TITLE_FONT_SIZE + 8, bottom: 52 };
}
