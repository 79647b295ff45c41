// `webgpu-hat tune`: searches kernels' specialisation spaces on this adapter, at the shapes training
// uses, and stores the fastest correct choice in the adapter's tune cache (bench/tune); every later run
// on this adapter uses it (train, compare, bench install the cache when they start their engine).
import { TUNE_SETTINGS, UsageError, isHelpRequested, parseFlags, type HelpRequested } from '../config/index.ts';
import { builtinKernel, listKernels } from '../kernels/registry.ts';
import { timingCaseIndex, type KernelDeclaration, type SpecValue } from '../kernels/declaration.ts';
import { readFlags } from './flags.ts';

/**
 * The shapes MLP-HAT trains with (784-2000-2000, batch 64): forward GEMMs, the conditioned weight
 * gradients, the input gradients. Kernels not listed are tuned at their largest test shape.
 */
const TRAINING_SHAPES: Record<string, unknown[]> = {
  'gated-matmul': [{ form: 'nt', m: 64, n: 2000, k: 784, gated: true }, { form: 'nt', m: 64, n: 2000, k: 2000, gated: true }],
  'masked-weight-grad': [{ form: 'tn', m: 2000, n: 784, k: 64, pre: false, preRepeat: 1 }, { form: 'tn', m: 2000, n: 2000, k: 64, pre: true, preRepeat: 1 }],
  matmul: [{ form: 'nn', m: 64, n: 784, k: 2000 }, { form: 'nn', m: 64, n: 2000, k: 2000 }],
};

export async function run(args: string[]): Promise<HelpRequested | void> {
  const values = readFlags(Object.values(TUNE_SETTINGS), args);
  if (isHelpRequested(values)) return values;
  const o = parseFlags('tune', TUNE_SETTINGS, values);
  const known = listKernels().filter((k) => Object.values(k.space).some((v) => v.length > 1)).map((k) => k.name);
  const names = o.kernels ? o.kernels.split(',').map((n) => n.trim()) : Object.keys(TRAINING_SHAPES);
  for (const n of names) if (!known.includes(n)) throw new UsageError(`--kernels: "${n}" has no specialisation space to tune (tunable: ${known.join(', ')})`);
  let shape: unknown = null;
  if (o.shape) {
    try { shape = JSON.parse(o.shape); } catch { throw new UsageError(`--shape: expected a JSON object, got ${o.shape}`); }
  }
  let fix: Record<string, SpecValue> = {};
  if (o.fix) {
    try { fix = JSON.parse(o.fix) as Record<string, SpecValue>; } catch { throw new UsageError(`--fix: expected a JSON object, got ${o.fix}`); }
  }
  // An axis no tuned kernel has is a typo, not a constraint to drop silently.
  for (const axis of Object.keys(fix)) {
    if (!names.some((n) => axis in builtinKernel(n).space)) throw new UsageError(`--fix: no kernel tuned here has an axis "${axis}" (${names.map((n) => `${n}: ${Object.keys(builtinKernel(n).space).join(', ')}`).join('; ')})`);
  }
  const { createEngine, nodeShaderSource } = await import('../runtime/node.ts');
  const { openTuneCache, tuneKernel } = await import('../../bench/tune/index.ts');
  const { fileTuneStorage } = await import('../../bench/tune/file-storage.ts');
  const engine = await createEngine();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    log(`adapter: ${engine.describe()}`);
    const cache = await openTuneCache(engine, fileTuneStorage(), { shaderSource: nodeShaderSource, warn: log });
    const lines: string[] = [];
    for (const name of names) {
      const decl = narrowed(builtinKernel(name), fix);
      for (const s of shape ? [shape] : shapesFor(decl)) {
        const entry = await tuneKernel(engine, decl, s, { cache, shaderSource: nodeShaderSource, force: o.force, log, ...(o.budgetS ? { searchBudgetMs: o.budgetS * 1000 } : {}) });
        const searched = entry.search?.untried ? `; ${entry.search.candidates - entry.search.untried} of ${entry.search.candidates} candidates tried within the budget` : '';
        lines.push(`${name} ${decl.describeShape(s)} (class ${entry.shapeClass}): ${JSON.stringify(entry.choice)}, ${entry.ratioToBaseline.toFixed(3)}× the shipped choice's time (${entry.clock}${searched})`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\ncache: ${cache.location}\n`);
  } finally {
    engine.destroy();
  }
}

/** The declaration with some axes of its space fixed to one value (each must be one of the axis's values). */
function narrowed(decl: KernelDeclaration, fix: Record<string, SpecValue>): KernelDeclaration {
  const space = { ...decl.space };
  for (const [axis, value] of Object.entries(fix)) {
    const a = space[axis];
    if (!a) continue; // another kernel's axis (--fix applies to every kernel tuned)
    if (!a.values.includes(value)) throw new UsageError(`--fix: ${decl.name}'s axis ${axis} takes ${a.values.join(' | ')}, not ${JSON.stringify(value)}`);
    space[axis] = { ...a, values: [value], default: value };
  }
  return { ...decl, space };
}

function shapesFor(decl: KernelDeclaration): unknown[] {
  return TRAINING_SHAPES[decl.name] ?? [decl.shapes[timingCaseIndex(decl)]!.shape];
}
