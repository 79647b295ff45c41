// Heatmaps: a matrix of coloured cells with row and column labels, the value written in each cell
// when it fits (black or white, whichever reads on the fill), a tooltip per cell, and a colour bar.
import { sequentialColor, textColorOn } from './colors.ts';
import { linearAxis } from './scales.ts';
import { attributes, escapeXml, fitText, heading as headingText, px, svgDocument, text, TEXT_COLOR, textWidth } from './svg.ts';

export interface HeatmapSpec {
  title: string;
  heading?: string;
  description?: string;
  rowLabels: readonly string[];
  columnLabels: readonly string[];
  /** values[row][column]; null, undefined or a missing entry is an empty cell. */
  values: readonly (readonly (number | null | undefined)[])[];
  /** The value range the colours span (default [0, 1]). */
  domain?: readonly [number, number];
  /** Fill per value (default viridis over the domain). */
  color?: (value: number) => string;
  /** The text in a cell and in its tooltip (default: 3 significant digits). */
  format?: (value: number) => string;
  /** The tooltip of a cell (default "row, column: value"). */
  cellTitle?: (row: number, column: number, value: number) => string;
  /** Fill of an empty cell, e.g. one still to come; null leaves it blank (default). */
  emptyFill?: (row: number, column: number) => string | null;
  /** What rows and columns are, written beside and above the labels. */
  rowTitle?: string;
  columnTitle?: string;
  /** A colour bar on the right, its ticks labelled with a d3-format specifier (default true, ".0%"-like from the domain). */
  colorBar?: boolean;
  colorBarSpecifier?: string;
  /** Side of a cell in pixels (default: between 28 and 64, about 480 px for the whole matrix). */
  cellSize?: number;
  /** Longest label shown before it is shortened with an ellipsis (pixels). Default 140. */
  maxLabelWidth?: number;
  className?: string;
}

const LABEL_FONT = 12;
const COLUMN_LABEL_ANGLE = 35;

