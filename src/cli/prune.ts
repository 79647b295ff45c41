// `webgpu-hat prune`: a HAT or AdaHAT MLP checkpoint without the units no learned task uses. A unit
// whose gate σ(smax·e_t) is at or below the mask threshold for every learned task (forgotten ones aside)
// passes on (practically) nothing to the next layer in any task's forward, so its row of the weight, its
// bias, its embedding values and mask entries, and the next layer's (or the heads') column that reads it
// go, and the hidden widths shrink. At smax the gates of such units are 0 to float32 precision except for
// embeddings within about 0.05 of 0: a unit whose gate is, say, 0.2 for some task did pass on a fifth of
// its output, and removing it shifts that task's logits a little (the accuracies stayed equal in our
// runs). prune reports the largest gate it removed; --mask-threshold 1e-6 removes only silent units.
//
// Only the MLP: pruning AlexNet's conv channels would also cut the flattened fc1 input per channel, and
// is not done here.
import { isHelpRequested, parseFlags, UsageError, type HelpRequested, type TrainConfig } from '../config/index.ts';
import { PRUNE_SETTINGS } from '../config/commands.ts';
import type { NamedTensors } from '../io/checkpoint.ts';
import { positionLabel, type TrainerSnapshot } from '../train/state.ts';
import { checkpointConfig, learnedTasks, openCheckpoint } from './eval.ts';
import { checkHatFamilySnapshot, gatedLayerNames } from './forget.ts';
import { readFlags } from './flags.ts';

export interface PruneResult {
  snapshot: TrainerSnapshot;
  /** The new MLP widths (TrainConfig.hidden). */
  hidden: number[];
  layers: { layer: string; before: number; after: number }[];
  /** The largest gate at smax of a removed unit over the learned tasks (0: nothing that was passed on is gone). */
  largestRemovedGate: number;
}

/** Rows `rows` and columns `cols` (null: all) of a row-major [R, C] matrix. */
function select(data: Float32Array, C: number, rows: readonly number[], cols: readonly number[] | null): Float32Array {
  const width = cols ? cols.length : C;
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    if (!cols) out.set(data.subarray(r * C, (r + 1) * C), i * width);
    else cols.forEach((c, j) => { out[i * width + j] = data[r * C + c]!; });
  });
  return out;
}

/** The snapshot of a pruned network: units no learned task uses removed from every tensor that has them. */
export function pruneSnapshot(snap: TrainerSnapshot, config: TrainConfig, threshold = config.maskThreshold): PruneResult {
  checkHatFamilySnapshot('prune', snap, config);
  if (config.net !== 'mlp') throw new UsageError(`prune: only the MLP is pruned (the checkpoint's network is ${config.net})`);
  const { learned, forgotten } = learnedTasks(snap.state);
  const tasks = learned.filter((t) => !forgotten.includes(t));
  const src = snap.tensors;
  const get = (name: string) => {
    const t = src.get(name);
    if (!t) throw new Error(`prune: the checkpoint has no tensor ${name}`);
    return t;
  };
  const layers = gatedLayerNames(src);
  const nTasks = [...src.keys()].filter((n) => /^last\.\d+\.weight$/.test(n)).length;
  let largestRemovedGate = 0;
  // Per layer, the units some learned task uses; a layer keeps at least its most used unit, so it stays a layer.
  const keep = layers.map((layer) => {
    const units = get(`${layer}.weight`).shape[0]!;
    const gates = new Float64Array(units);
    for (const t of tasks) {
      const e = get(`e${layer}.${t}`).data;
      for (let i = 0; i < units; i++) gates[i] = Math.max(gates[i]!, 1 / (1 + Math.exp(-config.smax * e[i]!)));
    }
    let kept = [...gates.keys()].filter((i) => gates[i]! > threshold);
    if (kept.length === 0) kept = [gates.indexOf(Math.max(...gates))];
    const keptSet = new Set(kept);
    gates.forEach((g, i) => { if (!keptSet.has(i)) largestRemovedGate = Math.max(largestRemovedGate, g); });
    return kept;
  });
  const tensors: NamedTensors = new Map();
  for (const [name, t] of src) tensors.set(name, { shape: [...t.shape], data: t.data });
  layers.forEach((layer, l) => {
    const rows = keep[l]!, cols = l > 0 ? keep[l - 1]! : null;
    const w = get(`${layer}.weight`);
    tensors.set(`${layer}.weight`, { shape: [rows.length, cols ? cols.length : w.shape[1]!], data: select(w.data, w.shape[1]!, rows, cols) });
    const perUnit = [`${layer}.bias`, `mask.${layer}`, ...Array.from({ length: nTasks }, (_, t) => `e${layer}.${t}`), ...[...src.keys()].filter((n) => n.startsWith('approach.') && n.endsWith(`.${layer}`))];
    for (const name of perUnit) {
      const t = src.get(name);
      if (t) tensors.set(name, { shape: [rows.length], data: select(t.data, 1, rows, null) });
    }
  });
  const last = keep[keep.length - 1]!;
  for (let t = 0; t < nTasks; t++) {
    const w = get(`last.${t}.weight`);
    tensors.set(`last.${t}.weight`, { shape: [w.shape[0]!, last.length], data: select(w.data, w.shape[1]!, [...Array(w.shape[0]!).keys()], last) });
  }
  const hidden = keep.map((k) => k.length);
  return {
    snapshot: { state: structuredClone(snap.state), tensors },
    hidden,
    layers: layers.map((layer, l) => ({ layer, before: get(`${layer}.weight`).shape[0]!, after: hidden[l]! })),
    largestRemovedGate,
  };
}

export async function run(args: string[]): Promise<HelpRequested | void> {
  const values = readFlags(Object.values(PRUNE_SETTINGS), args);
  if (isHelpRequested(values)) return values;
  const { checkpoint: from, out, maskThreshold } = parseFlags('prune', PRUNE_SETTINGS, values);
  const { path, checkpoint } = await openCheckpoint(from);
  const config = checkpointConfig(checkpoint.meta);
  const pruned = pruneSnapshot(checkpoint, config, maskThreshold ?? config.maskThreshold);
  const { CheckpointDir, listCheckpoints } = await import('../io/checkpoint-dir.ts');
  if (listCheckpoints(out).length) throw new UsageError(`--out: ${out} already holds checkpoints; give an empty directory`);
  const meta = { ...checkpoint.meta, config: { ...checkpoint.meta.config, hidden: pruned.hidden }, label: `${positionLabel(checkpoint.state)}, pruned`, seq: 0, createdAt: new Date().toISOString() };
  const written = new CheckpointDir(out).write({ ...pruned.snapshot, meta });
  const count = (t: NamedTensors) => [...t].filter(([n]) => /\.(weight|bias)$/.test(n)).reduce((a, [, v]) => a + v.data.length, 0);
  process.stdout.write(`pruned ${path}: ${pruned.layers.map((l) => `${l.layer} ${l.before} → ${l.after}`).join(', ')} units; ${count(checkpoint.tensors).toLocaleString('en')} → ${count(pruned.snapshot.tensors).toLocaleString('en')} weights and biases; largest gate removed ${pruned.largestRemovedGate.toExponential(2)}; wrote ${written}\n`);
  process.stdout.write(`continue with: webgpu-hat train <the run's flags> --hidden ${pruned.hidden.join(',')} --checkpoint-dir ${out} --resume\n`);
}
