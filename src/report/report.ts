// The comparison report, from a set of per-run results (approach × seed): the forgetting
// ratio per approach as a Markdown table and CSV, each approach's accuracy matrix, and SVG plots as
// strings (rho against tasks learned with 95 % bands, accuracy heatmaps, HAT's mask usage). Pure and
// Node-free (no fs, no DOM), so the CLI writes the strings to files and a browser can show them as is.
// No plotting dependency: the three plots need axes, ticks, polylines and rects, a page of code.
import { forgettingOverSeeds, meanMatrix, type Interval, type RunResult } from '../eval/metrics.ts';

/** The approaches the metric is relative to: reported, not plotted as rho lines. */
export const REFERENCE_APPROACHES = ['joint', 'random'] as const;

export interface ApproachSummary {
  approach: string;
  seeds: number[];
  /** rho[t] over seeds (index t = tasks learned − 1); null for joint / random or when either is missing. */
  rho: Interval[] | null;
  /** Mean over seeds of accuracy[t][u]. */
  accuracy: number[][];
  /** Mean over seeds of maskUsage[t][layer]; null when the runs have none (every approach but HAT). */
  maskUsage: number[][] | null;
}

export interface ComparisonReport {
  benchmark: string;
  taskNames: string[];
  approaches: ApproachSummary[];
  /** Why rho is missing (no joint or no random runs), else null. */
  rhoMissing: string | null;
  markdown: string;
  csv: string;
  svg: {
    forgetting: string | null;
    /** One heatmap per approach. */
    accuracy: Record<string, string>;
    /** HAT's per-layer mask usage over tasks; null without HAT runs. */
    maskUsage: string | null;
  };
}

export interface ReportOptions {
  /** Approach order (others follow, alphabetically). Default: the order of first appearance. */
  order?: readonly string[];
  /** Names of the gated layers, for the mask-usage legend (default layer 1, 2, …). */
  layerNames?: readonly string[];
  /** Which approach's mask usage to plot (default 'hat'). */
  maskApproach?: string;
}

/** Summaries per approach (joint and random last), the building block of the report. */
export function summarise(runs: readonly RunResult[], options: ReportOptions = {}): { approaches: ApproachSummary[]; rhoMissing: string | null } {
  if (runs.length === 0) throw new RangeError('report: no results');
  const byApproach = new Map<string, RunResult[]>();
  for (const r of runs) {
    const list = byApproach.get(r.approach) ?? [];
    if (list.some((x) => x.seed === r.seed)) throw new RangeError(`report: two results for ${r.approach} seed ${r.seed}`);
    list.push(r);
    byApproach.set(r.approach, list);
  }
  const joint = byApproach.get('joint') ?? [], random = byApproach.get('random') ?? [];
  const rhoMissing = joint.length === 0 ? 'no joint runs: the forgetting ratio needs joint training as its upper reference'
    : random.length === 0 ? 'no random runs: the forgetting ratio needs random guessing as its lower reference' : null;
  const order = orderApproaches([...byApproach.keys()], options.order);
  const approaches = order.map((approach): ApproachSummary => {
    const list = [...byApproach.get(approach)!].sort((a, b) => a.seed - b.seed);
    const isRef = (REFERENCE_APPROACHES as readonly string[]).includes(approach);
    const masks = list.every((r) => r.maskUsage.length > 0 && r.maskUsage.every((row) => row.length > 0)) ? meanMatrix(list.map((r) => r.maskUsage)) : null;
    return {
      approach, seeds: list.map((r) => r.seed),
      rho: rhoMissing || isRef ? null : forgettingOverSeeds(list, joint, random),
      accuracy: meanMatrix(list.map((r) => r.accuracy)),
      maskUsage: masks,
    };
  });
  return { approaches, rhoMissing };
}

function orderApproaches(names: string[], order?: readonly string[]): string[] {
  const refs = names.filter((n) => (REFERENCE_APPROACHES as readonly string[]).includes(n)).sort();
  const rest = names.filter((n) => !refs.includes(n));
  if (!order) return [...rest, ...refs];
  const known = order.filter((n) => rest.includes(n));
  return [...known, ...rest.filter((n) => !known.includes(n)).sort(), ...refs];
}