export function heatmap(spec: HeatmapSpec): string {
  const rows = spec.rowLabels.length, columns = spec.columnLabels.length;
  const domain = spec.domain ?? [0, 1];
  const color = spec.color ?? sequentialColor(domain);
  const format = spec.format ?? ((v: number) => String(Number(v.toPrecision(3))));
  const cell = spec.cellSize ?? Math.max(28, Math.min(64, Math.floor(480 / Math.max(1, rows, columns))));
  const maxLabel = spec.maxLabelWidth ?? 140;
  const rowLabels = spec.rowLabels.map((l) => fitText(l, maxLabel, LABEL_FONT));
  const columnLabels = spec.columnLabels.map((l) => fitText(l, maxLabel, LABEL_FONT));
  const columnLabelWidth = Math.max(0, ...columnLabels.map((l) => textWidth(l, LABEL_FONT)));
  // Column labels wider than a cell are turned so that neighbours do not overlap.
  const turned = columnLabelWidth > cell - 4;
  const angle = (COLUMN_LABEL_ANGLE * Math.PI) / 180;
  const columnLabelHeight = turned ? columnLabelWidth * Math.sin(angle) + LABEL_FONT : LABEL_FONT + 4;
  const pad = 12;

  const rowTitleWidth = spec.rowTitle ? 22 : 0;
  const left = pad + rowTitleWidth + Math.max(0, ...rowLabels.map((l) => textWidth(l, LABEL_FONT))) + 8;
  const top = pad + (spec.heading ? 28 : 0) + (spec.columnTitle ? 20 : 0) + columnLabelHeight + 6;
  const gridRight = left + columns * cell, gridBottom = top + rows * cell;
  const barHeight = Math.max(100, rows * cell);
  const bar = (spec.colorBar ?? true) ? linearAxis(domain, [top + barHeight, top], { tickCount: 5, nice: false, tickSpecifier: spec.colorBarSpecifier }) : null;
  const barWidth = bar ? 24 + 14 + 6 + Math.max(...bar.ticks.map((t) => textWidth(bar.format(t), 11))) : 0;
  // A turned label of the last column reaches past the grid to the right.
  const overhang = turned ? Math.max(0, cell / 2 + columnLabelWidth * Math.cos(angle) - cell) : 0;
  let width = Math.ceil(Math.max(gridRight + barWidth, gridRight + overhang) + pad);
  // Bold glyphs run about a tenth wider than the regular ones textWidth assumes.
  if (spec.heading) width = Math.max(width, Math.ceil(1.1 * textWidth(spec.heading, 14) + 2 * pad));
  const height = Math.ceil(Math.max(gridBottom, bar ? top + barHeight : 0) + pad + 6);

  const body: string[] = [];
  if (spec.heading) body.push(headingText(spec.heading, width, pad + 12));
  if (spec.columnTitle) body.push(text((left + gridRight) / 2, pad + (spec.heading ? 28 : 0) + 12, spec.columnTitle, { class: 'axis-title column-title', 'text-anchor': 'middle', 'font-size': 12, fill: TEXT_COLOR }));
  if (spec.rowTitle) {
    const x = pad + 10, y = (top + gridBottom) / 2;
    body.push(text(x, y, spec.rowTitle, { class: 'axis-title row-title', 'text-anchor': 'middle', 'font-size': 12, fill: TEXT_COLOR, transform: `rotate(-90 ${px(x)} ${px(y)})` }));
  }

  body.push('<g class="cells">');
  const valueFont = cell >= 34 ? 11 : 9;
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) {
    const x = left + c * cell, y = top + r * cell;
    const v = spec.values[r]?.[c];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      const fill = spec.emptyFill?.(r, c) ?? null;
      if (fill) body.push(`<rect${attributes({ class: 'empty-cell', x, y, width: cell, height: cell, fill, stroke: '#ffffff' })}/>`);
      continue;
    }
    const fill = color(v), label = format(v);
    const tip = spec.cellTitle?.(r, c, v) ?? `${spec.rowLabels[r]}, ${spec.columnLabels[c]}: ${label}`;
    body.push(`<rect${attributes({ class: 'cell', x, y, width: cell, height: cell, fill, stroke: '#ffffff' })}>${`<title>${escapeXml(tip)}</title>`}</rect>`);
    if (textWidth(label, valueFont) <= cell - 4) body.push(text(x + cell / 2, y + cell / 2 + valueFont * 0.35, label, { class: 'value', 'text-anchor': 'middle', 'font-size': valueFont, fill: textColorOn(fill) }));
  }
  body.push('</g>', `<g class="tick-labels" fill="${TEXT_COLOR}" font-size="${LABEL_FONT}">`);
  rowLabels.forEach((l, r) => body.push(text(left - 6, top + r * cell + cell / 2 + 4, l, { 'text-anchor': 'end' })));
  columnLabels.forEach((l, c) => {
    const x = left + c * cell + cell / 2, y = top - 6;
    body.push(turned ? text(x, y, l, { 'text-anchor': 'start', transform: `rotate(-${COLUMN_LABEL_ANGLE} ${px(x)} ${px(y)})` }) : text(x, y, l, { 'text-anchor': 'middle' }));
  });
  body.push('</g>');

  if (bar) {
    const x = gridRight + 24, steps = 32;
    body.push('<g class="color-bar">');
    const [lo, hi] = domain;
    for (let i = 0; i < steps; i++) {
      const y0 = top + (barHeight * (steps - 1 - i)) / steps;
      body.push(`<rect${attributes({ x, y: y0, width: 14, height: barHeight / steps + 0.5, fill: color(lo + ((hi - lo) * (i + 0.5)) / steps) })}/>`);
    }
    for (const t of bar.ticks) body.push(`<line x1="${px(x + 14)}" y1="${px(bar.scale(t))}" x2="${px(x + 18)}" y2="${px(bar.scale(t))}" stroke="${TEXT_COLOR}"/>`, text(x + 20, bar.scale(t) + 4, bar.format(t), { fill: TEXT_COLOR, 'font-size': 11 }));
    body.push('</g>');
  }
  return svgDocument({ width, height, title: spec.title, description: spec.description, className: spec.className ?? 'heatmap', body });
}
