// Every setting of a training run, described once: flag, type, accepted range, default, help and the
// approaches it applies to. The CLI's flags (parse.ts), the API's resolveTrainConfig (validate.ts),
// DEFAULT_CONFIG (train-config.ts), the --help text and docs/cli.md (help.ts) are all made from it.
import { APPROACH_DEFAULTS, APPROACHES, PENALTY_APPROACHES, PENALTY_WEIGHT, REFERENCE_CLIP, type Approach, type ApproachOptions } from './approaches.ts';
import type { Setting } from './setting.ts';
import type { TrainConfig } from './train-config.ts';

/** The built-in task sequences (src/data/tasks.ts builds them); --benchmark also takes a FILE.json. */
export const BENCHMARKS = ['split-mnist', 'mnist2', 'pmnist', 'split-fashion', 'mnist-fashion'] as const;

/** A settings table whose keys are exactly T's keys, each setting typed with its key's value. */
export type SettingsOf<T> = { readonly [K in keyof T]-?: Setting<Exclude<T[K], undefined>> };

/** HAT and the approaches built on it: the gated network's settings apply to each. */
const HAT_FAMILY: readonly Approach[] = ['hat', 'adahat'];

/** The settings the trainer receives (TrainConfig); their defaults are DEFAULT_CONFIG. */
export const CONFIG_SETTINGS: SettingsOf<TrainConfig> = {
  approach: {
    flag: 'approach', type: 'enum', metavar: 'NAME', choices: APPROACHES, noun: 'approach', default: 'hat',
    help: 'hat | adahat (HAT whose old units still learn a little, Wang et al. 2024) | sgd (plain fine-tuning, no gates: the forgetting control) | sgd-frozen | joint | ewc | imm-mean | imm-mode | lwf | lfl | pathnet | progressive (baselines, reference settings)',
  },
  net: { flag: 'net', type: 'enum', metavar: 'NAME', choices: ['mlp', 'alexnet', 'resnet18'], noun: 'network', default: 'mlp', help: 'the network: mlp, alexnet (32×32 inputs), or resnet18 (32×32 inputs; HAT only; docs/networks.md)' },
  width: { flag: 'width', type: 'int', metavar: 'N', range: { min: 1 }, default: 64, help: 'resnet18: the base width (stages N, 2N, 4N, 8N; the papers: 64)' },
  hidden: { flag: 'hidden', type: 'int-list', metavar: 'N[,N]', range: { min: 1 }, default: [2000, 2000], help: 'MLP hidden widths (the paper: 2000,2000)' },
  epochs: { flag: 'epochs', type: 'int', metavar: 'N', range: { min: 1 }, default: 200, help: 'epochs per task (at most: the learning-rate schedule may end a task sooner)' },
  batch: { flag: 'batch', type: 'int', metavar: 'N', range: { min: 1 }, default: 64, help: 'batch size' },
  lr: { flag: 'lr', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, default: 0.05, help: 'learning rate (divided by --lr-factor after --patience epochs without a better validation loss)' },
  lrMin: { flag: 'lr-min', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, default: 1e-4, help: 'a task ends once its learning rate falls below this' },
  lrFactor: { flag: 'lr-factor', type: 'number', metavar: 'X', range: { min: 1, minOpen: true }, default: 3, help: 'what the learning rate is divided by when the validation loss stalls' },
  patience: { flag: 'patience', type: 'int', metavar: 'N', range: { min: 1 }, default: 5, help: 'epochs without a better validation loss before the learning rate drops' },
  smax: { flag: 'smax', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, default: 400, appliesTo: HAT_FAMILY, help: 'largest gate temperature (s anneals from 1/smax to smax over each epoch)' },
  c: { flag: 'c', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, default: 0.75, appliesTo: HAT_FAMILY, help: 'regulariser weight (how hard HAT holds back capacity for later tasks)' },
  clipNorm: { flag: 'clip', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, default: 10000, perApproach: REFERENCE_CLIP, help: 'gradient-norm clipping (each approach has the reference\'s own)' },
  sSchedule: {
    flag: 's-schedule', type: 'enum', metavar: 'NAME', choices: ['linear', 'exp', 'cosine'], noun: 's schedule', default: 'linear', appliesTo: HAT_FAMILY,
    help: 'how s grows from 1/smax to smax within an epoch: linear (the paper), exp (geometric), cosine (a half cosine); docs/hat.md',
  },
  embeddingInit: {
    flag: 'embedding-init', type: 'enum', metavar: 'NAME', choices: ['normal', 'uniform', 'constant'], noun: 'embedding init', default: 'normal', appliesTo: HAT_FAMILY,
    help: 'initial task embeddings: normal N(0,1) (the paper), uniform U(0,2) (the reference\'s compression runs), constant 0',
  },
  maskThreshold: {
    flag: 'mask-threshold', type: 'number', metavar: 'X', range: { min: 0, minOpen: true, max: 1, maxOpen: true }, default: 0.5, appliesTo: HAT_FAMILY,
    help: 'a unit counts as used by a task when its gate σ(smax·e) is above this (mask usage, capacity, prune)',
  },
  embeddingClamp: { flag: 'embedding-clamp', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, default: 6, appliesTo: HAT_FAMILY, help: 'task embeddings are clamped to ±this after every step' },
  seed: { flag: 'seed', type: 'int', metavar: 'N', range: { min: 0, max: Number.MAX_SAFE_INTEGER }, default: 0, help: 'seed of splits, shuffles, init and dropout' },
  fused: { flag: 'unfused', type: 'boolean', negated: true, default: true, help: 'use the unfused kernels (same numbers, more passes)' },
  dropout: { flag: 'no-dropout', type: 'boolean', negated: true, default: true, help: 'train without dropout (the reference drops 0.2 of the MLP\'s inputs and 0.5 of every hidden layer\'s units)' },
  logEvery: { flag: 'log-every', type: 'int', metavar: 'N', range: { min: 1 }, default: 10, help: 'read the training loss back every N steps, for the progress line (each readback stalls the queue)' },
};