/** Builds the whole report. */
export function buildReport(runs: readonly RunResult[], options: ReportOptions = {}): ComparisonReport {
  const { approaches, rhoMissing } = summarise(runs, options);
  const first = runs[0]!;
  const T = Math.max(...runs.map((r) => r.accuracy.length));
  const taskNames = Array.from({ length: T }, (_, t) => first.tasks[t]?.name ?? `task ${t + 1}`);
  const maskApproach = options.maskApproach ?? 'hat';
  const mask = approaches.find((a) => a.approach === maskApproach)?.maskUsage ?? null;
  const accuracy: Record<string, string> = {};
  for (const a of approaches) accuracy[a.approach] = accuracyHeatmapSvg(a, taskNames);
  return {
    benchmark: first.benchmark, taskNames, approaches, rhoMissing,
    markdown: reportMarkdown(first.benchmark, approaches, taskNames, rhoMissing),
    csv: forgettingCsv(approaches),
    svg: {
      forgetting: rhoMissing ? null : forgettingSvg(approaches, T),
      accuracy,
      maskUsage: mask ? maskUsageSvg(mask, options.layerNames, maskApproach) : null,
    },
  };
}

// --------------------------------------------------------------------------------------- text tables

const MINUS = '−';
function num(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return s.startsWith('-') ? (Number(s) === 0 ? s.slice(1) : MINUS + s.slice(1)) : s;
}

/** "mean ± half" (3 decimals), or the mean alone from one seed. */
export function formatInterval(iv: Interval): string {
  return iv.half === null ? num(iv.mean, 3) : `${num(iv.mean, 3)} ± ${iv.half.toFixed(3)}`;
}

