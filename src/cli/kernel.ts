// `webgpu-hat kernel list | show | check | bench`: the kernel lab from the command line. A researcher
// starts from a built-in kernel's WGSL (show), edits it in a file, checks it in the built-in's place
// against the float64 reference over the built-in's test shapes (check), and times it against the
// built-in and the built-in's unfused twin in one interleaved run (bench).
import { readFileSync, existsSync } from 'node:fs';
import { KERNEL_SETTINGS, UsageError, isHelpRequested, parseFlags, type HelpRequested } from '../config/index.ts';
import { builtinKernel, listKernels, overrideKernel } from '../kernels/registry.ts';
import { NoUnfusedTwinError } from '../kernels/errors.ts';
import { timingCaseIndex, type KernelDeclaration, type Specialisation } from '../kernels/declaration.ts';
import { readFlags } from './flags.ts';
import { filesOf, kernelFileHeader, parseKernelFile, portableSpecialisation, textAxes, withText } from '../kernels/kernel-file.ts';

const ACTIONS = ['list', 'show', 'check', 'bench'] as const;

export async function run(args: string[]): Promise<HelpRequested | void> {
  const [action, target, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h') return readFlags(Object.values(KERNEL_SETTINGS), ['--help']) as HelpRequested;
  if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`kernel: unknown action "${action}" (${ACTIONS.join(' | ')})`);
  const flagArgs = action === 'list' ? [target, ...rest].filter((a): a is string => a !== undefined) : rest;
  const values = readFlags(Object.values(KERNEL_SETTINGS), flagArgs);
  if (isHelpRequested(values)) return values;
  const o = parseFlags('kernel', KERNEL_SETTINGS, values);
  if (action === 'list') return list(o.json);
  if (!target || target.startsWith('--')) throw new UsageError(`kernel ${action}: ${action === 'show' ? 'NAME' : 'FILE.wgsl'} is required`);
  if (action === 'show') return show(target, o.spec);
  if (!o.as) throw new UsageError(`kernel ${action}: --as NAME is required (the built-in kernel ${target} replaces; webgpu-hat kernel list)`);
  if (!existsSync(target)) throw new UsageError(`kernel ${action}: file not found: ${target}`);
  const text = readFileSync(target, 'utf8');
  const decl = builtinKernel(o.as);
  const spec = textSpecOf(decl, o.spec, text, target);
  const files = o.spec ? null : parseKernelFile(text)?.files ?? null;
  // The runtime names a shader's files without their extension (compile errors read "mine.wgsl:12:3").
  const file = target.replace(/\.wgsl$/, '');
  if (action === 'check') return check(decl, file, text, spec, files, o.seeds, o.json);
  return bench(decl, file, text, spec, files, o.shape, o.against, o.budgetMs, o.json);
}

function list(json: boolean): void {
  const kernels = listKernels();
  if (json) { process.stdout.write(JSON.stringify(kernels, null, 2) + '\n'); return; }
  const width = Math.max(...kernels.map((k) => k.name.length));
  for (const k of kernels) {
    const space = Object.entries(k.space).map(([axis, values]) => `${axis} ${values.join('|')}`).join('; ');
    process.stdout.write(`${k.name.padEnd(width)}  ${k.kind.padEnd(8)}  ${k.summary}\n`);
    if (space) process.stdout.write(`${''.padEnd(width)}  space: ${space}\n`);
    if (k.variants.length) process.stdout.write(`${''.padEnd(width)}  variants: ${k.variants.join(', ')}\n`);
    if (k.unfusedTwin) process.stdout.write(`${''.padEnd(width)}  unfused twin: ${k.unfusedTwin}\n`);
  }
}

function parseJson(flag: string, text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* refused below */ }
  throw new UsageError(`--${flag}: expected a JSON object, got ${text}`);
}

/**
 * The specialisation axes one text is for (those that choose which files make up the shader): --spec,
 * else what `kernel show` wrote into the file's first line, else the kernel's default's. The other axes
 * (tiles, workgroup shape) follow each shape as for the built-in.
 */
function textSpecOf(decl: KernelDeclaration, flag: string | undefined, text: string | null, file: string | null): Specialisation {
  if (flag) return parseJson('spec', flag) as Specialisation;
  const header = text ? parseKernelFile(text) : null;
  if (header) {
    if (header.name !== decl.name) throw new UsageError(`${file}: written for kernel ${header.name}, checked --as ${decl.name}`);
    return header.spec;
  }
  return textAxes(decl, portableSpecialisation(decl));
}

/** The WGSL a user starts from: the kernel's files as they are (placeholders and #include lines kept), one text. */
async function show(name: string, specFlag: string | undefined): Promise<void> {
  const decl = builtinKernel(name);
  const spec = specFlag ? { ...portableSpecialisation(decl), ...(parseJson('spec', specFlag) as Specialisation) } : portableSpecialisation(decl);
  const shape = decl.shapes[0]!.shape;
  const shader = decl.shader(spec, shape);
  const { nodeShaderSource } = await import('../runtime/node.ts');
  const files = [shader.name, ...(shader.append ?? [])];
  process.stdout.write(`${kernelFileHeader(decl.name, textAxes(decl, spec), filesOf(decl, spec, shape))}\n`);
  process.stdout.write(`// ${decl.summary}. From shaders/${files.map((f) => `${f}.wgsl`).join(', shaders/')}; double-braced placeholders are filled per call, #include lines pull shared snippets. Check it with: webgpu-hat kernel check FILE.wgsl --as ${decl.name}\n`);
  process.stdout.write(files.map((f) => nodeShaderSource(f)).join('\n') + '\n');
}

