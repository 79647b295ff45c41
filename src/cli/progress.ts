// Training progress on stderr: a redrawn bar on a terminal, one line per epoch otherwise.
import type { Task } from '../data/task.ts';

export function progressPrinter(tasks: Task[], epochs: number) {
  const tty = process.stderr.isTTY;
  let lastLoss = NaN;
  // Epochs a task plans: --epochs, or more where the approach says so (PathNet: paths × generations × …).
  let planned = epochs;
  return {
    taskStart: (t: number, task: Task) => process.stderr.write(`task ${t + 1}/${tasks.length} ${task.name}: ${task.train.n} train, ${task.valid.n} valid, ${task.test.n} test\n`),
    batch: (t: number, epoch: number, done: number, total: number, s: number, loss: number | null) => {
      if (loss !== null) lastLoss = loss;
      if (!tty) return;
      const width = 24, filled = Math.round((done / total) * width);
      process.stderr.write(`\r  epoch ${epoch + 1}/${Math.max(planned, epoch + 1)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}  loss ${lastLoss.toFixed(4)}  s ${s.toFixed(1)}   `);
    },
    epoch: (r: { epoch: number; epochs: number; trainLoss: number; validLoss: number; validAccuracy: number; lr: number; samplesPerSecond: number; improved: boolean }) => {
      if (tty) process.stderr.write('\r\x1b[K');
      planned = r.epochs;
      process.stderr.write(`  epoch ${r.epoch + 1}/${r.epochs}  train loss ${r.trainLoss.toFixed(4)}  valid loss ${r.validLoss.toFixed(4)}  valid acc ${(100 * r.validAccuracy).toFixed(1)}%  lr ${r.lr.toPrecision(3)}  ${Math.round(r.samplesPerSecond)} samples/s${r.improved ? ' *' : ''}\n`);
    },
    taskEnd: (t: number, acc: number[], usage: number[], agnostic?: { accuracy: number[]; taskInference: number[] }) => {
      const pct = (v: number[]) => v.map((a) => (100 * a).toFixed(1)).join(' ');
      process.stderr.write(`  after task ${t + 1}: test acc ${pct(acc)}${usage.some((u) => u > 0) ? `  capacity in use ${usage.map((u) => u.toFixed(2)).join(' ')}` : ''}\n`);
      if (agnostic && t > 0) process.stderr.write(`  task-agnostic: test acc ${pct(agnostic.accuracy)}  task inferred right ${pct(agnostic.taskInference)} (chance ${(100 / (t + 1)).toFixed(1)})\n`);
    },
  };
}
