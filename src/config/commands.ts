// The subcommands: a one-line summary each (the top-level usage), and the flags of compare, bench and
// export described like the training settings (train's own are schema.ts).
import { APPROACHES } from './approaches.ts';
import { CONFIG_SETTINGS, RUN_SETTINGS, TRAIN_SECTIONS, TRAIN_SETTINGS, type SettingsOf } from './schema.ts';
import type { Setting } from './setting.ts';

/** What `compare` runs unless --approaches says otherwise (joint and random are always added). */
export const DEFAULT_COMPARE_APPROACHES = ['hat', 'sgd', 'sgd-frozen', 'ewc', 'imm-mean', 'imm-mode', 'lwf', 'lfl', 'pathnet', 'progressive'];

export interface CompareSettings {
  approaches: string[];
  seeds: number[];
  out?: string;
}

export const COMPARE_SETTINGS: SettingsOf<CompareSettings> = {
  approaches: {
    flag: 'approaches', type: 'enum-list', metavar: 'A,B,...', choices: [...APPROACHES, 'random'], noun: 'approach', default: DEFAULT_COMPARE_APPROACHES,
    help: 'approaches to compare; joint and random are always added (the forgetting ratio needs them)',
  },
  seeds: { flag: 'seeds', type: 'int-list', ranges: true, metavar: '0-4|0,2,5', range: { min: 0 }, default: [0, 1, 2], help: 'seeds, as a list and ranges' },
  out: { flag: 'out', type: 'string', metavar: 'DIR', nonEmpty: 'a directory', defaultText: 'results/compare-<benchmark>', help: 'results folder; runs whose results are there already are skipped' },
};

/** Train's flags that make no sense for a comparison: it picks each run's approach and seed itself. */
export const COMPARE_REFUSED_TRAIN_SETTINGS: readonly Setting[] = [CONFIG_SETTINGS.approach, CONFIG_SETTINGS.seed, RUN_SETTINGS.checkpointDir, RUN_SETTINGS.resume];

/** Train's flags compare passes to every run (each run uses those that apply to its approach). */
export const COMPARE_TRAIN_SETTINGS: readonly Setting[] = TRAIN_SETTINGS.filter(
  (s) => !COMPARE_REFUSED_TRAIN_SETTINGS.includes(s) && !Object.values(COMPARE_SETTINGS).some((own) => own.flag === s.flag),
);

/** The microbenchmark suites (bench/index.ts SUITES runs them). */
export const BENCH_SUITES = ['matmul', 'conv', 'gates', 'step', 'epoch', 'memory', 'resnet'] as const;

export interface BenchSettings {
  suite: string[];
  peers: string[];
  quick: boolean;
  budgetMs?: number;
  clock: string;
  json?: string;
  chart?: string;
}

export const BENCH_SETTINGS: SettingsOf<BenchSettings> = {
  suite: { flag: 'suite', type: 'enum-list', metavar: 'NAME[,NAME]', choices: [...BENCH_SUITES, 'all'], noun: 'suite', default: ['all'], help: `suites to run: ${BENCH_SUITES.join(' | ')} | all` },
  peers: { flag: 'peers', type: 'enum-list', metavar: 'NAME[,NAME]', choices: ['tfjs', 'torch'], noun: 'peer', default: [], help: 'other implementations timed in the same run: tfjs (WebGPU on the same adapter; devDependencies) | torch (PyTorch on the CPU at 1 thread and at every core; a Python with torch, e.g. Debian\'s python3-torch)' },
  quick: { flag: 'quick', type: 'boolean', default: false, help: 'fewer cases and iterations (a smoke run)' },
  budgetMs: { flag: 'budget-ms', type: 'int', metavar: 'MS', range: { min: 1 }, help: 'time budget per case in ms (default 300 with --quick, 2000 without); sampling also stops once the standard error is under 1 %' },
  clock: { flag: 'clock', type: 'enum', metavar: 'NAME', choices: ['auto', 'gpu-timestamp', 'wall'], noun: 'clock', default: 'auto', help: 'auto: GPU timestamps where the device has them (cases with a peer use the wall clock)' },
  json: { flag: 'json', type: 'string', metavar: 'FILE', nonEmpty: 'a file name', help: 'write { adapter, peers, results: [...], comparisons: [...] } to FILE' },
  chart: { flag: 'chart', type: 'string', metavar: 'FILE', nonEmpty: 'a file name', help: 'draw the medians as a chart: FILE.svg or FILE.png' },
};

export interface ExportSettings {
  checkpoint: string;
  out: string;
}

