// The comparison report, from a set of per-run results (approach × seed): the forgetting
// ratio per approach as a Markdown table and CSV, each approach's accuracy matrix, and SVG plots as
// strings (rho against tasks learned with 95 % bands, accuracy heatmaps, HAT's mask usage; drawn in
// plots.ts with the chart module). Pure and Node-free (no fs, no DOM), so the CLI writes the strings to
// files and a browser can show them as is.
import { forgettingOverSeeds, meanMatrix, type Interval, type RunResult } from '../eval/metrics.ts';
import { accuracyHeatmapSvg, forgettingSvg, maskUsageSvg } from './plots.ts';
import type { ApproachSummary } from './summary.ts';

export { accuracyHeatmapSvg, forgettingSvg, maskUsageSvg };

/** The approaches the metric is relative to: reported, not plotted as rho lines. */
export const REFERENCE_APPROACHES = ['joint', 'random'] as const;

export type { ApproachSummary } from './summary.ts';

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