/** The approaches' own options: each applies to some approaches, with the reference's value per approach. */
export const APPROACH_SETTINGS: SettingsOf<ApproachOptions> = {
  lambda: { flag: 'lambda', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, perApproach: PENALTY_WEIGHT, appliesTo: PENALTY_APPROACHES, help: 'the baseline\'s penalty weight' },
  temperature: { flag: 'temperature', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, default: APPROACH_DEFAULTS.lwf.T, appliesTo: ['lwf'], help: 'distillation temperature of the old model\'s outputs' },
  generations: { flag: 'generations', type: 'int', metavar: 'N', range: { min: 1 }, default: APPROACH_DEFAULTS.pathnet.generations, appliesTo: ['pathnet'], help: 'generations of the path tournament per task' },
  modules: { flag: 'modules', type: 'int', metavar: 'N', range: { min: 1 }, default: APPROACH_DEFAULTS.pathnet.modules, appliesTo: ['pathnet'], help: 'modules per layer, M' },
  active: { flag: 'active', type: 'int', metavar: 'N', range: { min: 1 }, default: APPROACH_DEFAULTS.pathnet.active, appliesTo: ['pathnet'], help: 'active modules per layer in a path, N (at most --modules)' },
  adjustmentIntensity: {
    flag: 'adjustment-intensity', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, default: APPROACH_DEFAULTS.adahat.adjustmentIntensity, appliesTo: ['adahat'],
    help: 'AdaHAT\'s α: the larger, the more the weights of units earlier tasks use may still move',
  },
  epsilon: {
    flag: 'adahat-epsilon', type: 'number', metavar: 'X', range: { min: 0, minOpen: true }, default: APPROACH_DEFAULTS.adahat.epsilon, appliesTo: ['adahat'],
    help: 'AdaHAT\'s ε, added to a layer\'s network sparsity before α is divided by it',
  },
  paths: { flag: 'paths', type: 'int', metavar: 'N', range: { min: 1 }, default: APPROACH_DEFAULTS.pathnet.paths, appliesTo: ['pathnet'], help: 'paths trained per generation, P' },
};

/** The rest of a `train` run: what to train on, where results and checkpoints go. */
export interface RunSettings {
  benchmark: string;
  /** pmnist: the number of permutations. */
  tasks: number;
  fashionDir?: string;
  out?: string;
  checkpointDir?: string;
  resume: boolean;
  paper: boolean;
  /** NAME=FILE.wgsl[,…]: the user's kernels in place of built-ins. */
  kernel?: string;
}

/** The CLI's presets: the quick one unless --paper (the API's defaults are DEFAULT_CONFIG's). */
export const PRESETS = {
  /** Minutes on a laptop rather than hours. */
  quick: { hidden: [400, 400], epochs: 10 },
  /** docs/hat.md's split-MNIST reference run. */
  paper: { hidden: [2000, 2000], epochs: 20 },
} satisfies Record<string, Partial<TrainConfig>>;