export const EXPORT_SETTINGS: SettingsOf<ExportSettings> = {
  checkpoint: { flag: 'checkpoint', type: 'string', metavar: 'DIR|FILE', required: true, nonEmpty: 'a directory or file', help: 'a --checkpoint-dir (its newest valid checkpoint) or one .hatckpt file' },
  out: { flag: 'out', type: 'string', metavar: 'FILE.safetensors', required: true, nonEmpty: 'a file name', help: 'safetensors with the reference implementation\'s names (README: "Weights out and in")' },
};

export interface SweepSettings {
  config: string;
  out?: string;
  queue?: string;
  dataRoot?: string;
  retryFailed: boolean;
}

export const SWEEP_SETTINGS: SettingsOf<SweepSettings> = {
  config: { flag: 'config', type: 'string', metavar: 'GRID.json', required: true, nonEmpty: 'a file name', help: 'the sweep: benchmark, approaches, grid, seeds, train (docs/sweeps.md)' },
  out: { flag: 'out', type: 'string', metavar: 'DIR', nonEmpty: 'a directory', defaultText: 'results/sweep-<benchmark>', help: 'results folder: runs/<id>.json per run (finished runs are never run again), sweep.md, sweep.csv, plots' },
  queue: { flag: 'queue', type: 'string', metavar: 'redis://HOST:PORT', nonEmpty: 'a Redis URL', help: 'queue the runs on Redis for `webgpu-hat worker`s (rediss:// for TLS, redis://:PASSWORD@HOST:PORT); without it the sweep runs here' },
  dataRoot: { flag: 'data-root', type: 'string', metavar: 'DIR', nonEmpty: 'a directory', help: 'without --queue: read a benchmark file only under DIR (with --queue the workers\' --data-root decides)' },
  retryFailed: { flag: 'retry-failed', type: 'boolean', default: false, help: 'with --queue: run again the jobs that failed for good in an earlier session' },
};

export interface WorkerSettings {
  queue: string;
  dataRoot?: string;
  stallSeconds: number;
}

export const WORKER_SETTINGS: SettingsOf<WorkerSettings> = {
  queue: { flag: 'queue', type: 'string', metavar: 'redis://HOST:PORT', required: true, nonEmpty: 'a Redis URL', help: 'the sweep\'s Redis (rediss:// for TLS, redis://:PASSWORD@HOST:PORT); keep it off public networks' },
  dataRoot: { flag: 'data-root', type: 'string', metavar: 'DIR', nonEmpty: 'a directory', help: 'task-sequence files (and their data) are read only under DIR, relative paths from it; without it jobs may name built-in benchmarks only' },
  stallSeconds: { flag: 'stall-seconds', type: 'int', metavar: 'N', range: { min: 2 }, default: 30, help: 'a job whose worker stops renewing its lock for N s (killed, frozen) is retried by another' },
};

/** `eval`, `forget` and `prune` read a checkpoint written by `train --checkpoint-dir`. */
const CHECKPOINT_IN: Setting<string> = { flag: 'checkpoint', type: 'string', metavar: 'DIR|FILE', required: true, nonEmpty: 'a directory or file', help: 'a --checkpoint-dir (its newest valid checkpoint) or one .hatckpt file' };
/** The Fashion-MNIST folder, for a checkpoint of a benchmark that uses it. */
const FASHION_DIR: Setting<string> = { flag: 'fashion-dir', type: 'string', metavar: 'DIR', nonEmpty: 'a directory', defaultText: '/usr/share/datasets/fashion-mnist', help: 'folder of Fashion-MNIST IDX files (split-fashion, mnist-fashion)' };

export interface EvalSettings {
  checkpoint: string;
  json: boolean;
  fashionDir?: string;
}

export const EVAL_SETTINGS: SettingsOf<EvalSettings> = {
  checkpoint: CHECKPOINT_IN,
  json: { flag: 'json', type: 'boolean', default: false, help: 'print JSON (accuracies, forgotten tasks, capacity) instead of tables' },
  fashionDir: FASHION_DIR,
};

export interface ForgetSettings {
  checkpoint: string;
  task: string;
  out: string;
}

export const FORGET_SETTINGS: SettingsOf<ForgetSettings> = {
  checkpoint: CHECKPOINT_IN,
  task: { flag: 'task', type: 'string', metavar: 'NAME|N', required: true, nonEmpty: 'a task name or number', help: 'the task to forget: its name, or its number counted from 1' },
  out: { flag: 'out', type: 'string', metavar: 'DIR', required: true, nonEmpty: 'a directory', help: 'an empty directory for the new checkpoint (continue it with train --checkpoint-dir DIR --resume)' },
};

export interface PruneSettings {
  checkpoint: string;
  out: string;
  maskThreshold?: number;
}

