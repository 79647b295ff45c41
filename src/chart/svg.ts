// The SVG text every chart shares: escaping, coordinates, a label-width estimate for layout, and the
// document wrapper with its accessible name. Strings only (no DOM, no Node), so the same code draws
// the report's files in Node and the demo's live charts in a browser.

export const FONT_FAMILY = 'Helvetica, Arial, sans-serif';
export const TEXT_COLOR = '#333333';
export const AXIS_COLOR = '#333333';
export const GRID_COLOR = '#e6e6e6';
export const MUTED_COLOR = '#888888';

/** Text and attribute values: every character XML gives a meaning to is replaced. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A coordinate to 2 decimals: a hundredth of a pixel is invisible and keeps the files short. */
export function px(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

/**
 * Width of a label in pixels. There is nothing to measure text with in Node, so this is the average
 * advance of Helvetica / DejaVu Sans (about 0.6 em, wider for capitals and digits than for "il"); layout
 * only needs it to leave room, not to place glyphs.
 */
export function textWidth(s: string, fontSize: number): number {
  let em = 0;
  for (const ch of s) em += /[il.,:;'|!]/.test(ch) ? 0.3 : /[A-Z%mwMW@]/.test(ch) ? 0.8 : 0.6;
  return em * fontSize;
}

/** Shortens a label to fit `maxWidth` pixels, ending it with an ellipsis. */
export function fitText(s: string, maxWidth: number, fontSize: number): string {
  if (textWidth(s, fontSize) <= maxWidth) return s;
  const chars = [...s];
  while (chars.length > 1 && textWidth(`${chars.join('')}…`, fontSize) > maxWidth) chars.pop();
  return `${chars.join('')}…`;
}

type AttributeValue = string | number | undefined | null | false;

/** ` name="value"` pairs; undefined, null and false leave the attribute out, numbers go through px. */
export function attributes(record: Record<string, AttributeValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined || value === null || value === false) continue;
    out += ` ${name}="${typeof value === 'number' ? px(value) : escapeXml(value)}"`;
  }
  return out;
}

/** One element; `children` is markup (already escaped), absent for an empty element. */
export function element(name: string, attrs: Record<string, AttributeValue>, children?: string): string {
  return children === undefined ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${children}</${name}>`;
}

/** A text element whose content is escaped here. */
export function text(x: number, y: number, content: string, attrs: Record<string, AttributeValue> = {}): string {
  return element('text', { x, y, ...attrs }, escapeXml(content));
}

export interface SvgDocument {
  width: number;
  height: number;
  /** The accessible name (aria-label and <title>): what the chart shows, in a sentence. */
  title: string;
  /** Longer text for screen readers (<desc>), e.g. how to read the chart. */
  description?: string;
  /** Added to the root's class "chart", so pages can style one kind of chart. */
  className?: string;
  body: string[];
}

/** The root element: its size, a white background (PNG renderers and dark pages alike), the title first. */
export function svgDocument(doc: SvgDocument): string {
  const { width, height } = doc;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg"${attributes({
      class: doc.className ? `chart ${doc.className}` : 'chart', width, height, viewBox: `0 0 ${px(width)} ${px(height)}`,
      role: 'img', 'aria-label': doc.title, 'font-family': FONT_FAMILY, 'font-size': 12,
    })}>`,
    element('title', {}, escapeXml(doc.title)),
    ...(doc.description ? [element('desc', {}, escapeXml(doc.description))] : []),
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    ...doc.body,
    '</svg>',
  ].join('\n') + '\n';
}

/** A bold heading centred over `width`. */
export function heading(content: string, width: number, y = 22): string {
  return text(width / 2, y, content, { class: 'heading', 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold', fill: '#000000' });
}
