// tuneKernel: for a declared kernel and a shape, search its specialisation space on this engine's device
// (search.ts), store the fastest correct choice in the adapter's tune cache, and return the entry. The
// choice is filed under the kernel's shape class, so every shape of that class uses it.
import type { Engine } from '../../src/runtime/engine.ts';
import type { ShaderSource } from '../../src/runtime/shaders.ts';
import type { KernelDeclaration, Specialisation } from '../../src/kernels/declaration.ts';
import { benchKernel } from '../lab/bench-kernel.ts';
import { resolveClock } from '../lab/sampler.ts';
import type { ClockChoice } from '../lab/work.ts';
import type { TuneCache } from './cache.ts';
import type { TuneEntry } from './format.ts';
import { canonicalJson } from './hash.ts';
import { searchCandidates } from './search.ts';
import { declarationSourceHash } from './source-hash.ts';
import { KernelTrial, outputsDiffer } from './trial.ts';
import { Rng } from '../../src/data/rng.ts';

export interface TuneOptions {
  cache: TuneCache;
  /** Where the kernels' WGSL comes from (Node: nodeShaderSource), for the source hash. */
  shaderSource: ShaderSource;
  /** Timing runs per candidate (the least counts). Default 3. */
  runs?: number;
  /** Budget of one timing run in ms. Default 150. */
  budgetMs?: number;
  clock?: ClockChoice;
  /** Seed of the random problem the candidates are checked on. Default 1. */
  seed?: number;
  /** Search again even when the cache has a current entry. */
  force?: boolean;
  /**
   * Wall-clock budget of the search in ms (default: none, the whole space). With one, the candidates
   * nearest the default come first (those that change one axis of it, then two, …; ties in a seeded
   * random order), so a budget too small for the space still explores every axis around what runs today.
   */
  searchBudgetMs?: number;
  log?: (line: string) => void;
}

/**
 * Invocations per workgroup of a specialisation, by the axes' names this library uses (`wg`, or
 * `wx`·`wy`·`wz`); null when it names none (then only compiling can tell).
 */
export function workgroupShape(spec: Specialisation): [number, number, number] | null {
  const n = (k: string) => (typeof spec[k] === 'number' ? (spec[k] as number) : 1);
  if (typeof spec.wg === 'number') return [spec.wg, 1, 1];
  if (['wx', 'wy', 'wz'].some((k) => typeof spec[k] === 'number')) return [n('wx'), n('wy'), n('wz')];
  return null;
}

export function overDeviceLimits(spec: Specialisation, limits: GPUSupportedLimits): string | null {
  const wg = workgroupShape(spec);
  if (!wg) return null;
  const [x, y, z] = wg;
  if (x * y * z > limits.maxComputeInvocationsPerWorkgroup) return `${x * y * z} invocations per workgroup, the device allows ${limits.maxComputeInvocationsPerWorkgroup}`;
  if (x > limits.maxComputeWorkgroupSizeX || y > limits.maxComputeWorkgroupSizeY || z > limits.maxComputeWorkgroupSizeZ) return `workgroup ${x}×${y}×${z} exceeds the device's per-dimension limits`;
  return null;
}

/** How many axes of `a` differ from `b`. */
function axesChanged(a: Specialisation, b: Specialisation): number {
  return Object.keys({ ...a, ...b }).reduce((n, k) => n + (a[k] === b[k] ? 0 : 1), 0);
}

/** The candidates ordered by how many axes they change from `baseline`, ties in a seeded random order. */
export function nearestFirst(candidates: readonly Specialisation[], baseline: Specialisation, seed: number): Specialisation[] {
  const shuffled = new Rng(seed).shuffle([...candidates]);
  const distance = new Map(shuffled.map((c) => [c, axesChanged(c, baseline)]));
  // Array.prototype.sort is stable, so the shuffle decides among equals.
  return shuffled.sort((a, b) => distance.get(a)! - distance.get(b)!);
}

export async function tuneKernel<Shape>(engine: Engine, decl: KernelDeclaration<Shape>, shape: Shape, o: TuneOptions): Promise<TuneEntry> {
  const log = o.log ?? (() => {});
  const shapeClass = decl.shapeClass(shape);
  const sourceHash = await declarationSourceHash(decl, shape, o.shaderSource);
  const cached = o.cache.get(decl.name, shapeClass);
  if (cached && cached.sourceHash === sourceHash && !o.force) {
    log(`${decl.name} ${shapeClass}: tuned before (${o.cache.location}); --force to search again`);
    return cached;
  }
  const baseline = decl.shippedDefault?.(engine, shape) ?? decl.heuristic(engine, shape);
  const clock = resolveClock(engine, o.clock ?? 'auto');
  const trial = new KernelTrial(engine, decl, shape, o.seed ?? 1);
  try {
    const all = trial.workload.candidatesOn(engine);
    const budgeted = o.searchBudgetMs !== undefined;
    const candidates = budgeted ? nearestFirst(all, baseline, o.seed ?? 1) : all;
    log(`${decl.name} ${decl.describeShape(shape)} (class ${shapeClass}): ${all.length} candidates on ${clock}${budgeted ? `, a search budget of ${(o.searchBudgetMs! / 1000).toFixed(0)} s (nearest the default first)` : ''}`);
    const expected = await trial.run(baseline);
    const tolerance = decl.tolerance(shape);
    const outcome = await searchCandidates<Specialisation>({
      baseline,
      candidates,
      key: canonicalJson,
      prune: (spec) => overDeviceLimits(spec, engine.limits),
      check: async (spec) => outputsDiffer(await trial.run(spec), expected, tolerance),
      time: async (spec) => (await benchKernel(engine, trial.work(spec), { clock, budgetMs: o.budgetMs ?? 150, warmupMs: 0, minSamples: 3 })).stats.median,
      runs: o.runs ?? 3,
      ...(budgeted ? { budgetMs: o.searchBudgetMs } : {}),
      log,
    });
    const entry: TuneEntry = {
      kernel: decl.name,
      shapeClass,
      shape,
      sourceHash,
      choice: outcome.best,
      baseline,
      ratioToBaseline: outcome.bestMs / outcome.baselineMs,
      clock,
      timings: outcome.timings.map((t) => ({ spec: t.candidate, ms: t.ms })),
      rejected: outcome.rejected.map((r) => ({ spec: r.candidate, reason: r.reason })),
      search: { candidates: outcome.candidates, untried: outcome.untried, budgetMs: o.searchBudgetMs ?? null },
      date: new Date().toISOString(),
    };
    await o.cache.put(entry);
    const partial = outcome.untried ? ` (best of the ${outcome.candidates - outcome.untried} of ${outcome.candidates} candidates the budget reached)` : '';
    log(`${decl.name} ${shapeClass}: ${canonicalJson(entry.choice)}, ${entry.ratioToBaseline.toFixed(3)}× the default's time${partial}; stored in ${o.cache.location}`);
    return entry;
  } finally {
    await engine.submit();
    trial.destroy();
  }
}