export const RUN_SETTINGS: SettingsOf<RunSettings> = {
  benchmark: { flag: 'benchmark', type: 'string', metavar: 'NAME|FILE', default: 'split-mnist', help: `${BENCHMARKS.join(' | ')} | a task-sequence JSON file` },
  tasks: { flag: 'tasks', type: 'int', metavar: 'N', range: { min: 1 }, default: 10, help: 'pmnist: number of permutations' },
  fashionDir: { flag: 'fashion-dir', type: 'string', metavar: 'DIR', nonEmpty: 'a directory', defaultText: '/usr/share/datasets/fashion-mnist', help: 'folder of Fashion-MNIST IDX files' },
  paper: { flag: 'paper', type: 'boolean', default: false, help: `the reference preset of docs/hat.md's split-MNIST run: --hidden ${PRESETS.paper.hidden.join(',')} --epochs ${PRESETS.paper.epochs}` },
  out: { flag: 'out', type: 'string', metavar: 'FILE', nonEmpty: 'a file name', defaultText: 'results/<benchmark>-<approach>-seed<seed>.json', help: 'results JSON' },
  kernel: { flag: 'kernel', type: 'string', metavar: 'NAME=FILE[,…]', nonEmpty: 'NAME=FILE.wgsl', help: 'train with your WGSL in place of a built-in kernel (webgpu-hat kernel show NAME gives the text to start from; docs/kernel-research.md)' },
  checkpointDir: { flag: 'checkpoint-dir', type: 'string', metavar: 'DIR', nonEmpty: 'a directory', help: 'write a checkpoint at the start, after every epoch and after every task (atomic; newest 3 kept)' },
  resume: { flag: 'resume', type: 'boolean', default: false, help: 'continue from the newest valid checkpoint in --checkpoint-dir (same flags as the run that wrote it)' },
};

/** Every flag `train` takes. */
export const TRAIN_SETTINGS: readonly Setting[] = [...Object.values(CONFIG_SETTINGS), ...Object.values(APPROACH_SETTINGS), ...Object.values(RUN_SETTINGS)];

/** `train --help` (and docs/cli.md) shows the settings in these groups, in this order. */
export const TRAIN_SECTIONS: readonly { title: string; settings: readonly Setting[] }[] = [
  { title: 'What to train', settings: [RUN_SETTINGS.benchmark, CONFIG_SETTINGS.approach, RUN_SETTINGS.tasks, RUN_SETTINGS.fashionDir, CONFIG_SETTINGS.seed, RUN_SETTINGS.paper] },
  {
    title: 'Network and optimisation',
    settings: [CONFIG_SETTINGS.net, CONFIG_SETTINGS.hidden, CONFIG_SETTINGS.width, CONFIG_SETTINGS.epochs, CONFIG_SETTINGS.batch, CONFIG_SETTINGS.lr, CONFIG_SETTINGS.lrMin, CONFIG_SETTINGS.lrFactor,
      CONFIG_SETTINGS.patience, CONFIG_SETTINGS.clipNorm, CONFIG_SETTINGS.dropout, CONFIG_SETTINGS.fused, CONFIG_SETTINGS.logEvery],
  },
  { title: 'HAT', settings: [CONFIG_SETTINGS.smax, CONFIG_SETTINGS.c, CONFIG_SETTINGS.embeddingClamp, CONFIG_SETTINGS.sSchedule, CONFIG_SETTINGS.embeddingInit, CONFIG_SETTINGS.maskThreshold,
    APPROACH_SETTINGS.adjustmentIntensity, APPROACH_SETTINGS.epsilon] },
  { title: 'Baselines', settings: Object.values(APPROACH_SETTINGS).filter((s) => !s.appliesTo?.includes('adahat')) },
  { title: 'Results and checkpoints', settings: [RUN_SETTINGS.out, RUN_SETTINGS.checkpointDir, RUN_SETTINGS.resume] },
  { title: 'Kernels', settings: [RUN_SETTINGS.kernel] },
];

/** The default of `s` for a run of `approach`: its per-approach value, else its own (undefined: none). */
export function defaultFor<T>(s: Setting<T>, approach: Approach): T | undefined {
  return s.perApproach?.[approach] ?? s.default;
}

/** Whether `s` means anything to a run of `approach`. */
export function appliesTo(s: Setting, approach: Approach): boolean {
  return !s.appliesTo || s.appliesTo.includes(approach);
}
