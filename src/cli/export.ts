// `webgpu-hat export`: a checkpoint's parameters, embeddings and masks as safetensors with the reference's names.
import { EXPORT_SETTINGS, isHelpRequested, parseFlags, type HelpRequested } from '../config/index.ts';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { positionLabel, type TrainerState } from '../train/state.ts';
import { readFlags } from './flags.ts';

export async function run(args: string[]): Promise<HelpRequested | void> {
  const values = readFlags(Object.values(EXPORT_SETTINGS), args);
  if (isHelpRequested(values)) return values;
  const { checkpoint: from, out } = parseFlags('export', EXPORT_SETTINGS, values);
  const { resolveCheckpoint } = await import('../io/checkpoint-dir.ts');
  const { toReferenceTensors } = await import('../io/reference-names.ts');
  const { encodeSafetensors } = await import('../io/safetensors.ts');
  const { validateTrainerState } = await import('../train/checkpoint-state.ts');
  const { path, checkpoint } = resolveCheckpoint<TrainerState>(from, (e) => process.stderr.write(`skipping ${e.message}\n`), (state, source, meta) => validateTrainerState(state, { tasks: meta.taskNames.length, epochs: Number(meta.config.epochs) }, source));
  const tensors = toReferenceTensors(checkpoint.tensors);
  const meta = checkpoint.meta;
  const bytes = encodeSafetensors(tensors, {
    format: 'pt', producer: 'webgpu-hat', benchmark: meta.benchmark, tasks: JSON.stringify(meta.taskNames),
    position: positionLabel(checkpoint.state), config: JSON.stringify(meta.config),
  });
  writeFileAtomic(out, bytes);
  process.stdout.write(`wrote ${tensors.length} tensors (${(bytes.length / 2 ** 20).toFixed(2)} MiB) from ${path} (${positionLabel(checkpoint.state)}) to ${out}\n`);
}