/** Markdown: one row per approach, one column per number of tasks learned. */
export function forgettingTable(approaches: readonly ApproachSummary[]): string {
  const withRho = approaches.filter((a) => a.rho);
  const T = Math.max(0, ...withRho.map((a) => a.rho!.length));
  const head = `| approach | seeds | ${Array.from({ length: T }, (_, t) => `${t + 1} task${t ? 's' : ''}`).join(' | ')} |`;
  const rule = `| --- | ---: | ${Array.from({ length: T }, () => '---:').join(' | ')} |`;
  const rows = withRho.map((a) => `| ${a.approach} | ${a.seeds.length} | ${a.rho!.map(formatInterval).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

/** CSV of rho: approach, tasks learned, mean, 95 % half-width, bounds, seeds (empty half with one seed). */
export function forgettingCsv(approaches: readonly ApproachSummary[]): string {
  const lines = ['approach,tasks_learned,rho_mean,rho_half95,rho_low95,rho_high95,seeds'];
  for (const a of approaches) {
    a.rho?.forEach((iv, t) => {
      const h = iv.half;
      lines.push([csvField(a.approach), t + 1, iv.mean, h ?? '', h === null ? '' : iv.mean - h, h === null ? '' : iv.mean + h, iv.n].join(','));
    });
  }
  return lines.join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Markdown: accuracy (%) on each task (columns) after training through each task (rows), seed mean. */
export function accuracyMarkdown(a: ApproachSummary, taskNames: readonly string[]): string {
  const T = a.accuracy.length;
  const head = `| after \\ on | ${taskNames.slice(0, T).map(mdCell).join(' | ')} |`;
  const rule = `| --- | ${Array.from({ length: T }, () => '---:').join(' | ')} |`;
  const rows = a.accuracy.map((row, t) => `| ${mdCell(taskNames[t] ?? `task ${t + 1}`)} | ${Array.from({ length: T }, (_, u) => (u < row.length ? (100 * row[u]!).toFixed(1) : '')).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function reportMarkdown(benchmark: string, approaches: readonly ApproachSummary[], taskNames: readonly string[], rhoMissing: string | null): string {
  const out = [`# ${benchmark}: forgetting ratio`, ''];
  if (rhoMissing) out.push(`No forgetting ratio: ${rhoMissing}.`, '');
  else {
    out.push('rho after each number of tasks learned (docs/hat.md: mean over the tasks learned so far; 0 = joint training, −1 = random guessing), mean ± 95 % Student-t half-width over seeds.', '');
    out.push(forgettingTable(approaches), '');
  }
  out.push('## Accuracy (%) on each task after training through each task (mean over seeds)', '');
  for (const a of approaches) out.push(`### ${a.approach} (seeds ${a.seeds.join(', ')})`, '', accuracyMarkdown(a, taskNames), '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------- SVG

/** Tableau 10: distinguishable, colour-blind friendlier than a rainbow. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const r2 = (v: number) => String(Math.round(v * 100) / 100);

/** Round tick values covering [lo, hi] (about `count` of them, steps of 1, 2 or 5 × 10^k). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

function tickLabel(v: number, step: number): string {
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return num(v, digits);
}

interface Frame { x0: number; x1: number; y0: number; y1: number; xMin: number; xMax: number; yMin: number; yMax: number }
const sx = (f: Frame, v: number) => f.x0 + ((v - f.xMin) / (f.xMax - f.xMin || 1)) * (f.x1 - f.x0);
const sy = (f: Frame, v: number) => f.y1 - ((v - f.yMin) / (f.yMax - f.yMin || 1)) * (f.y1 - f.y0);

function svgOpen(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
}

/** Axes with ticks, grid lines and labels for a line plot with integer x (tasks learned). */
function axes(f: Frame, xTicks: number[], yTicks: number[], xLabel: string, yLabel: string): string[] {
  const out = ['<g class="axes" stroke="#333333" fill="none">'];
  const yStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
  for (const v of yTicks) out.push(`<line x1="${f.x0}" y1="${r2(sy(f, v))}" x2="${f.x1}" y2="${r2(sy(f, v))}" stroke="#e6e6e6"/>`);
  out.push(`<line x1="${f.x0}" y1="${f.y1}" x2="${f.x1}" y2="${f.y1}"/>`, `<line x1="${f.x0}" y1="${f.y0}" x2="${f.x0}" y2="${f.y1}"/>`);
  for (const v of xTicks) out.push(`<line x1="${r2(sx(f, v))}" y1="${f.y1}" x2="${r2(sx(f, v))}" y2="${f.y1 + 5}"/>`);
  for (const v of yTicks) out.push(`<line x1="${f.x0 - 5}" y1="${r2(sy(f, v))}" x2="${f.x0}" y2="${r2(sy(f, v))}"/>`);
  out.push('</g>', '<g class="tick-labels" fill="#333333">');
  for (const v of xTicks) out.push(`<text x="${r2(sx(f, v))}" y="${f.y1 + 18}" text-anchor="middle">${v}</text>`);
  for (const v of yTicks) out.push(`<text x="${f.x0 - 8}" y="${r2(sy(f, v) + 4)}" text-anchor="end">${tickLabel(v, yStep)}</text>`);
  out.push('</g>');
  out.push(`<text class="x-label" x="${r2((f.x0 + f.x1) / 2)}" y="${f.y1 + 38}" text-anchor="middle" font-size="13">${escapeXml(xLabel)}</text>`);
  out.push(`<text class="y-label" x="${f.x0 - 48}" y="${r2((f.y0 + f.y1) / 2)}" text-anchor="middle" font-size="13" transform="rotate(-90 ${f.x0 - 48} ${r2((f.y0 + f.y1) / 2)})">${escapeXml(yLabel)}</text>`);
  return out;
}

function legend(x: number, y: number, items: { label: string; color: string; dashed?: boolean }[]): string[] {
  const out = [`<g class="legend" transform="translate(${x} ${y})">`];
  items.forEach((it, i) => {
    const yy = i * 18;
    out.push(`<line x1="0" y1="${yy}" x2="22" y2="${yy}" stroke="${it.color}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    out.push(`<text x="28" y="${yy + 4}" fill="#333333">${escapeXml(it.label)}</text>`);
  });
  out.push('</g>');
  return out;
}

/**
 * rho against the number of tasks learned, one line per approach with its 95 % band, reference lines
 * at 0 (joint) and −1 (random), a legend on the right: the paper's figure.
 */
export function forgettingSvg(approaches: readonly ApproachSummary[], taskCount: number): string {
  const lines = approaches.filter((a) => a.rho);
  const W = 720, H = 420;
  const f: Frame = { x0: 70, x1: 540, y0: 40, y1: H - 60, xMin: 1, xMax: Math.max(2, taskCount), yMin: -1, yMax: 0 };
  for (const a of lines) for (const iv of a.rho!) {
    f.yMin = Math.min(f.yMin, iv.mean - (iv.half ?? 0));
    f.yMax = Math.max(f.yMax, iv.mean + (iv.half ?? 0));
  }
  const yTicks = niceTicks(f.yMin, f.yMax);
  f.yMin = Math.min(f.yMin, yTicks[0]!);
  f.yMax = Math.max(f.yMax, yTicks[yTicks.length - 1]!);
  const xTicks = niceTicks(1, f.xMax, Math.min(f.xMax, 10)).filter((v) => Number.isInteger(v) && v >= 1);
  const out = svgOpen(W, H, 'Forgetting ratio against the number of tasks learned');
  out.push(`<text x="${(f.x0 + f.x1) / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">Forgetting ratio ρ (mean and 95 % interval over seeds)</text>`);
  out.push(...axes(f, xTicks, yTicks, 'tasks learned', 'forgetting ratio ρ'));
  out.push('<g class="references" stroke="#888888" stroke-dasharray="5 3" stroke-width="1.5">');
  out.push(`<line data-reference="joint" x1="${f.x0}" y1="${r2(sy(f, 0))}" x2="${f.x1}" y2="${r2(sy(f, 0))}"/>`);
  out.push(`<line data-reference="random" x1="${f.x0}" y1="${r2(sy(f, -1))}" x2="${f.x1}" y2="${r2(sy(f, -1))}"/>`);
  out.push('</g>');
  lines.forEach((a, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const pts = a.rho!.map((iv, t) => [sx(f, t + 1), sy(f, iv.mean)] as const);
    out.push(`<g class="approach" data-approach="${escapeXml(a.approach)}">`);
    if (a.rho!.some((iv) => iv.half !== null)) {
      const upper = a.rho!.map((iv, t) => `${r2(sx(f, t + 1))},${r2(sy(f, iv.mean + (iv.half ?? 0)))}`);
      const lower = a.rho!.map((iv, t) => `${r2(sx(f, t + 1))},${r2(sy(f, iv.mean - (iv.half ?? 0)))}`).reverse();
      out.push(`<polygon class="band" points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    }
    out.push(`<polyline class="line" points="${pts.map(([x, y]) => `${r2(x)},${r2(y)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2.5"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${r2(x)}" cy="${r2(y)}" r="3" fill="${color}"/>`);
    out.push('</g>');
  });
  out.push(...legend(f.x1 + 24, f.y0 + 8, [
    ...lines.map((a, i) => ({ label: a.approach, color: PALETTE[i % PALETTE.length]! })),
    { label: 'joint (ρ = 0)', color: '#888888', dashed: true },
    { label: 'random (ρ = −1)', color: '#888888', dashed: true },
  ]));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Stops of a perceptually even sequential scale (viridis, 5 stops), interpolated in RGB. */
const SCALE = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
export function scaleColor(v: number): string {
  const x = Math.min(1, Math.max(0, v)) * (SCALE.length - 1);
  const i = Math.min(SCALE.length - 2, Math.floor(x)), w = x - i;
  const c = SCALE[i]!.map((a, k) => Math.round(a + (SCALE[i + 1]![k]! - a) * w));
  return `#${c.map((n) => n.toString(16).padStart(2, '0')).join('')}`;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** The accuracy matrix of one approach (seed mean) as a heatmap: rows after task t, columns task u. */
export function accuracyHeatmapSvg(a: ApproachSummary, taskNames: readonly string[]): string {
  const T = a.accuracy.length;
  const cell = Math.max(28, Math.min(64, Math.floor(480 / Math.max(1, T))));
  const x0 = 120, y0 = 110, W = Math.max(520, x0 + T * cell + 110), H = y0 + Math.max(100, T * cell) + 50;
  const out = svgOpen(W, H, `Accuracy matrix of ${a.approach}`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(a.approach)}: test accuracy (%) on task (column) after task (row)</text>`);
  out.push('<g class="cells">');
  a.accuracy.forEach((row, t) => row.forEach((v, u) => {
    const x = x0 + u * cell, y = y0 + t * cell, fill = scaleColor(v);
    out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ffffff"><title>${escapeXml(`after ${taskNames[t] ?? t + 1}, on ${taskNames[u] ?? u + 1}: ${(100 * v).toFixed(1)} %`)}</title></rect>`);
    if (cell >= 30) out.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="${cell >= 44 ? 11 : 9}" fill="${v > 0.6 ? '#000000' : '#ffffff'}">${(100 * v).toFixed(1)}</text>`);
  }));
  out.push('</g>', '<g class="tick-labels" fill="#333333">');
  for (let t = 0; t < T; t++) {
    const name = escapeXml(truncate(taskNames[t] ?? `task ${t + 1}`, 16));
    out.push(`<text x="${x0 - 6}" y="${y0 + t * cell + cell / 2 + 4}" text-anchor="end">${name}</text>`);
    out.push(`<text x="${x0 + t * cell + cell / 2}" y="${y0 - 8}" text-anchor="start" transform="rotate(-35 ${x0 + t * cell + cell / 2} ${y0 - 8})">${name}</text>`);
  }
  out.push('</g>');
  out.push(`<text class="y-label" x="${x0 - 6}" y="${y0 + T * cell + 24}" text-anchor="end" font-size="12">rows: after training</text>`);
  // Colour bar 0–100 %.
  const bx = x0 + T * cell + 30, bh = Math.max(100, T * cell), n = 20;
  out.push('<g class="colorbar">');
  for (let i = 0; i < n; i++) out.push(`<rect x="${bx}" y="${r2(y0 + (bh * (n - 1 - i)) / n)}" width="14" height="${r2(bh / n + 0.5)}" fill="${scaleColor((i + 0.5) / n)}"/>`);
  for (const v of [0, 0.5, 1]) out.push(`<text x="${bx + 20}" y="${r2(y0 + bh * (1 - v) + 4)}" fill="#333333">${100 * v} %</text>`);
  out.push('</g>', '</svg>');
  return out.join('\n') + '\n';
}

/** Mask usage (fraction of units with a > 0.5) per gated layer against tasks learned. */
export function maskUsageSvg(usage: readonly (readonly number[])[], layerNames?: readonly string[], approach = 'hat'): string {
  const T = usage.length, L = Math.max(0, ...usage.map((r) => r.length));
  const W = 680, H = 400;
  const f: Frame = { x0: 70, x1: 520, y0: 40, y1: H - 60, xMin: 1, xMax: Math.max(2, T), yMin: 0, yMax: 1 };
  const out = svgOpen(W, H, `Mask usage of ${approach} per layer`);
  out.push(`<text x="${(f.x0 + f.x1) / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(approach)}: units in use per layer (cumulative mask &gt; 0.5)</text>`);
  out.push(...axes(f, niceTicks(1, f.xMax, Math.min(f.xMax, 10)).filter((v) => Number.isInteger(v) && v >= 1), niceTicks(0, 1), 'tasks learned', 'fraction of units used'));
  const names = Array.from({ length: L }, (_, l) => layerNames?.[l] ?? `layer ${l + 1}`);
  for (let l = 0; l < L; l++) {
    const color = PALETTE[l % PALETTE.length]!;
    const pts = usage.map((row, t) => [sx(f, t + 1), sy(f, row[l] ?? 0)] as const);
    out.push(`<g class="layer" data-layer="${escapeXml(names[l]!)}">`);
    out.push(`<polyline class="line" points="${pts.map(([x, y]) => `${r2(x)},${r2(y)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2.5"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${r2(x)}" cy="${r2(y)}" r="3" fill="${color}"/>`);
    out.push('</g>');
  }
  out.push(...legend(f.x1 + 24, f.y0 + 8, names.map((label, l) => ({ label, color: PALETTE[l % PALETTE.length]! }))));
  out.push('</svg>');
  return out.join('\n') + '\n';
}
