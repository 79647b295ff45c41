// The report's plots, drawn by the chart module (src/chart): the forgetting ratio against tasks learned
// with 95 % bands and the joint / random references, per approach its average accuracy against tasks
// learned (task-aware and task-agnostic, with bands) and its accuracy heatmap, and HAT's mask usage per
// layer. This file decides what is plotted; src/chart decides how it looks.
import { heatmap, lineChart, type LineSeries } from '../chart/index.ts';
import type { Interval } from '../eval/metrics.ts';
import type { ApproachSummary } from './summary.ts';

const percent = (v: number) => (100 * v).toFixed(1);

/** rho against the number of tasks learned: a line and its 95 % band per approach (the paper's figure). */
export function forgettingSvg(approaches: readonly ApproachSummary[], taskCount: number): string {
  const series: LineSeries[] = approaches.filter((a) => a.rho).map((a) => ({
    name: a.approach,
    points: a.rho!.map((iv, t) => (iv.half === null ? { x: t + 1, y: iv.mean } : { x: t + 1, y: iv.mean, low: iv.mean - iv.half, high: iv.mean + iv.half })),
  }));
  return lineChart({
    title: 'Forgetting ratio against the number of tasks learned',
    heading: 'Forgetting ratio ρ (mean and 95 % interval over seeds)',
    description: 'One line per approach with its 95 % Student-t interval over seeds as a band; ρ = 0 is joint training, ρ = −1 random guessing.',
    series,
    rules: [
      { axis: 'y', value: 0, name: 'joint', legendLabel: 'joint (ρ = 0)' },
      { axis: 'y', value: -1, name: 'random', legendLabel: 'random (ρ = −1)' },
    ],
    // The bands reach a little above 0; rounding the domain out to the next tick would waste a fifth of the plot.
    xDomain: [1, Math.max(2, taskCount)], xInteger: true, yNice: false,
    xTitle: 'tasks learned', yTitle: 'forgetting ratio ρ',
    className: 'forgetting',
  });
}

const intervalPoint = (iv: Interval, t: number) => (iv.half === null ? { x: t + 1, y: iv.mean } : { x: t + 1, y: iv.mean, low: iv.mean - iv.half, high: iv.mean + iv.half });

/**
 * Average accuracy over the tasks learned against their number, told the task and not (two lines, each
 * with its 95 % band over seeds), and the task-inference accuracy dashed where the runs have it.
 */
export function averageAccuracySvg(a: ApproachSummary, taskCount: number): string {
  const series: LineSeries[] = [{ name: 'task-aware', color: '#2563eb', points: a.metrics.taskAware.averageAccuracy.map(intervalPoint) }];
  if (a.metrics.taskAgnostic) series.push({ name: 'task-agnostic', color: '#ea580c', points: a.metrics.taskAgnostic.averageAccuracy.map(intervalPoint) });
  if (a.taskInference) series.push({ name: 'task inferred right', color: '#71717a', dashed: true, points: a.taskInference.map(intervalPoint) });
  return lineChart({
    title: `Average accuracy of ${a.approach} against the number of tasks learned`,
    heading: `${a.approach}: average accuracy over the tasks learned (mean and 95 % interval over ${a.seeds.length} seed${a.seeds.length > 1 ? 's' : ''})`,
    description: 'Task-aware: each test sample scored on its own task. Task-agnostic: the task not given. Dashed: how often the task itself was inferred right.',
    series, width: 680, height: 400,
    xDomain: [1, Math.max(2, taskCount)], xInteger: true, yDomain: [0, 1], yTickSpecifier: '.0%',
    xTitle: 'tasks learned', yTitle: 'average accuracy',
    className: 'average-accuracy',
  });
}

/** The accuracy matrix of one approach (seed mean): rows after training task t, columns task u. */
export function accuracyHeatmapSvg(a: ApproachSummary, taskNames: readonly string[]): string {
  const T = a.accuracy.length;
  const names = Array.from({ length: T }, (_, t) => taskNames[t] ?? `task ${t + 1}`);
  return heatmap({
    title: `Accuracy matrix of ${a.approach}`,
    heading: `${a.approach}: test accuracy (%) on each task after training each task`,
    rowLabels: names, columnLabels: names, values: a.accuracy,
    format: percent,
    cellTitle: (t, u, v) => `after ${names[t]}, on ${names[u]}: ${percent(v)} %`,
    rowTitle: 'after training on', columnTitle: 'accuracy on',
    colorBarSpecifier: '.0%',
    className: 'accuracy',
  });
}

/** Mask usage (fraction of units with a > 0.5) per gated layer against tasks learned. */
export function maskUsageSvg(usage: readonly (readonly number[])[], layerNames?: readonly string[], approach = 'hat'): string {
  const L = Math.max(0, ...usage.map((r) => r.length));
  const series: LineSeries[] = Array.from({ length: L }, (_, l) => ({
    name: layerNames?.[l] ?? `layer ${l + 1}`,
    points: usage.map((row, t) => ({ x: t + 1, y: row[l] ?? Number.NaN })),
  }));
  return lineChart({
    title: `Mask usage of ${approach} per layer`,
    heading: `${approach}: units in use per layer (cumulative mask > 0.5)`,
    series, width: 680, height: 400,
    xDomain: [1, Math.max(2, usage.length)], xInteger: true, yDomain: [0, 1], yTickSpecifier: '.0%',
    xTitle: 'tasks learned', yTitle: 'units in use',
    className: 'mask-usage',
  });
}
