// Float64 reference of the task-inference kernel (shaders/task_inference.wgsl): per row, the task whose
// logits score best (the first on ties) and that task's argmax (the first on ties).

/** Score codes as the shader numbers them: max-logit, max-softmax, min-entropy (as −H), max-energy. */
export type TaskScoreCode = 0 | 1 | 2 | 3;

/**
 * From logits stacked task-major (task t's [B, N_t] block at element B · offset_t), per row b the chosen
 * task and its class.
 */
export function taskInferenceRef(logits: ArrayLike<number>, classes: readonly number[], rows: number, score: TaskScoreCode): { task: number[]; label: number[] } {
  const task: number[] = [], label: number[] = [];
  const offsets = classes.map((_, t) => classes.slice(0, t).reduce((a, n) => a + n, 0));
  for (let b = 0; b < rows; b++) {
    let best = -Infinity, bestTask = 0, bestLabel = 0;
    classes.forEach((n, t) => {
      const x = Array.from({ length: n }, (_, j) => logits[rows * offsets[t]! + b * n + j]!);
      const m = Math.max(...x);
      const lse = m + Math.log(x.reduce((a, v) => a + Math.exp(v - m), 0));
      const s = score === 0 ? m : score === 1 ? m - lse : score === 2 ? x.reduce((a, v) => a + Math.exp(v - lse) * v, 0) - lse : lse;
      if (t === 0 || s > best) { best = s; bestTask = t; bestLabel = x.indexOf(m); }
    });
    task.push(bestTask);
    label.push(bestLabel);
  }
  return { task, label };
}
