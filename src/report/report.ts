// The comparison report, from a set of per-run results (approach × seed): per approach the metrics of
// docs/metrics.md (average accuracy, BWT, FWT, forgetting; task-aware and task-agnostic; task inference
// beside chance) and the forgetting ratio, as Markdown tables and CSV, each approach's accuracy matrix, and
// SVG plots as strings (rho and average accuracy against tasks learned with 95 % bands, accuracy heatmaps,
// HAT's mask usage; drawn in plots.ts with the chart module). Pure and Node-free (no fs, no DOM), so the
// CLI writes the strings to files (ComparisonReport.files) and a browser can show them as is.
import { forgettingOverSeeds, meanInterval, meanMatrix, type Interval, type RunResult } from '../eval/metrics.ts';
import { isCompleteMatrix, meanTaskInference, runMetricsOverSeeds, type MatricesOfRun, type MetricsOverSeeds } from '../eval/accuracy-metrics.ts';
import { accuracyHeatmapSvg, averageAccuracySvg, forgettingSvg, maskUsageSvg } from './plots.ts';
import type { ApproachSummary } from './summary.ts';
import { capacityMarkdown } from './capacity.ts';

export { accuracyHeatmapSvg, averageAccuracySvg, forgettingSvg, maskUsageSvg };

/** The approaches the metric is relative to: reported, not plotted as rho lines. */
export const REFERENCE_APPROACHES = ['joint', 'random'] as const;

export type { ApproachSummary } from './summary.ts';

