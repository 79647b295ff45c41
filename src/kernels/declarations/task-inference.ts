// Task-agnostic prediction from T task forwards of one batch (shaders/task_inference.wgsl), logits stacked
// task-major: per row, the task whose logits score best under a chosen score and that task's argmax.
// task-inference-scores writes the choice; task-inference-flags compares it with the batch's true task
// and within-task labels (countTaskInference sums the flags).
import type { KernelDeclaration, SweepCase } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';
import { seededFloats, streamSeed } from '../reference/random.ts';
import { taskInferenceRef, type TaskScoreCode } from '../reference/task-inference.ts';

/** B rows, the class count N_t of each task, the score (0 max-logit, 1 max-softmax, 2 min-entropy, 3 max-energy). */
export interface TaskInferenceShape { b: number; classes: readonly number[]; score: TaskScoreCode }

const ROW_WG = 64;
const SCORE_NAMES = ['max-logit', 'max-softmax', 'min-entropy', 'max-energy'] as const;
const PARAMS = { name: 'params', binding: 0, access: 'uniform', type: 'u32' } as const;

const totalClasses = (s: TaskInferenceShape) => s.classes.reduce((a, n) => a + n, 0);

/** classes[t] = N_t, classes[T + t] = offset_t: the layout the shader reads. */
function classTable(s: TaskInferenceShape): Uint32Array {
  return Uint32Array.from([...s.classes, ...s.classes.map((_, t) => s.classes.slice(0, t).reduce((a, n) => a + n, 0))]);
}

/**
 * Stacked logits where each row has one clearly winning task under every score: its logits have one peak
 * of 10 over values in [0, 1), the other tasks' lie in [0, 2) (a float64 reference and the f32 kernel must
 * not be left to a near-tie). Within-task ties of the argmax are kept exact (the first index wins).
 */
function stackedLogits(s: TaskInferenceShape, seed: number): { logits: Float32Array; winners: number[] } {
  const T = s.classes.length;
  const winners = Array.from(seededFloats(s.b, streamSeed(seed, 1), 0, T), Math.floor);
  const peaks = seededFloats(s.b * T, streamSeed(seed, 2), 0, 1);
  const noise = seededFloats(s.b * totalClasses(s), streamSeed(seed, 3), 0, 1);
  const logits = new Float32Array(s.b * totalClasses(s));
  let offset = 0;
  s.classes.forEach((n, t) => {
    for (let r = 0; r < s.b; r++) {
      const at = s.b * offset + r * n;
      const peak = Math.floor(peaks[r * T + t]! * n);
      for (let j = 0; j < n; j++) {
        const v = noise[at + j]!;
        logits[at + j] = winners[r] === t ? (j === peak ? 10 : v) : Math.floor(v * 4) / 2;
      }
    }
    offset += n;
  });
  return { logits, winners };
}

