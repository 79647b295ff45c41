// Legends: a line sample (solid or dashed) or a colour swatch per entry, in a column beside the plot
// or in rows under it that wrap at the chart's width.
import { escapeXml, px, text, TEXT_COLOR, textWidth } from './svg.ts';

export interface LegendItem {
  label: string;
  color: string;
  /** 'line': a series; 'dashed': a reference or marker line; 'swatch': a bar or area. */
  shape: 'line' | 'dashed' | 'swatch';
}

export interface LegendLayout {
  /** 'column': one entry per line; 'rows': entries side by side, wrapping at maxWidth. */
  direction: 'column' | 'rows';
  maxWidth?: number;
  fontSize?: number;
}

export interface Legend {
  width: number;
  height: number;
  /** The legend drawn with its top-left corner at (x, y). */
  draw(x: number, y: number): string;
}

const SAMPLE_WIDTH = 22, SAMPLE_GAP = 6, ENTRY_GAP = 16;

/** Measures the legend first, so the chart can make room for it, then draws it where it fits. */
export function legend(items: readonly LegendItem[], layout: LegendLayout): Legend {
  const fontSize = layout.fontSize ?? 12, lineHeight = Math.round(fontSize * 1.5);
  const widths = items.map((it) => SAMPLE_WIDTH + SAMPLE_GAP + textWidth(it.label, fontSize));
  const positions: { x: number; y: number }[] = [];
  let width = 0, height = 0;
  if (layout.direction === 'column') {
    items.forEach((_, i) => positions.push({ x: 0, y: i * lineHeight }));
    width = Math.max(0, ...widths);
    height = items.length * lineHeight;
  } else {
    const maxWidth = layout.maxWidth ?? Infinity;
    let x = 0, y = 0;
    widths.forEach((w) => {
      if (x > 0 && x + w > maxWidth) { x = 0; y += lineHeight; }
      positions.push({ x, y });
      x += w + ENTRY_GAP;
      width = Math.max(width, x - ENTRY_GAP);
    });
    height = items.length ? y + lineHeight : 0;
  }
  return {
    width, height,
    draw(x0, y0) {
      if (items.length === 0) return '';
      const out = [`<g class="legend" transform="translate(${px(x0)} ${px(y0)})" font-size="${fontSize}">`];
      items.forEach((it, i) => {
        const { x, y } = positions[i]!, middle = y + lineHeight / 2;
        const color = escapeXml(it.color);
        if (it.shape === 'swatch') out.push(`<rect x="${px(x + 5)}" y="${px(middle - 6)}" width="12" height="12" fill="${color}"/>`);
        else out.push(`<line x1="${px(x)}" y1="${px(middle)}" x2="${px(x + SAMPLE_WIDTH)}" y2="${px(middle)}" stroke="${color}" stroke-width="2.5"${it.shape === 'dashed' ? ' stroke-dasharray="5 3"' : ''}/>`);
        out.push(text(x + SAMPLE_WIDTH + SAMPLE_GAP, middle + fontSize * 0.35, it.label, { fill: TEXT_COLOR }));
      });
      out.push('</g>');
      return out.join('\n');
    },
  };
}