export interface ComparisonReport {
  benchmark: string;
  taskNames: string[];
  approaches: ApproachSummary[];
  /** Why rho is missing (no joint or no random runs), else null. */
  rhoMissing: string | null;
  /** metrics.md: the metrics, the forgetting ratio and the accuracy matrices. */
  markdown: string;
  /** The forgetting ratio's CSV (forgetting.csv, as before). */
  csv: string;
  /** Every metric over seeds in long form (metrics.csv). */
  metricsCsv: string;
  /**
   * The text files to write, by name: metrics.md and metrics.csv, and under the names earlier releases
   * used, forgetting.md (the same Markdown) and forgetting.csv (rho alone), kept for one release.
   */
  files: Record<string, string>;
  svg: {
    forgetting: string | null;
    /** Per approach, average accuracy against tasks learned, task-aware and task-agnostic (average-accuracy-<approach>.svg). */
    averageAccuracy: Record<string, string>;
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
    const matrices = list as (RunResult & MatricesOfRun)[];
    const agnostic = matrices.every((r) => isCompleteMatrix(r.accuracyTaskAgnostic)) ? meanMatrix(matrices.map((r) => r.accuracyTaskAgnostic!)) : null;
    const inference = list.map((r) => meanTaskInference(r.taskInferenceAccuracy));
    return {
      approach, seeds: list.map((r) => r.seed),
      rho: rhoMissing || isRef ? null : forgettingOverSeeds(list, joint, random),
      accuracy: meanMatrix(list.map((r) => r.accuracy)),
      accuracyTaskAgnostic: agnostic,
      metrics: runMetricsOverSeeds(matrices),
      taskInference: inference.every((m): m is number[] => m !== null)
        ? Array.from({ length: Math.min(...inference.map((m) => m.length)) }, (_, t) => meanInterval(inference.map((m) => m[t]!)))
        : null,
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
  const averageAccuracy: Record<string, string> = {};
  for (const a of approaches) {
    accuracy[a.approach] = accuracyHeatmapSvg(a, taskNames);
    if (a.approach !== 'random') averageAccuracy[a.approach] = averageAccuracySvg(a, T);
  }
  const markdown = reportMarkdown(first.benchmark, approaches, taskNames, rhoMissing) + capacityMarkdown(runs, approaches.map((a) => a.approach), taskNames);
  const csv = forgettingCsv(approaches);
  const metricsCsvText = metricsCsv(approaches);
  return {
    benchmark: first.benchmark, taskNames, approaches, rhoMissing,
    markdown, csv, metricsCsv: metricsCsvText,
    files: { 'metrics.md': markdown, 'metrics.csv': metricsCsvText, 'forgetting.md': markdown, 'forgetting.csv': csv },
    svg: {
      forgetting: rhoMissing ? null : forgettingSvg(approaches, T),
      averageAccuracy,
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

/** Whether task inference is no better than guessing the task (1 in t + 1): its interval reaches chance, or its mean is within a point of it. */
export function taskInferenceAtChance(iv: Interval, tasksLearned: number): boolean {
  const chance = 1 / tasksLearned;
  return iv.half === null ? iv.mean <= chance + 0.01 : iv.mean - iv.half <= chance;
}

const pct = (v: number) => num(100 * v, 1);
const pctInterval = (iv: Interval | null) => (iv === null ? 'n/a' : iv.half === null ? pct(iv.mean) : `${pct(iv.mean)} ± ${(100 * iv.half).toFixed(1)}`);

/**
 * Markdown: per approach, after the last task, the average accuracy, BWT, forgetting and FWT (points,
 * mean ± 95 % half-width over seeds), told the task and not, and how often the task was inferred right
 * beside chance.
 */
export function metricsTable(approaches: readonly ApproachSummary[]): string {
  const rows = approaches.filter((a) => a.approach !== 'random');
  const head = '| approach | seeds | ACC | BWT | forgetting | FWT | ACC (task-agnostic) | BWT (task-agnostic) | forgetting (task-agnostic) | FWT (task-agnostic) | task inferred right (chance) |';
  const rule = '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const cells = (m: MetricsOverSeeds | null) => (m === null ? ['n/a', 'n/a', 'n/a', 'n/a'] : [pctInterval(m.averageAccuracy.at(-1) ?? null), pctInterval(m.bwt), pctInterval(m.forgetting), pctInterval(m.fwt)]);
  const lines = rows.map((a) => {
    const inf = a.taskInference?.at(-1) ?? null;
    const T = a.taskInference?.length ?? 0;
    const inference = inf === null ? 'n/a' : `${pctInterval(inf)} (${pct(1 / T)})${taskInferenceAtChance(inf, T) ? ' at chance' : ''}`;
    return `| ${mdCell(a.approach)} | ${a.seeds.length} | ${[...cells(a.metrics.taskAware), ...cells(a.metrics.taskAgnostic), inference].join(' | ')} |`;
  });
  return [head, rule, ...lines].join('\n');
}

/** Markdown: average accuracy (%) after each number of tasks learned, task-aware / task-agnostic. */
export function averageAccuracyTable(approaches: readonly ApproachSummary[]): string {
  const rows = approaches.filter((a) => a.approach !== 'random');
  const T = Math.max(0, ...rows.map((a) => a.metrics.taskAware.averageAccuracy.length));
  const head = `| approach | ${Array.from({ length: T }, (_, t) => `${t + 1} task${t ? 's' : ''}`).join(' | ')} |`;
  const rule = `| --- | ${Array.from({ length: T }, () => '---:').join(' | ')} |`;
  const lines = rows.map((a) => `| ${mdCell(a.approach)} | ${Array.from({ length: T }, (_, t) => {
    const aware = a.metrics.taskAware.averageAccuracy[t];
    const agnostic = a.metrics.taskAgnostic?.averageAccuracy[t];
    return `${aware ? pctInterval(aware) : ''} / ${agnostic ? pctInterval(agnostic) : 'n/a'}`;
  }).join(' | ')} |`);
  return [head, rule, ...lines].join('\n');
}

/**
 * CSV of every metric over seeds, one row per (approach, view, metric, tasks learned): view task-aware or
 * task-agnostic; metric average_accuracy (one row per number of tasks learned), bwt, fwt, forgetting
 * (after the last task) or task_inference (the view is task-agnostic; chance is 1 / tasks_learned).
 * Fractions, not percent; empty half-width and bounds with one seed.
 */
export function metricsCsv(approaches: readonly ApproachSummary[]): string {
  const lines = ['approach,view,metric,tasks_learned,mean,half95,low95,high95,seeds'];
  const add = (a: ApproachSummary, view: string, metric: string, tasks: number, iv: Interval) => {
    const h = iv.half;
    lines.push([csvField(a.approach), view, metric, tasks, iv.mean, h ?? '', h === null ? '' : iv.mean - h, h === null ? '' : iv.mean + h, iv.n].join(','));
  };
  for (const a of approaches) {
    for (const [view, m] of [['task-aware', a.metrics.taskAware], ['task-agnostic', a.metrics.taskAgnostic]] as const) {
      if (!m) continue;
      m.averageAccuracy.forEach((iv, t) => add(a, view, 'average_accuracy', t + 1, iv));
      const T = m.averageAccuracy.length;
      for (const key of ['bwt', 'fwt', 'forgetting'] as const) if (m[key]) add(a, view, key, T, m[key]!);
    }
    a.taskInference?.forEach((iv, t) => add(a, 'task-agnostic', 'task_inference', t + 1, iv));
  }
  return lines.join('\n') + '\n';
}

function reportMarkdown(benchmark: string, approaches: readonly ApproachSummary[], taskNames: readonly string[], rhoMissing: string | null): string {
  const out = [`# ${benchmark}: metrics`, ''];
  out.push('After the last task, in points (accuracy %), mean ± 95 % Student-t half-width over seeds (docs/metrics.md): ACC the average accuracy over the tasks learned, BWT backward transfer (negative: forgetting), forgetting the mean drop from each task\'s best accuracy, FWT forward transfer against each task trained alone (n/a without single-task references). Task-agnostic: the task not given (task-conditioned networks infer it from each task\'s forward; shared ones take the argmax over every head). Task inferred right: the fraction of test samples whose task was inferred right, beside chance (1 in the number of tasks); "at chance" where it is no better.', '');
  out.push(metricsTable(approaches), '');
  out.push('## Average accuracy (%) after each number of tasks learned: task-aware / task-agnostic', '');
  out.push(averageAccuracyTable(approaches), '');
  out.push('## Forgetting ratio', '');
  if (rhoMissing) out.push(`No forgetting ratio: ${rhoMissing}.`, '');
  else {
    out.push('rho after each number of tasks learned (docs/hat.md: mean over the tasks learned so far; 0 = joint training, −1 = random guessing), mean ± 95 % Student-t half-width over seeds.', '');
    out.push(forgettingTable(approaches), '');
  }
  out.push('## Accuracy (%) on each task after training through each task (mean over seeds)', '');
  for (const a of approaches) {
    out.push(`### ${a.approach} (seeds ${a.seeds.join(', ')})`, '', accuracyMarkdown(a, taskNames), '');
    if (a.accuracyTaskAgnostic) out.push(`Task-agnostic:`, '', accuracyMarkdown({ ...a, accuracy: a.accuracyTaskAgnostic }, taskNames), '');
  }
  return out.join('\n');
}