const SHAPES: SweepCase<TaskInferenceShape>[] = [
  ...([[1, [1]], [7, [2, 3, 2]], [63, [10, 10]], [65, [2, 7, 1]], [257, [3, 3, 3, 3]], [64, [100, 5]]] as const).flatMap(([b, classes], i) =>
    ([0, 1, 2, 3] as const).map((score) => ({ shape: { b, classes, score: ((score + i) % 4) as TaskScoreCode } }))),
  // One row a workgroup: 70,000 rows give 70,000 workgroups.
  { shape: { b: 70000, classes: [3, 2], score: 2 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
];

function rowShader(spec: Record<string, unknown>, defines: Record<string, string>) {
  const wg = Number(spec.wg);
  return { name: 'task_inference', defines, constants: wg === ROW_WG ? {} : { WG: wg } as Record<string, number> };
}

const shared = {
  space: { wg: { values: [1, 32, 64, 128], default: ROW_WG, doc: 'rows per workgroup' } },
  heuristic: () => ({ wg: ROW_WG }),
  shapeClass: (s: TaskInferenceShape) => (s.b >= 1 << 16 ? 'large' : 'small'),
  workgroups: (s: TaskInferenceShape, spec: Record<string, unknown>) => foldGrid(Math.ceil(s.b / Number(spec.wg))),
  flops: (s: TaskInferenceShape) => 4 * s.b * totalClasses(s),
  tolerance: () => ({ rtol: 0, atol: 0 }),
  variants: SCORE_NAMES,
  describeShape: (s: TaskInferenceShape) => `[${s.b}x(${s.classes.join('+')})] ${SCORE_NAMES[s.score]}`,
};

export const taskInferenceScoresKernel: KernelDeclaration<TaskInferenceShape> = {
  name: 'task-inference-scores',
  summary: "per row of T stacked task logits: the best-scoring task (first on ties) and its argmax, int32 [2, B]",
  kind: 'forward',
  bindings: [
    PARAMS,
    { name: 'logits', binding: 1, access: 'read', type: 'f32' },
    { name: 'classes', binding: 2, access: 'read', type: 'u32' },
    { name: 'out', binding: 3, access: 'read_write', type: 'i32' },
  ],
  params: [{ name: 'B', type: 'u32' }, { name: 'T', type: 'u32' }, { name: 'score', type: 'u32' }, { name: 'trueTask', type: 'u32' }],
  paramValues: (s) => ({ B: s.b, T: s.classes.length, score: s.score }),
  ...shared,
  shader: (spec) => rowShader(spec, { BINDINGS: '@group(0) @binding(3) var<storage, read_write> out: array<i32>;', STORE: 'out[b] = i32(bestTask);\n  out[B + b] = i32(bestClass);' }),
  sizes: (s) => ({ logits: s.b * totalClasses(s), classes: 2 * s.classes.length, out: 2 * s.b }),
  reference: ({ shape: s, inputs }) => {
    const { task, label } = taskInferenceRef(inputs.logits!, s.classes, s.b, s.score);
    return { out: Float64Array.from([...task, ...label]) };
  },
  generate: (s, seed) => ({ shape: s, inputs: { logits: stackedLogits(s, seed).logits, classes: classTable(s) }, scalars: {} }),
  bytes: (s) => 4 * (s.b * totalClasses(s) + 2 * s.b),
  shapes: SHAPES,
};

export const taskInferenceFlagsKernel: KernelDeclaration<TaskInferenceShape> = {
  name: 'task-inference-flags',
  summary: 'per row: 1.0 where the inferred task is the true one (out[b]), and where its class is also the label (out[B + b])',
  kind: 'forward',
  bindings: [
    PARAMS,
    { name: 'logits', binding: 1, access: 'read', type: 'f32' },
    { name: 'classes', binding: 2, access: 'read', type: 'u32' },
    { name: 'labels', binding: 3, access: 'read', type: 'i32' },
    { name: 'out', binding: 4, access: 'read_write', type: 'f32' },
  ],
  params: [{ name: 'B', type: 'u32' }, { name: 'T', type: 'u32' }, { name: 'score', type: 'u32' }, { name: 'trueTask', type: 'u32' }],
  paramValues: (s, { trueTask = 0 }) => ({ B: s.b, T: s.classes.length, score: s.score, trueTask }),
  ...shared,
  shader: (spec) => rowShader(spec, {
    BINDINGS: '@group(0) @binding(3) var<storage, read> labels: array<i32>;\n@group(0) @binding(4) var<storage, read_write> out: array<f32>;',
    STORE: 'let taskRight = bestTask == params.trueTask;\n  out[b] = select(0.0, 1.0, taskRight);\n  out[B + b] = select(0.0, 1.0, taskRight && i32(bestClass) == labels[b]);',
  }),
  sizes: (s) => ({ logits: s.b * totalClasses(s), classes: 2 * s.classes.length, labels: s.b, out: 2 * s.b }),
  reference: ({ shape: s, inputs, scalars }) => {
    const { task, label } = taskInferenceRef(inputs.logits!, s.classes, s.b, s.score);
    const taskRight = task.map((t) => (t === scalars.trueTask ? 1 : 0));
    return { out: Float64Array.from([...taskRight, ...taskRight.map((right, r) => (right && label[r] === inputs.labels![r] ? 1 : 0))]) };
  },
  generate: (s, seed) => {
    const { logits } = stackedLogits(s, seed);
    // Labels below every task's class count, so some rows are right in both task and class.
    const fewest = Math.min(...s.classes);
    return {
      shape: s,
      inputs: { logits, classes: classTable(s), labels: Int32Array.from(seededFloats(s.b, streamSeed(seed, 4), 0, fewest), Math.floor) },
      scalars: { trueTask: seed % s.classes.length },
    };
  },
  bytes: (s) => 4 * (s.b * totalClasses(s) + 3 * s.b),
  shapes: SHAPES,
};
