// The report's capacity table: for each approach whose runs carry a capacity report (HAT, AdaHAT), per
// task and gated layer, the units the task uses, how many of them it shares with earlier tasks, how many
// it claims new, and how many units are left free after it — means over seeds.
import type { CapacityReport } from '../eval/capacity.ts';
import type { RunResult } from '../eval/metrics.ts';

function capacityOf(run: RunResult): CapacityReport | null {
  const c = run.capacity as CapacityReport | null | undefined;
  return c && Array.isArray(c.tasks) && c.tasks.length > 0 ? c : null;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Markdown tables, one per approach with capacity reports; '' when no run has one. */
export function capacityMarkdown(runs: readonly RunResult[], order: readonly string[], taskNames: readonly string[]): string {
  const byApproach = new Map<string, CapacityReport[]>();
  for (const r of runs) {
    const c = capacityOf(r);
    if (c) byApproach.set(r.approach, [...(byApproach.get(r.approach) ?? []), c]);
  }
  const sections: string[] = [];
  for (const approach of [...order.filter((a) => byApproach.has(a)), ...[...byApproach.keys()].filter((a) => !order.includes(a))]) {
    const reports = byApproach.get(approach)!;
    const first = reports[0]!;
    const lines = [
      `### Capacity: ${approach} (units with σ(${first.smax}·e) > ${first.threshold}; mean over ${reports.length} seed${reports.length > 1 ? 's' : ''})`,
      '',
      '| after task | layer | units | used | shared with earlier tasks | claimed new | free |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ];
    first.tasks.forEach((task, t) => {
      task.layers.forEach((layer, l) => {
        const at = (pick: (x: CapacityReport) => number) => mean(reports.map(pick)).toFixed(1);
        const cell = (k: 'used' | 'shared' | 'claimed' | 'free') => at((r) => r.tasks[t]?.layers[l]?.[k] ?? NaN);
        lines.push(`| ${taskNames[task.task] ?? `task ${task.task + 1}`} | ${layer.layer} | ${layer.units} | ${cell('used')} | ${cell('shared')} | ${cell('claimed')} | ${cell('free')} |`);
      });
    });
    sections.push(lines.join('\n'));
  }
  return sections.length ? `\n## Capacity per task and layer\n\n${sections.join('\n\n')}\n` : '';
}