export const PRUNE_SETTINGS: SettingsOf<PruneSettings> = {
  checkpoint: CHECKPOINT_IN,
  out: { flag: 'out', type: 'string', metavar: 'DIR', required: true, nonEmpty: 'a directory', help: 'an empty directory for the smaller checkpoint' },
  maskThreshold: {
    flag: 'mask-threshold', type: 'number', metavar: 'X', range: { min: 0, minOpen: true, max: 1, maxOpen: true }, defaultText: 'the run\'s',
    help: 'remove a unit when its gate is at or below this for every learned task; a small value (1e-6) removes only units that pass on nothing, for outputs equal to float32 precision',
  },
};

export interface KernelSettings {
  as?: string;
  json: boolean;
  spec?: string;
  shape?: string;
  against: string[];
  seeds?: string;
  budgetMs?: number;
}

export const KERNEL_SETTINGS: SettingsOf<KernelSettings> = {
  as: { flag: 'as', type: 'string', metavar: 'NAME', nonEmpty: 'a kernel name', help: 'check / bench: the built-in kernel FILE.wgsl replaces (its bindings, params, reference and test shapes)' },
  json: { flag: 'json', type: 'boolean', default: false, help: 'print JSON instead of text' },
  spec: { flag: 'spec', type: 'string', metavar: 'JSON', nonEmpty: 'a JSON object', help: 'show / check / bench: the specialisation, e.g. {"core":"matmul","loader":"scalar"} (default: the one kernel show wrote into the file\'s first line, else the registry\'s choice)' },
  shape: { flag: 'shape', type: 'string', metavar: 'JSON', nonEmpty: 'a JSON object', help: 'bench: the problem shape, e.g. {"form":"nt","m":64,"n":2000,"k":784,"gated":true} (default: the kernel\'s test shape with the most arithmetic, not one made only to need a huge grid)' },
  against: { flag: 'against', type: 'enum-list', metavar: 'NAME[,NAME]', choices: ['builtin', 'unfused'], noun: 'comparison', default: ['builtin'], help: 'bench: what FILE.wgsl is timed against in the same interleaved run: the built-in kernel, its unfused twin (the same result from separate passes; kernels with one: kernel list), or both' },
  seeds: { flag: 'seeds', type: 'string', metavar: 'N[,N]', nonEmpty: 'seeds', help: 'check: the seeds of the generated inputs (default 1,2,3)' },
  budgetMs: { flag: 'budget-ms', type: 'int', metavar: 'MS', range: { min: 1 }, help: 'bench: time budget in ms (default 2000)' },
};

export interface TuneSettings {
  budgetS?: number;
  kernels?: string;
  shape?: string;
  fix?: string;
  force: boolean;
}

export const TUNE_SETTINGS: SettingsOf<TuneSettings> = {
  kernels: { flag: 'kernels', type: 'string', metavar: 'NAME[,NAME]', nonEmpty: 'kernel names', help: 'the kernels to tune (default: those with a specialisation space, at the shapes HAT trains with)' },
  shape: { flag: 'shape', type: 'string', metavar: 'JSON', nonEmpty: 'a JSON object', help: 'one problem shape to tune for (default: each kernel\'s training shapes, else its test shape with the most arithmetic)' },
  fix: { flag: 'fix', type: 'string', metavar: 'JSON', nonEmpty: 'a JSON object', help: 'search only specialisations with these axes fixed, e.g. {"core":"matmul_sg","loader":"vec4"} (a GEMM\'s full space has hundreds of candidates)' },
  force: { flag: 'force', type: 'boolean', default: false, help: 'search again even where the cache has an answer' },
  budgetS: { flag: 'budget-s', type: 'int', metavar: 'S', range: { min: 1 }, help: 'seconds each kernel and shape may search (default: the whole space): the candidates nearest the shipped choice first (one axis changed, then two, …), checking stops at half the budget, later timing runs keep the faster half; the report says how many were never tried' },
};

export interface Section {
  title: string;
  settings: readonly Setting[];
}

