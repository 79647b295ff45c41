// `webgpu-hat forget`: a HAT or AdaHAT checkpoint with one learned task released. A task's units stay
// taken only through the cumulative mask a^{≤t} = max over tasks of σ(smax·e_u); recomputing it from the
// other learned tasks' embeddings frees the units only the forgotten task used, so the next tasks can
// claim them. Every other task's forward reads only its own embedding, the shared weights and its head,
// none of which change: their accuracies stay exactly what they were. The forgotten task's head and
// embedding are drawn afresh; the task is listed in the approach state so a later forget leaves it out.
import { isHelpRequested, parseFlags, UsageError, type HelpRequested, type TrainConfig } from '../config/index.ts';
import { FORGET_SETTINGS } from '../config/commands.ts';
import type { NamedTensors } from '../io/checkpoint.ts';
import { Rng, deriveSeed } from '../data/rng.ts';
import { embeddingInitOf } from '../nn/init.ts';
import { uniformFanInValues } from '../nn/init.ts';
import { positionLabel, type TrainerSnapshot } from '../train/state.ts';
import type { HatFamilyState } from '../approaches/hat.ts';
import { SUMMATIVE_PREFIX } from '../approaches/adahat.ts';
import { checkpointConfig, learnedTasks, openCheckpoint } from './eval.ts';
import { readFlags } from './flags.ts';

/** Seeds the fresh head and embedding of a forgotten task (with the run's seed and the task). */
const FORGET_SEED = 0xf0e7;

/** The HAT family's gate in float32 as shaders/hat_common.wgsl computes it (no overflow for any s·e). */
export function gateF32(smax: number, e: number): number {
  const x = Math.fround(smax * e);
  const z = Math.fround(Math.exp(-Math.abs(x)));
  const r = Math.fround(1 / (1 + z));
  return x >= 0 ? r : Math.fround(z * r);
}

/** The gated layers' names in a snapshot, in order (from the embeddings `e<layer>.<task>`). */
export function gatedLayerNames(tensors: NamedTensors): string[] {
  const names: string[] = [];
  for (const name of tensors.keys()) {
    const m = /^e(.+)\.0$/.exec(name);
    if (m && tensors.has(`${m[1]}.weight`)) names.push(m[1]!);
  }
  return names;
}

/** Checks that `snap` is between tasks of a HAT-family run: what forget and prune can work on. */
export function checkHatFamilySnapshot(command: string, snap: TrainerSnapshot, config: TrainConfig): void {
  if (config.approach !== 'hat' && config.approach !== 'adahat') throw new UsageError(`${command}: the checkpoint is of approach ${config.approach}; only hat and adahat have task masks`);
  if (snap.state.inTask) throw new UsageError(`${command}: the checkpoint is in the middle of task ${snap.state.task + 1} (${positionLabel(snap.state)}); give one written between tasks (after a task)`);
  if (snap.state.task === 0) throw new UsageError(`${command}: the checkpoint has learned no task yet`);
}

/** The task `text` names: a task's name, or its number counted from 1. */
export function taskIndex(text: string, names: readonly string[]): number {
  const byName = names.indexOf(text);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= names.length) return Number(text) - 1;
  throw new UsageError(`--task: no task "${text}" (${names.map((n, i) => `${i + 1} ${n}`).join(', ')})`);
}

/**
 * `snap` with learned task `task` forgotten: masks (and AdaHAT's summative masks) recomputed from the
 * other learned tasks, the task's head and embedding rows drawn afresh. Nothing else changes.
 */
export function forgetTask(snap: TrainerSnapshot, config: TrainConfig, task: number): TrainerSnapshot {
  checkHatFamilySnapshot('forget', snap, config);
  const { learned, forgotten } = learnedTasks(snap.state);
  if (!learned.includes(task)) throw new UsageError(`forget: task ${task + 1} is not learned yet (the checkpoint has learned ${learned.length})`);
  if (forgotten.includes(task)) throw new UsageError(`forget: task ${task + 1} was forgotten already`);
  const keep = learned.filter((t) => t !== task && !forgotten.includes(t));
  const tensors: NamedTensors = new Map([...snap.tensors].map(([n, t]) => [n, { shape: [...t.shape], data: t.data.slice() }]));
  const get = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`forget: the checkpoint has no tensor ${name}`);
    return t;
  };
  const rng = new Rng(deriveSeed(config.seed, FORGET_SEED, task));
  const init = embeddingInitOf(config.embeddingInit ?? 'normal');
  for (const layer of gatedLayerNames(tensors)) {
    const units = get(`${layer}.weight`).shape[0]!;
    const mask = new Float32Array(units);
    const summative = new Float32Array(units);
    for (const u of keep) {
      const e = get(`e${layer}.${u}`).data;
      for (let i = 0; i < units; i++) {
        mask[i] = Math.max(mask[i]!, gateF32(config.smax, e[i]!));
        summative[i]! += e[i]! > 0 ? 1 : 0;
      }
    }
    tensors.set(`mask.${layer}`, { shape: [units], data: mask });
    if (tensors.has(`approach.${SUMMATIVE_PREFIX}.${layer}`)) tensors.set(`approach.${SUMMATIVE_PREFIX}.${layer}`, { shape: [units], data: summative });
    const e = get(`e${layer}.${task}`);
    e.data = Float32Array.from({ length: units }, () => (init === 'normal' ? rng.normal() : rng.uniform(init[0], init[1])));
  }
  for (const part of ['weight', 'bias'] as const) {
    const head = get(`last.${task}.${part}`);
    const fanIn = get(`last.${task}.weight`).shape[1]!;
    head.data = uniformFanInValues(head.shape, fanIn, rng);
  }
  const approach: HatFamilyState = { forgotten: [...forgotten, task].sort((a, b) => a - b) };
  return { state: { ...structuredClone(snap.state), approach }, tensors };
}

export async function run(args: string[]): Promise<HelpRequested | void> {
  const values = readFlags(Object.values(FORGET_SETTINGS), args);
  if (isHelpRequested(values)) return values;
  const { checkpoint: from, task: taskText, out } = parseFlags('forget', FORGET_SETTINGS, values);
  const { path, checkpoint } = await openCheckpoint(from);
  const config = checkpointConfig(checkpoint.meta);
  const task = taskIndex(taskText, checkpoint.meta.taskNames);
  const forgotten = forgetTask(checkpoint, config, task);
  const { CheckpointDir, listCheckpoints } = await import('../io/checkpoint-dir.ts');
  if (listCheckpoints(out).length) throw new UsageError(`--out: ${out} already holds checkpoints; give an empty directory`);
  const label = `${positionLabel(forgotten.state)}, task ${task + 1} forgotten`;
  const written = new CheckpointDir(out).write({ ...forgotten, meta: { ...checkpoint.meta, label, seq: 0, createdAt: new Date().toISOString() } });
  const masks = gatedLayerNames(forgotten.tensors).map((l) => {
    const count = (m: Float32Array | undefined) => (m ? m.reduce((a, v) => a + (v > config.maskThreshold ? 1 : 0), 0) : 0);
    return `${l} ${count(checkpoint.tensors.get(`mask.${l}`)?.data)} → ${count(forgotten.tensors.get(`mask.${l}`)!.data)}`;
  });
  process.stdout.write(`forgot task ${task + 1} (${checkpoint.meta.taskNames[task]}) of ${path}: units in use ${masks.join(', ')}; wrote ${written}\n`);
  process.stdout.write(`continue with: webgpu-hat train <the run's flags> --checkpoint-dir ${out} --resume\n`);
}
