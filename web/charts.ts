// Hand-written SVG for the demo's three charts (a line chart, a heatmap, stacked bars): a few hundred
// bytes of code instead of a chart library, and redrawing a whole chart on each frame is cheap at this size.

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Lines over a shared x axis; `marks` are dashed vertical lines (task boundaries) with labels. */
export function lineChart(series: Series[], opts: { width: number; height: number; xLabel: string; yLabel: string; marks?: { x: number; label: string }[]; yMax?: number }): string {
  const { width: W, height: H } = opts;
  const L = 44, R = 8, T = 10, B = 30;
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p.x), ...(opts.marks ?? []).map((m) => m.x));
  let yMax = opts.yMax ?? Math.max(1e-6, ...all.map((p) => p.y));
  if (!Number.isFinite(yMax)) yMax = 1;
  const x = (v: number) => L + (v / xMax) * (W - L - R);
  const y = (v: number) => T + (1 - Math.min(v, yMax) / yMax) * (H - T - B);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(opts.yLabel)}">`];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#e4e4e7"/><text x="${L - 4}" y="${y(v) + 4}" font-size="10" text-anchor="end" fill="#555">${fmt(v)}</text>`);
  }
  for (const m of opts.marks ?? []) {
    parts.push(`<line x1="${x(m.x)}" x2="${x(m.x)}" y1="${T}" y2="${H - B}" stroke="#999" stroke-dasharray="3 3"/><text x="${x(m.x) + 3}" y="${T + 9}" font-size="9" fill="#777">${esc(m.label)}</text>`);
  }
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
  }
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 4}" font-size="11" text-anchor="middle" fill="#333">${esc(opts.xLabel)}</text>`);
  parts.push(`<text x="10" y="${(T + H - B) / 2}" font-size="11" text-anchor="middle" fill="#333" transform="rotate(-90 10 ${(T + H - B) / 2})">${esc(opts.yLabel)}</text>`);
  let lx = L + 8;
  for (const s of series) {
    parts.push(`<rect x="${lx}" y="${H - B - 14}" width="10" height="3" fill="${s.color}"/><text x="${lx + 14}" y="${H - B - 10}" font-size="10" fill="#333">${esc(s.name)}</text>`);
    lx += 24 + s.name.length * 6;
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Red (0) → amber → green (1). */
export function accuracyColor(v: number): string {
  const hue = Math.max(0, Math.min(1, (v - 0.5) / 0.5)) * 120;
  return `hsl(${hue.toFixed(0)} 70% ${v > 0.97 ? 42 : 50}%)`;
}

/** n × n lower-triangular matrix: rows "after task t", columns "task u"; missing cells stay empty. */
export function heatmap(rows: number[][], n: number, opts: { title: string; labels: string[] }): string {
  const cell = 38, L = 64, T = 34;
  const W = L + n * cell + 4, H = T + n * cell + 4;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(opts.title)}">`];
  parts.push(`<text x="${L}" y="11" font-size="11" font-weight="600" fill="#222">${esc(opts.title)}</text>`);
  for (let u = 0; u < n; u++) parts.push(`<text x="${L + u * cell + cell / 2}" y="${T - 6}" font-size="9" text-anchor="middle" fill="#555">${esc(opts.labels[u] ?? String(u))}</text>`);
  for (let t = 0; t < n; t++) {
    parts.push(`<text x="${L - 4}" y="${T + t * cell + cell / 2 + 3}" font-size="9" text-anchor="end" fill="#555">after ${esc(opts.labels[t] ?? String(t))}</text>`);
    for (let u = 0; u < n; u++) {
      const v = rows[t]?.[u];
      const xx = L + u * cell, yy = T + t * cell;
      if (v === undefined) {
        parts.push(`<rect x="${xx + 1}" y="${yy + 1}" width="${cell - 2}" height="${cell - 2}" fill="${u <= t ? '#f4f4f5' : '#fff'}" stroke="#eee"/>`);
      } else {
        parts.push(`<rect x="${xx + 1}" y="${yy + 1}" width="${cell - 2}" height="${cell - 2}" fill="${accuracyColor(v)}"/><text x="${xx + cell / 2}" y="${yy + cell / 2 + 4}" font-size="11" text-anchor="middle" fill="#fff">${(v * 100).toFixed(0)}</text>`);
      }
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

export const TASK_COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#65a30d', '#db2777', '#4b5563', '#7c3aed'];

/**
 * One horizontal bar per layer, split into the share of units each task claimed: `cumulative[t][l]`
 * is the fraction of layer l's units claimed by tasks 0..t, so task t's share is the difference.
 */
export function stackedBars(cumulative: number[][], layerNames: string[], opts: { width: number }): string {
  const L = 44, R = 44, rowH = 22, T = 4;
  const W = opts.width, H = T + layerNames.length * rowH + 18;
  const span = W - L - R;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="mask usage">`];
  layerNames.forEach((name, l) => {
    const yy = T + l * rowH;
    parts.push(`<text x="${L - 4}" y="${yy + 14}" font-size="10" text-anchor="end" fill="#333">${esc(name)}</text><rect x="${L}" y="${yy + 3}" width="${span}" height="${rowH - 8}" fill="#f4f4f5"/>`);
    let prev = 0;
    cumulative.forEach((row, t) => {
      const v = row[l] ?? prev;
      const share = Math.max(0, v - prev);
      if (share > 0) parts.push(`<rect x="${L + prev * span}" y="${yy + 3}" width="${share * span}" height="${rowH - 8}" fill="${TASK_COLORS[t % TASK_COLORS.length]}"><title>task ${t + 1}: ${(share * 100).toFixed(1)} % of ${esc(name)}</title></rect>`);
      prev = Math.max(prev, v);
    });
    parts.push(`<text x="${W - R + 4}" y="${yy + 14}" font-size="10" fill="#333">${(prev * 100).toFixed(0)} %</text>`);
  });
  let lx = L;
  cumulative.forEach((_, t) => {
    parts.push(`<rect x="${lx}" y="${H - 12}" width="10" height="8" fill="${TASK_COLORS[t % TASK_COLORS.length]}"/><text x="${lx + 13}" y="${H - 5}" font-size="9" fill="#333">task ${t + 1}</text>`);
    lx += 52;
  });
  parts.push('</svg>');
  return parts.join('');
}
