// Every built-in kernel by a stable kebab-case name, and the overrides a kernel researcher installs on an
// engine. Which WGSL and specialisation runs is chosen here, in this order: an explicit override on the
// engine > the tuned choice for this adapter (tunedChoice) > the shipped default > the heuristic; a
// per-call pin (a test forcing a variant) wins over all. Each run is recorded so a report can say which
// rule chose it.
import type { Engine } from '../runtime/engine.ts';
import { bindingsOf, checkSpecialisation, defaultSpecialisation, recordKernel, type KernelCall, type KernelDeclaration, type Specialisation, type WgslText } from './declaration.ts';
import { KernelBindingError, UnknownKernelError } from './errors.ts';
import { checkWgslBindings } from './wgsl-bindings.ts';
import { BUILTIN_KERNELS } from './declarations/index.ts';

const builtins = new Map<string, KernelDeclaration>(BUILTIN_KERNELS.map((d) => [d.name, d]));

export interface KernelSummary {
  name: string;
  summary: string;
  kind: 'forward' | 'gradient';
  variants: readonly string[];
  unfusedTwin: string | null;
  /** Specialisation axes and their allowed values. */
  space: Record<string, readonly (number | boolean | string)[]>;
}

/** Every built-in kernel, with its variants and the name of its unfused twin. */
export function listKernels(): KernelSummary[] {
  return [...builtins.values()].map((d) => ({
    name: d.name,
    summary: d.summary,
    kind: d.kind,
    variants: d.variants ?? [],
    unfusedTwin: d.unfusedTwin ?? null,
    space: Object.fromEntries(Object.entries(d.space).map(([k, axis]) => [k, axis.values])),
  }));
}

/** The built-in declaration of a kernel (UnknownKernelError for a name no kernel has). */
export function builtinKernel(name: string): KernelDeclaration {
  const decl = builtins.get(name);
  if (!decl) throw new UnknownKernelError(name, [...builtins.keys()]);
  return decl;
}

// ---------------------------------------------------------------------------------------------------
// Overrides, per engine.

/** The declaration a name runs on this engine: its override if one is installed, else the built-in. */
export function kernelOn(engine: Engine, name: string): KernelDeclaration {
  return overrides.get(engine)?.get(name)?.decl ?? builtinKernel(name);
}

/** A replacement: WGSL text alone (the built-in's bindings, params and reference kept), or declaration parts. */
export type KernelOverride = string | WgslText | (Partial<KernelDeclaration> & { spec?: Specialisation });

interface Installed { decl: KernelDeclaration; spec: Specialisation | null }

const overrides = new WeakMap<Engine, Map<string, Installed>>();

function resolveOverride(name: string, override: KernelOverride): Installed {
  const base = builtinKernel(name);
  const parts = typeof override === 'string' ? { wgsl: { text: override, file: `${name}.override` } } : 'text' in override ? { wgsl: override as WgslText } : override;
  const { spec = null, ...rest } = parts as Partial<KernelDeclaration> & { spec?: Specialisation };
  const decl: KernelDeclaration = { ...base, ...rest, name };
  // A space of its own makes the built-in's choices meaningless: its defaults are the choice.
  if (rest.space) {
    if (!rest.shippedDefault) delete decl.shippedDefault;
    if (!rest.heuristic) decl.heuristic = () => defaultSpecialisation(decl);
    if (!rest.valid) delete decl.valid;
  }
  if (decl.wgsl) {
    // The bindings of the variant the text serves (some variants bind fewer buffers).
    const served = decl.wgslServes ? decl.shapes.find((c) => decl.wgslServes!({ ...defaultSpecialisation(decl), ...c.spec }, c.shape)) : undefined;
    const problems = checkWgslBindings(decl.wgsl.text, served ? bindingsOf(decl, served.shape) : decl.bindings);
    if (problems.length) throw new KernelBindingError(name, problems);
  }
  return { decl, spec };
}

/**
 * Replaces a built-in kernel on this engine (every later dispatch of it, by our binding functions too).
 * Returns a function that restores what was there before. The WGSL's bindings are checked against the
 * declaration now (KernelBindingError); a compile error surfaces at the next submit as ShaderCompileError.
 */
export function overrideKernel(engine: Engine, name: string, override: KernelOverride): () => void {
  const installed = resolveOverride(name, override);
  let map = overrides.get(engine);
  if (!map) overrides.set(engine, (map = new Map()));
  const previous = map.get(name);
  map.set(name, installed);
  return () => {
    if (previous) map.set(name, previous);
    else map.delete(name);
  };
}