async function withEngine<T>(fn: (engine: import('../runtime/engine.ts').Engine) => Promise<T>): Promise<T> {
  const { startEngine } = await import('./engine.ts');
  const engine = await startEngine();
  try {
    return await fn(engine);
  } finally {
    engine.destroy();
  }
}

async function check(decl: KernelDeclaration, file: string, text: string, spec: Specialisation, files: string | null, seedsFlag: string | undefined, json: boolean): Promise<void> {
  const seeds = seedsFlag?.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw new UsageError(`--seeds: expected integers, got "${seedsFlag}"`);
    return n;
  });
  const { checkKernel } = await import('../testing/check-kernel.ts');
  const result = await withEngine(async (engine) => {
    // Each case runs at the specialisation the registry picks for its shape, with the text's own axes;
    // cases of another variant of the kernel (other files) are not this text's to check.
    const own = withText(decl, text, file, spec, files);
    overrideKernel(engine, decl.name, own);
    const choose = (c: (typeof decl.shapes)[number]) => ({ ...own.shippedDefault!(engine, c.shape)!, ...c.spec });
    const shapes = own.wgslServes ? decl.shapes.filter((c) => own.wgslServes!(choose(c), c.shape)) : decl.shapes;
    if (shapes.length < decl.shapes.length) process.stderr.write(`${decl.shapes.length - shapes.length} of ${decl.name}'s ${decl.shapes.length} test shapes are not this text's to run (another variant's files, or sizes its ${JSON.stringify(spec)} cannot take; the built-in runs those): checked ${shapes.length}\n`);
    if (shapes.length === 0) throw new UsageError(`${file}.wgsl: none of ${decl.name}'s test shapes uses its files (${files})`);
    return checkKernel(engine, decl.name, { shapes, ...(seeds ? { seeds } : {}), stopAtFirstFailure: false });
  });
  if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(`${file}.wgsl as ${decl.name} (text for ${JSON.stringify(spec)}): ${result.summary}\n`);
  // The CLI's exit code is the verdict: 0 only when every case passed.
  if (!result.ok) process.exitCode = 1;
}

async function bench(decl: KernelDeclaration, file: string, text: string, spec: Specialisation, files: string | null, shapeFlag: string | undefined, against: string[], budgetMs: number | undefined, json: boolean): Promise<void> {
  const { unfusedTwinOf } = await import('../kernels/twins.ts');
  let twin: ReturnType<typeof unfusedTwinOf> | null = null;
  if (against.includes('unfused')) {
    try {
      twin = unfusedTwinOf(decl);
    } catch (e) {
      throw e instanceof NoUnfusedTwinError ? new UsageError(`--against unfused: ${e.message}`) : e;
    }
  }
  const timed = timingCaseIndex(decl, (s) => twin?.serves(s) ?? true);
  if (!shapeFlag && timed < 0) throw new UsageError(`kernel bench: none of ${decl.name}'s test shapes is one its unfused twin computes; pass --shape`);
  const shape = shapeFlag ? parseJson('shape', shapeFlag) : decl.shapes[timed]!.shape;
  if (twin && !twin.serves(shape)) throw new UsageError(`--against unfused: ${twin.name} does not compute ${decl.describeShape(shape)} (the plain variant has no twin)`);
  const { compareKernels, fromDeclaration, fromUnfusedTwin, formatComparison } = await import('../../bench/lab/index.ts');
  await withEngine(async (engine) => {
    // The text and the built-in at the same specialisation: the built-in's choice for this shape with the text's axes.
    const own = { ...decl, ...withText(decl, text, file, spec, files) } as KernelDeclaration;
    const at = own.shippedDefault!(engine, shape) ?? own.heuristic(engine, shape);
    const works = [{ ...fromDeclaration(own, shape, at), name: `${file}.wgsl` }];
    if (against.includes('builtin')) works.push({ ...fromDeclaration(decl, shape, at), name: `${decl.name} (built-in)` });
    if (twin) works.push({ ...fromUnfusedTwin(decl, shape), name: `${twin.name} (unfused twin)` });
    try {
      const comparison = await compareKernels(engine, works, { budgetMs: budgetMs ?? 2000 });
      if (json) process.stdout.write(JSON.stringify({ kernel: decl.name, shape, spec: at, comparison }, null, 2) + '\n');
      else process.stdout.write(`${decl.name} ${decl.describeShape(shape)} (spec ${JSON.stringify(at)}):\n${formatComparison(comparison)}\n`);
    } finally {
      for (const w of works) w.dispose();
    }
  });
}

