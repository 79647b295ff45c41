// How a HAT-family network's capacity is spent, per task and per gated layer: the units each task uses
// (its gate at smax above the threshold), how many of those an earlier task already used (shared: the
// weights between them were conditioned), how many it claimed new, and how many units no task up to it
// uses (free for the next). `eval` prints it; `eval --json` includes it.
import type { ContinualNetwork } from '../nn/model.ts';

/** One task's footprint on one gated layer. */
export interface LayerCapacity {
  layer: string;
  units: number;
  /** Units this task uses: σ(smax·e) > threshold. */
  used: number;
  /** Of those, units an earlier task (of the list) uses too. */
  shared: number;
  /** Of those, units no earlier task uses: used − shared. */
  claimed: number;
  /** Units no task up to and including this one uses. */
  free: number;
}

export interface TaskCapacity {
  /** The task's index in the sequence (0-based). */
  task: number;
  layers: LayerCapacity[];
}

export interface CapacityReport {
  smax: number;
  threshold: number;
  /** The learned tasks, in order (a forgotten task is left out: its units count as free). */
  tasks: TaskCapacity[];
  /** After the last of them: per layer, the units some task uses and the units free. */
  total: { layer: string; units: number; used: number; free: number }[];
}

/** A gated layer as capacity needs it: its name and each task's embedding row. */
export interface CapacityLayer {
  name: string;
  units: number;
  embeddings: readonly ArrayLike<number>[];
}

/** The gate at smax, in float64 (for e·smax far below 0 it is 0, far above it 1). */
function gate(e: number, smax: number): number {
  return 1 / (1 + Math.exp(-smax * e));
}

/** The capacity report of `tasks` (indices into each layer's embeddings, in the order they were learned). */
export function capacityOf(layers: readonly CapacityLayer[], tasks: readonly number[], o: { smax: number; threshold: number }): CapacityReport {
  const usedBefore = layers.map((l) => new Uint8Array(l.units));
  const report: TaskCapacity[] = tasks.map((t) => ({
    task: t,
    layers: layers.map((l, li) => {
      const e = l.embeddings[t];
      if (!e || e.length !== l.units) throw new RangeError(`capacity: layer ${l.name} has no ${l.units}-unit embedding for task ${t}`);
      const before = usedBefore[li]!;
      let used = 0, shared = 0;
      for (let i = 0; i < l.units; i++) {
        if (gate(e[i]!, o.smax) <= o.threshold) continue;
        used++;
        if (before[i]) shared++;
        else before[i] = 1;
      }
      const taken = before.reduce((a, v) => a + v, 0);
      return { layer: l.name, units: l.units, used, shared, claimed: used - shared, free: l.units - taken };
    }),
  }));
  const total = layers.map((l, li) => {
    const used = usedBefore[li]!.reduce((a, v) => a + v, 0);
    return { layer: l.name, units: l.units, used, free: l.units - used };
  });
  return { smax: o.smax, threshold: o.threshold, tasks: report, total };
}

/** capacityOf on a network's gated layers, their embeddings read back from the GPU. */
export async function networkCapacity(net: ContinualNetwork, tasks: readonly number[], o: { smax: number; threshold: number }): Promise<CapacityReport> {
  const layers: CapacityLayer[] = [];
  for (const l of net.layers) {
    const embeddings: Float32Array[] = [];
    for (const e of l.embeddings) embeddings.push(await e.float32('capacity'));
    layers.push({ name: l.name, units: l.units, embeddings });
  }
  return capacityOf(layers, tasks, o);
}

/** The report as text: one block per task, one line per layer. */
export function formatCapacity(report: CapacityReport, taskName: (t: number) => string): string {
  const lines = [`Capacity (units with σ(${report.smax}·e) > ${report.threshold}):`];
  for (const t of report.tasks) {
    lines.push(`  ${taskName(t.task)}`);
    for (const l of t.layers) lines.push(`    ${l.layer.padEnd(6)} uses ${String(l.used).padStart(5)} of ${l.units} (${String(l.shared).padStart(5)} shared with earlier tasks, ${String(l.claimed).padStart(5)} new); ${String(l.free).padStart(5)} free after it`);
  }
  lines.push('  all tasks');
  for (const l of report.total) lines.push(`    ${l.layer.padEnd(6)} ${String(l.used).padStart(5)} of ${l.units} used, ${String(l.free).padStart(5)} free (${((100 * l.free) / l.units).toFixed(1)} %)`);
  return `${lines.join('\n')}\n`;
}