/** Runs fn with the overrides installed, removing them afterwards (also when fn throws). */
export async function withKernelOverrides<T>(engine: Engine, kernels: Record<string, KernelOverride>, fn: () => T | Promise<T>): Promise<T> {
  const restores: (() => void)[] = [];
  try {
    for (const [name, override] of Object.entries(kernels)) restores.push(overrideKernel(engine, name, override));
    return await fn();
  } finally {
    for (const restore of restores.reverse()) restore();
  }
}

// ---------------------------------------------------------------------------------------------------
// Tuning hook: the tuning cache installs a provider; without one nothing is tuned.

export type TunedChoiceProvider = (engine: Engine, name: string, shapeClass: string) => Specialisation | null;

let tunedProvider: TunedChoiceProvider = () => null;

/** The tuned specialisation of a kernel for this engine's adapter and a shape class, or null. */
export function tunedChoice(engine: Engine, name: string, shapeClass: string): Specialisation | null {
  return tunedProvider(engine, name, shapeClass);
}

/** Installs the tuning cache's lookup (returns the previous provider, to restore it). */
export function setTunedChoiceProvider(provider: TunedChoiceProvider): TunedChoiceProvider {
  const previous = tunedProvider;
  tunedProvider = provider;
  return previous;
}

// ---------------------------------------------------------------------------------------------------
// Choosing and running.

export type ChoiceSource = 'pinned' | 'override' | 'tuned' | 'default' | 'heuristic';

export interface KernelChoice<Shape = unknown> {
  decl: KernelDeclaration<Shape>;
  spec: Specialisation;
  /** Which rule chose the specialisation. */
  source: ChoiceSource;
  /** Whether the WGSL is the built-in one or an override's text. */
  wgsl: 'builtin' | 'override';
}

/** The declaration, specialisation and the rule that chose them, for one call of a kernel on this engine. */
export function chooseKernel<Shape>(engine: Engine, name: string, shape: Shape, pin: Partial<Specialisation> = {}): KernelChoice<Shape> {
  const installed = overrides.get(engine)?.get(name);
  const decl = (installed?.decl ?? builtinKernel(name)) as KernelDeclaration<Shape>;
  let spec: Specialisation | null = null;
  let source: ChoiceSource = 'heuristic';
  if (installed?.spec) [spec, source] = [installed.spec, 'override'];
  // A tuned choice was measured on the built-in WGSL: it does not apply to a researcher's text.
  if (!spec && !decl.wgsl) {
    const tuned = tunedChoice(engine, name, decl.shapeClass(shape));
    if (tuned && (!decl.valid || decl.valid({ ...defaultSpecialisation(decl), ...tuned }, shape, engine))) [spec, source] = [{ ...defaultSpecialisation(decl), ...tuned }, 'tuned'];
  }
  if (!spec) {
    const shipped = decl.shippedDefault?.(engine, shape) ?? null;
    if (shipped) [spec, source] = [shipped, 'default'];
  }
  spec ??= decl.heuristic(engine, shape);
  if (Object.keys(pin).length) [spec, source] = [{ ...spec, ...pin } as Specialisation, 'pinned'];
  return { decl, spec, source, wgsl: decl.wgsl ? 'override' : 'builtin' };
}

export interface KernelRunRecord { name: string; spec: Specialisation; source: ChoiceSource; wgsl: 'builtin' | 'override'; shape: string }

const lastRuns = new WeakMap<Engine, Map<string, KernelRunRecord>>();

/** The last run of each kernel on this engine: its specialisation and which rule chose it. */
export function kernelRuns(engine: Engine): KernelRunRecord[] {
  return [...(lastRuns.get(engine)?.values() ?? [])];
}

/** Chooses (see chooseKernel), checks the specialisation against the space and records one dispatch. */
export function runKernel<Shape>(engine: Engine, name: string, call: Omit<KernelCall<Shape>, 'spec' | 'label'> & { pin?: Partial<Specialisation>; label?: string | ((spec: Specialisation) => string) }): KernelChoice<Shape> {
  const choice = chooseKernel(engine, name, call.shape, call.pin);
  if (choice.source !== 'default' && choice.source !== 'heuristic') checkSpecialisation(choice.decl, choice.spec, call.shape, engine);
  const label = typeof call.label === 'function' ? call.label(choice.spec) : call.label;
  recordKernel(engine, choice.decl, { ...call, label, spec: choice.spec });
  let runs = lastRuns.get(engine);
  if (!runs) lastRuns.set(engine, (runs = new Map()));
  runs.set(name, { name, spec: choice.spec, source: choice.source, wgsl: choice.wgsl, shape: choice.decl.describeShape(call.shape) });
  return choice;
}
