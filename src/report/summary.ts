// What the report knows of one approach over its seeds (report.ts makes it; plots.ts draws it).
import type { Interval } from '../eval/metrics.ts';

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
