// What the report knows of one approach over its seeds (report.ts makes it; plots.ts draws it).
import type { Interval } from '../eval/metrics.ts';
import type { MetricsOverSeeds } from '../eval/accuracy-metrics.ts';

export interface ApproachSummary {
  approach: string;
  seeds: number[];
  /** rho[t] over seeds (index t = tasks learned − 1); null for joint / random or when either is missing. */
  rho: Interval[] | null;
  /** Mean over seeds of accuracy[t][u] (task-aware). */
  accuracy: number[][];
  /** Mean over seeds of accuracyTaskAgnostic[t][u]; null unless every run has the whole matrix. */
  accuracyTaskAgnostic: number[][] | null;
  /** Average accuracy after each task, BWT, FWT and forgetting over seeds, told the task and not (docs/metrics.md). */
  metrics: { taskAware: MetricsOverSeeds; taskAgnostic: MetricsOverSeeds | null };
  /**
   * The mean over the tasks learned of the fraction of samples whose task was inferred right, after each
   * task, over seeds; null unless every run has it. Chance after t + 1 tasks is 1 / (t + 1).
   */
  taskInference: Interval[] | null;
  /** Mean over seeds of maskUsage[t][layer]; null when the runs have none (every approach but HAT). */
  maskUsage: number[][] | null;
}
