// `webgpu-hat train`: builds the task sequence, trains, shows progress on stderr, prints the accuracy
// matrix and writes the results JSON.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { UsageError } from '../config/usage-error.ts';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic-file.ts';
import type { Engine } from '../runtime/engine.ts';
import { APPROACHES, DEFAULT_CONFIG, type Approach, type TrainConfig } from '../config/train-config.ts';
import { Trainer } from '../train/trainer.ts';
import { NonFiniteLossError } from '../train/errors.ts';
import { positionLabel, type TrainResult, type TrainerSnapshot, type TrainerState } from '../train/state.ts';
import { createApproach } from '../approaches/registry.ts';
import { REFERENCE_CLIP } from '../approaches/defaults.ts';
import type { Checkpoint as CheckpointOf } from '../io/checkpoint.ts';

type Checkpoint = CheckpointOf<TrainerState>;
import type { Task } from '../data/task.ts';

export const TRAIN_USAGE = `webgpu-hat train [flags]
  --benchmark NAME|FILE  split-mnist (default) | mnist2 | pmnist | split-fashion | mnist-fashion | a task-sequence JSON file
  --approach NAME        hat (default) | sgd (plain fine-tuning, no gates: the forgetting control) |
                         sgd-frozen | joint | ewc | imm-mean | imm-mode | lwf | lfl | pathnet | progressive
                         (baselines, reference settings)
  --lambda X             the baseline's penalty weight (ewc 5000, imm-mean 1e-4, imm-mode 0.01, lwf 2, lfl 0.05)
  --generations N        pathnet: generations of the path tournament per task (default 20)
  --modules N            pathnet: modules per layer, M (default 16)
  --active N             pathnet: active modules per layer in a path, N (default 3)
  --paths N              pathnet: paths trained per generation, P (default 2)
  --net NAME             mlp (default) | alexnet (32×32 inputs)
  --hidden N[,N]         MLP hidden widths (default 400,400 for the quick preset; the paper: 2000,2000)
  --epochs N             epochs per task (default 10; --paper: 20, as docs/hat.md's reference run)
  --batch N              batch size (default 64)
  --lr X                 learning rate (default 0.05; divided by 3 after 5 epochs without improvement)
  --smax X               largest gate temperature (default 400)
  --c X                  regulariser weight (default 0.75)
  --clip X               gradient-norm clipping (default 10000; the reference's per baseline: ewc 100, imm-mode 1000, lwf 100, lfl 200, pathnet 1000)
  --tasks N              pmnist: number of permutations (default 10)
  --fashion-dir DIR      folder of Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)
  --seed N               seed of splits, shuffles, init and dropout (default 0)
  --unfused              use the unfused kernels (same numbers, more passes)
  --paper                the reference preset of docs/hat.md's split-MNIST run: --hidden 2000,2000 --epochs 20
  --out FILE             results JSON (default results/<benchmark>-<approach>-seed<seed>.json)
  --checkpoint-dir DIR   write a checkpoint at the start, after every epoch and after every task (atomic; newest 3 kept)
  --resume               continue from the newest valid checkpoint in --checkpoint-dir (same flags as the run that wrote it)
`;