export interface CommandSpec {
  name: 'train' | 'compare' | 'sweep' | 'worker' | 'bench' | 'kernel' | 'tune' | 'export' | 'eval' | 'forget' | 'prune';
  /** One line in the top-level usage. */
  summary: string;
  sections: readonly Section[];
  /** Paragraphs after the flags. */
  notes?: readonly string[];
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'train', summary: 'train a sequence of tasks with one approach: progress, the accuracy matrix, a results JSON', sections: TRAIN_SECTIONS },
  {
    name: 'compare', summary: 'every approach × seed on one benchmark: the forgetting ratio, tables and plots',
    sections: [{ title: 'Comparison', settings: Object.values(COMPARE_SETTINGS) }],
    notes: [
      `Every train flag except ${COMPARE_REFUSED_TRAIN_SETTINGS.map((s) => `--${s.flag}`).join(', ')} (and --out, compare's own) is passed to every run; a run uses those that apply to its approach (webgpu-hat train --help): ${COMPARE_TRAIN_SETTINGS.map((s) => `--${s.flag}`).join(' ')}`,
    ],
  },
  {
    name: 'sweep', summary: 'a grid of settings × approaches × seeds, here or on a Redis queue; each approach\'s setting selected on validation',
    sections: [{ title: 'Sweep', settings: Object.values(SWEEP_SETTINGS) }],
    notes: ['GRID.json: { "benchmark": "split-mnist", "approaches": ["hat", "ewc"], "grid": { "lambda": [0.5, 1], "smax": [100, 400] }, "seeds": [0, 1, 2], "train": { "hidden": [400, 400], "epochs": 10 } } (docs/sweeps.md). A run\'s id is the SHA-256 of its resolved configuration; re-running against the same --out (and --queue) picks up where it stopped.'],
  },
  {
    name: 'worker', summary: 'train the runs of sweeps queued on Redis, one at a time, and send their results back through the queue',
    sections: [{ title: 'Worker', settings: Object.values(WORKER_SETTINGS) }],
    notes: ['One worker per machine or GPU. A job is checked like command-line flags; one that can never succeed (an unknown setting, a file outside --data-root) fails once with its error and the worker goes on. Stop it with Ctrl-C: it finishes the job in hand first.'],
  },
  { name: 'bench', summary: 'microbenchmarks of the kernels and of whole training steps', sections: [{ title: 'Benchmarks', settings: Object.values(BENCH_SETTINGS) }] },
  {
    name: 'kernel', summary: 'the kernel lab: list the built-in kernels, show one\'s WGSL, check or bench your own in its place',
    sections: [{ title: 'Kernel lab', settings: Object.values(KERNEL_SETTINGS) }],
    notes: [
      'webgpu-hat kernel list [--json]  |  kernel show NAME [--spec JSON] > mine.wgsl  |  kernel check mine.wgsl --as NAME [--json]  |  kernel bench mine.wgsl --as NAME [--against builtin,unfused] [--shape JSON] [--json]',
      'check runs FILE.wgsl in place of NAME over NAME\'s test shapes (1, 7, 63, 65, 257, tile multiples, a grid past 65,535 workgroups) and seeds against its float64 reference, outputs NaN-filled and guarded: exit 0 only when every case passes. docs/kernel-research.md walks through it.',
    ],
  },
  {
    name: 'tune', summary: 'search each kernel\'s specialisations on this adapter; the fastest correct one is cached and used from then on',
    sections: [{ title: 'Tuning', settings: Object.values(TUNE_SETTINGS) }],
    notes: ['The cache is a JSON file per adapter under $XDG_CACHE_HOME/webgpu-hat (~/.cache/webgpu-hat), keyed by kernel, shape class and the hash of the kernel\'s WGSL; a stale or corrupt cache is ignored with a warning and rebuilt.'],
  },
  { name: 'export', summary: 'a checkpoint as safetensors with the reference\'s names', sections: [{ title: 'Export', settings: Object.values(EXPORT_SETTINGS) }] },
  {
    name: 'eval', summary: 'the test accuracy of every task a checkpoint has learned, and (HAT, AdaHAT) the capacity each task uses',
    sections: [{ title: 'Evaluation', settings: Object.values(EVAL_SETTINGS) }],
    notes: ['The tasks are rebuilt from the checkpoint\'s benchmark and seed, the network from its configuration; capacity counts a unit as used when σ(smax·e) is above the run\'s --mask-threshold.'],
  },
  {
    name: 'forget', summary: 'HAT, AdaHAT: release the units only one task uses, every other task unchanged; a checkpoint to continue from',
    sections: [{ title: 'Forget', settings: Object.values(FORGET_SETTINGS) }],
    notes: ['The cumulative masks are recomputed from the other learned tasks\' embeddings (AdaHAT: the summative masks too); the task\'s head and embedding are drawn afresh. Continue with train, the original run\'s flags, --checkpoint-dir DIR --resume: the next tasks can take the released units.'],
  },
  {
    name: 'prune', summary: 'HAT, AdaHAT on the MLP: remove the units no learned task uses; a smaller checkpoint with the same accuracies',
    sections: [{ title: 'Prune', settings: Object.values(PRUNE_SETTINGS) }],
    notes: ['A unit goes when its gate σ(smax·e) is at or below --mask-threshold for every learned task; its row, its column in the next layer and its embedding values go with it. Continue with train, the original run\'s flags but the printed --hidden, --checkpoint-dir DIR --resume (the pruned network has no free units left: later tasks can only reuse).'],
  },
];

export type CommandName = CommandSpec['name'];

export function commandSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