function intFlag(name: string, v: string | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer ≥ ${min}, got "${v}"`);
  return n;
}

function numFlag(name: string, v: string | undefined, fallback: number, positive = true): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || (positive && n <= 0)) throw new UsageError(`--${name}: expected a ${positive ? 'positive ' : ''}number, got "${v}"`);
  return n;
}

export interface TrainArgs {
  benchmark: string;
  config: TrainConfig;
  /** The baseline's penalty weight (undefined: the reference's). */
  lambda?: number;
  /** PathNet's search settings (undefined: the reference's). */
  pathnet: { modules?: number; active?: number; generations?: number; paths?: number };
  tasks: number;
  fashionDir?: string;
  out: string;
  checkpointDir?: string;
  resume: boolean;
}

/** `compare` passes its runs' flags through here: PathNet's flags are then allowed whatever --approach says. */
export function parseTrainArgs(args: string[], opts: { forCompare?: boolean } = {}): TrainArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args, strict: true, allowPositionals: false, options: {
        benchmark: { type: 'string' }, approach: { type: 'string' }, net: { type: 'string' }, hidden: { type: 'string' },
        epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, smax: { type: 'string' }, c: { type: 'string' },
        clip: { type: 'string' }, tasks: { type: 'string' }, 'fashion-dir': { type: 'string' }, seed: { type: 'string' },
        unfused: { type: 'boolean' }, paper: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean' },
        'checkpoint-dir': { type: 'string' }, resume: { type: 'boolean' }, lambda: { type: 'string' },
        generations: { type: 'string' }, modules: { type: 'string' }, active: { type: 'string' }, paths: { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) { process.stdout.write(TRAIN_USAGE); process.exit(0); }
  const approach = (values.approach ?? 'hat') as Approach;
  if (!APPROACHES.includes(approach)) {
    throw new UsageError(`--approach: unknown approach "${approach}" (${APPROACHES.join(' | ')})`);
  }
  const lambda = values.lambda === undefined ? undefined : numFlag('lambda', values.lambda, 0);
  const pathnetFlag = (name: 'generations' | 'modules' | 'active' | 'paths') => {
    if (values[name] === undefined) return undefined;
    if (approach !== 'pathnet' && !opts.forCompare) throw new UsageError(`--${name}: only pathnet has it (the approach is ${approach})`);
    return intFlag(name, values[name], 1);
  };
  const pathnet = { generations: pathnetFlag('generations'), modules: pathnetFlag('modules'), active: pathnetFlag('active'), paths: pathnetFlag('paths') };
  if ((pathnet.active ?? 3) > (pathnet.modules ?? 16)) throw new UsageError(`--active: a path takes ${pathnet.active ?? 3} modules per layer, more than the ${pathnet.modules ?? 16} there are (--modules)`);
  const net = values.net ?? 'mlp';
  if (net !== 'mlp' && net !== 'alexnet') throw new UsageError(`--net: unknown network "${net}" (mlp | alexnet)`);
  const paper = values.paper ?? false;
  const hidden = values.hidden === undefined ? (paper ? [2000, 2000] : [400, 400]) : values.hidden.split(',').map((h) => intFlag('hidden', h, 0));
  const benchmark = values.benchmark ?? 'split-mnist';
  const seed = intFlag('seed', values.seed, 0, 0);
  const config: TrainConfig = {
    ...DEFAULT_CONFIG, approach, net, hidden,
    epochs: intFlag('epochs', values.epochs, paper ? 20 : 10),
    batch: intFlag('batch', values.batch, 64),
    lr: numFlag('lr', values.lr, 0.05),
    smax: numFlag('smax', values.smax, 400),
    c: numFlag('c', values.c, 0.75, false),
    // Each reference approach class sets its own gradient clip; HAT's and SGD's is 10000.
    clipNorm: numFlag('clip', values.clip, (REFERENCE_CLIP as Partial<Record<Approach, number>>)[approach] ?? 10000),
    seed, fused: !values.unfused,
  };
  if (values.resume && !values['checkpoint-dir']) throw new UsageError('--resume needs --checkpoint-dir DIR (the directory the interrupted run wrote its checkpoints to)');
  if (values['checkpoint-dir'] === '') throw new UsageError('--checkpoint-dir: expected a directory, got ""');
  const name = benchmark.endsWith('.json') ? benchmark.replace(/^.*\//, '').replace(/\.json$/, '') : benchmark;
  return { benchmark, config, lambda, pathnet, tasks: intFlag('tasks', values.tasks, 10), fashionDir: values['fashion-dir'], out: values.out ?? `results/${name}-${approach}-seed${seed}.json`, checkpointDir: values['checkpoint-dir'], resume: values.resume ?? false };
}

export async function loadBenchmark(a: TrainArgs): Promise<Task[]> {
  const data = await import('../data/node.ts');
  const opts = { seed: a.config.seed };
  switch (a.benchmark) {
    case 'split-mnist': return data.splitMnist(opts);
    case 'mnist2': return data.mnist2(opts);
    case 'pmnist': return data.pmnist(a.tasks, a.config.seed);
    case 'split-fashion': return data.splitFashion(a.fashionDir, opts);
    case 'mnist-fashion': return data.mnistThenFashion({ ...opts, ...(a.fashionDir ? { fashionDir: a.fashionDir } : {}) });
    default:
      if (a.benchmark.endsWith('.json')) {
        if (!existsSync(a.benchmark)) throw new UsageError(`--benchmark: file not found: ${a.benchmark}`);
        return data.loadSequenceFile(a.benchmark, a.config.seed);
      }
      throw new UsageError(`--benchmark: unknown benchmark "${a.benchmark}" (split-mnist | mnist2 | pmnist | split-fashion | mnist-fashion | FILE.json)`);
  }
}

/** Progress on stderr: a redrawn bar on a terminal, one line per epoch otherwise. */
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
    taskEnd: (t: number, acc: number[], usage: number[]) => {
      process.stderr.write(`  after task ${t + 1}: test acc ${acc.map((a) => (100 * a).toFixed(1)).join(' ')}${usage.some((u) => u > 0) ? `  capacity in use ${usage.map((u) => u.toFixed(2)).join(' ')}` : ''}\n`);
    },
  };
}

export function accuracyTable(tasks: Task[], accuracy: number[][]): string {
  const names = tasks.map((t) => t.name);
  const w = Math.max(8, ...names.map((n) => n.length));
  const lines = [`${'after \\ on'.padEnd(w)}  ${names.map((n) => n.padStart(w)).join('  ')}`];
  accuracy.forEach((row, t) => lines.push(`${names[t]!.padEnd(w)}  ${row.map((a) => (100 * a).toFixed(1).padStart(w)).join('  ')}`));
  return lines.join('\n');
}

/** Checks that a checkpoint was written by this run's command line (same benchmark, tasks and config). */
function checkSameRun(a: TrainArgs, tasks: Task[], c: Checkpoint, path: string): void {
  const diffs: string[] = [];
  if (c.meta.benchmark !== a.benchmark) diffs.push(`benchmark ${c.meta.benchmark} (now ${a.benchmark})`);
  const names = tasks.map((t) => t.name);
  if (c.meta.taskNames.join('\n') !== names.join('\n')) diffs.push(`tasks ${c.meta.taskNames.join(', ')} (now ${names.join(', ')})`);
  const now = a.config as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(c.meta.config), ...Object.keys(now)])) {
    if (JSON.stringify(c.meta.config[k]) !== JSON.stringify(now[k])) diffs.push(`${k} ${JSON.stringify(c.meta.config[k])} (now ${JSON.stringify(now[k])})`);
  }
  if (diffs.length) throw new UsageError(`--resume: ${path} was written by a different run: ${diffs.join('; ')}. Resume with the flags of the run that wrote it`);
}

/** The results JSON of one run (README: "Train"). */
export function resultsJson(benchmark: string, c: TrainConfig, tasks: Task[], result: TrainResult, engine: Engine) {
  return {
    benchmark, approach: c.approach, seed: c.seed, config: c,
    tasks: tasks.map((t) => ({ name: t.name, classes: t.classes, nTrain: t.train.n, nValid: t.valid.n, nTest: t.test.n })),
    accuracy: result.accuracy, maskUsage: result.maskUsage, epochs: result.epochs,
    trainSeconds: round(result.trainSeconds), samplesPerSecond: Math.round(result.samplesPerSecond),
    adapter: engine.adapter, date: new Date().toISOString(),
  };
}

export async function trainCommand(args: string[]): Promise<void> {
  const a = parseTrainArgs(args);
  const tasks = await loadBenchmark(a);
  let dir: import('../io/checkpoint-dir.ts').CheckpointDir | null = null;
  let resume: { path: string; checkpoint: Checkpoint } | null = null;
  let lastGood: string | null = null;
  if (a.checkpointDir) {
    const io = await import('../io/checkpoint-dir.ts');
    if (a.resume) {
      resume = io.newestValidCheckpoint<TrainerState>(a.checkpointDir, (e) => process.stderr.write(`skipping ${e.message}\n`));
      if (resume) {
        checkSameRun(a, tasks, resume.checkpoint, resume.path);
        lastGood = resume.path;
        process.stderr.write(`resuming from ${resume.path} (${positionLabel(resume.checkpoint.state)})\n`);
      } else {
        process.stderr.write(`no checkpoint in ${a.checkpointDir} yet: starting from the beginning\n`);
      }
    } else if (io.listCheckpoints(a.checkpointDir).length) {
      throw new UsageError(`--checkpoint-dir: ${a.checkpointDir} already holds checkpoints; add --resume to continue that run, or give an empty directory`);
    }
    dir = new io.CheckpointDir(a.checkpointDir);
  }
  const { createEngine } = await import('../runtime/node.ts');
  const engine = await createEngine();
  let trainer: Trainer | null = null;
  try {
    process.stderr.write(`adapter: ${engine.describe()}\n`);
    trainer = new Trainer(engine, tasks, a.config, createApproach(a.config, { lambda: a.lambda, ...a.pathnet }));
    const c = a.config;
    process.stderr.write(`${a.benchmark}, ${c.approach}${c.approach === 'hat' ? (c.fused ? ' (fused kernels)' : ' (unfused kernels)') : ''}, ${c.net} ${c.net === 'mlp' ? c.hidden.join('-') : ''} (${trainer.net.parameterCount().toLocaleString('en')} parameters), ${c.epochs} epochs/task, batch ${c.batch}, lr ${c.lr}, seed ${c.seed}\n`);
    const checkpoint = dir ? (snap: TrainerSnapshot) => {
      lastGood = dir!.write({ ...snap, meta: { benchmark: a.benchmark, config: { ...c }, taskNames: tasks.map((t) => t.name), label: positionLabel(snap.state), seq: 0, createdAt: new Date().toISOString() } });
    } : undefined;
    let result: TrainResult;
    try {
      result = await trainer.run(progressPrinter(tasks, c.epochs), { checkpoint, resume: resume?.checkpoint });
    } catch (e) {
      if (e instanceof NonFiniteLossError) {
        e.message += lastGood ? `. The last good checkpoint, ${lastGood}, is intact (nothing non-finite is ever written)` : ' (no checkpoint was written: add --checkpoint-dir DIR to keep the last good state)';
      }
      throw e;
    }
    const json = {
      ...resultsJson(a.benchmark, c, tasks, result, engine),
      ...(resume ? { resumedFrom: { checkpoint: resume.path, position: positionLabel(resume.checkpoint.state) } } : {}),
    };
    writeJsonAtomic(a.out, json);
    process.stdout.write(`\nTest accuracy (%) on each task (columns) after training through each task (rows):\n${accuracyTable(tasks, result.accuracy)}\n`);
    if (process.env.WEBGPU_HAT_STATS) process.stderr.write(`engine: ${JSON.stringify(engine.stats())}\n`);
    process.stdout.write(`\ntrained ${result.trainedSamples} samples in ${result.trainSeconds.toFixed(1)} s (${Math.round(result.samplesPerSecond)} samples/s); results: ${a.out}\n`);
  } finally {
    trainer?.dispose();
    engine.destroy();
  }
}

export const EXPORT_USAGE = `webgpu-hat export --checkpoint DIR|FILE --out FILE.safetensors
  --checkpoint DIR|FILE  a --checkpoint-dir (its newest valid checkpoint) or one .hatckpt file
  --out FILE             safetensors with the reference implementation's names (README: "Weights out and in")
`;

/** `webgpu-hat export`: a checkpoint's parameters, embeddings and masks as safetensors with the reference's names. */
export async function exportCommand(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args, strict: true, allowPositionals: false, options: { checkpoint: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) { process.stdout.write(EXPORT_USAGE); process.exit(0); }
  if (!values.checkpoint) throw new UsageError('export: --checkpoint DIR|FILE is required');
  if (!values.out) throw new UsageError('export: --out FILE.safetensors is required');
  const { resolveCheckpoint } = await import('../io/checkpoint-dir.ts');
  const { toReferenceTensors } = await import('../io/reference-names.ts');
  const { encodeSafetensors } = await import('../io/safetensors.ts');
  const { path, checkpoint } = resolveCheckpoint<TrainerState>(values.checkpoint, (e) => process.stderr.write(`skipping ${e.message}\n`));
  const tensors = toReferenceTensors(checkpoint.tensors);
  const meta = checkpoint.meta;
  const bytes = encodeSafetensors(tensors, {
    format: 'pt', producer: 'webgpu-hat', benchmark: meta.benchmark, tasks: JSON.stringify(meta.taskNames),
    position: positionLabel(checkpoint.state), config: JSON.stringify(meta.config),
  });
  writeFileAtomic(values.out, bytes);
  process.stdout.write(`wrote ${tensors.length} tensors (${(bytes.length / 2 ** 20).toFixed(2)} MiB) from ${path} (${positionLabel(checkpoint.state)}) to ${values.out}\n`);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
