// GRID.json as a sweep plan: every approach crossed with the grid's axes that apply to it (the schema's
// appliesTo) and with every seed. Keys are the schema's setting keys ("lrMin") or flags ("lr-min");
// every value is checked by the schema, and an unknown key is an error naming it. docs/sweeps.md is the
// reference.
import {
  APPROACHES, APPROACH_SETTINGS, BENCHMARKS, CONFIG_SETTINGS, COMPARE_SETTINGS, PRESETS, RUN_SETTINGS, UsageError, appliesTo, checkValue, parseFlag,
  type Setting,
} from '../config/index.ts';
import { bySeed, plannedRun, type PlannedRun, type SweepPlan } from './plan.ts';
import type { SweepApproach } from './spec.ts';

const GRID_KEYS = ['benchmark', 'tasks', 'fashionDir', 'approaches', 'seeds', 'grid', 'train', 'paper'];

interface SettingRef {
  table: 'config' | 'options';
  key: string;
  setting: Setting;
  /** Named by a negated flag ("unfused"): the value is the setting's opposite. */
  negate: boolean;
}

/** A grid or train key as a setting: by key or by flag; approach and seed have their own fields. */
function findSetting(name: string, where: string): SettingRef {
  if (name === 'approach' || name === 'seed') throw new UsageError(`${where}.${name}: use "approaches" and "seeds"`);
  for (const [table, settings] of [['config', CONFIG_SETTINGS], ['options', APPROACH_SETTINGS]] as const) {
    for (const [key, s] of Object.entries(settings) as [string, Setting][]) {
      if (key === name) return { table, key, setting: s, negate: false };
      if (s.flag === name) return { table, key, setting: s, negate: Boolean(s.negated) };
    }
  }
  const known = [...Object.keys(CONFIG_SETTINGS), ...Object.keys(APPROACH_SETTINGS)].filter((k) => k !== 'approach' && k !== 'seed');
  throw new UsageError(`${where}.${name}: unknown setting (known: ${known.join(', ')}, or their flags)`);
}

function checked(ref: SettingRef, value: unknown, label: string): unknown {
  const v = checkValue(ref.setting, value, label);
  return ref.negate ? !v : v;
}

interface Axis {
  ref: SettingRef;
  /** As written in GRID.json, for the setting's label. */
  name: string;
  values: unknown[];
}

function axis(name: string, values: unknown, where: string): Axis {
  const ref = findSetting(name, where);
  if (!Array.isArray(values) || values.length === 0) throw new UsageError(`${where}.${name}: expected a non-empty list of values, got ${JSON.stringify(values)}`);
  return { ref, name, values: values.map((v, i) => checked(ref, v, `${where}.${name}[${i}]`)) };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** Every combination of the axes' values, the first axis slowest. */
function product(axes: readonly Axis[]): { axis: Axis; value: unknown }[][] {
  return axes.reduce<{ axis: Axis; value: unknown }[][]>((combos, a) => combos.flatMap((c) => a.values.map((value) => [...c, { axis: a, value }])), [[]]);
}

function formatValue(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** `file`'s text (GRID.json) as the runs of the sweep. */
export function planFromGrid(json: unknown, file = 'GRID.json'): SweepPlan {
  if (!isObject(json)) throw new UsageError(`${file}: expected an object`);
  for (const key of Object.keys(json)) if (!GRID_KEYS.includes(key)) throw new UsageError(`${file}: ${key}: unknown key (known: ${GRID_KEYS.join(', ')})`);

  const benchmark = json.benchmark === undefined ? RUN_SETTINGS.benchmark.default! : checkValue(RUN_SETTINGS.benchmark, json.benchmark, `${file}: benchmark`);
  if (!(BENCHMARKS as readonly string[]).includes(benchmark) && !benchmark.endsWith('.json')) {
    throw new UsageError(`${file}: benchmark: unknown benchmark "${benchmark}" (${[...BENCHMARKS, 'FILE.json'].join(' | ')})`);
  }
  const tasks = json.tasks === undefined ? RUN_SETTINGS.tasks.default! : checkValue(RUN_SETTINGS.tasks, json.tasks, `${file}: tasks`);
  const fashionDir = json.fashionDir === undefined ? undefined : checkValue(RUN_SETTINGS.fashionDir, json.fashionDir, `${file}: fashionDir`);
  if (json.approaches === undefined) throw new UsageError(`${file}: approaches: required (a list of ${[...APPROACHES, 'random'].join(' | ')})`);
  const approaches = [...new Set(checkValue(COMPARE_SETTINGS.approaches, json.approaches, `${file}: approaches`))] as SweepApproach[];
  const seeds = json.seeds === undefined ? COMPARE_SETTINGS.seeds.default!
    : typeof json.seeds === 'string' ? parseFlag(COMPARE_SETTINGS.seeds, json.seeds)
    : [...new Set(checkValue(COMPARE_SETTINGS.seeds, json.seeds, `${file}: seeds`))];
  const paper = json.paper === undefined ? false : checkValue(RUN_SETTINGS.paper, json.paper, `${file}: paper`);

  if (json.train !== undefined && !isObject(json.train)) throw new UsageError(`${file}: train: expected an object of settings`);
  const fixed = Object.entries(json.train ?? {}).map(([name, value]) => {
    const ref = findSetting(name, `${file}: train`);
    return { ref, value: checked(ref, value, `${file}: train.${name}`) };
  });

  if (json.grid !== undefined && !isObject(json.grid)) throw new UsageError(`${file}: grid: expected an object of lists (or of approaches' objects of lists)`);
  const shared: Axis[] = [];
  const own = new Map<string, Axis[]>();
  for (const [name, values] of Object.entries(json.grid ?? {})) {
    if ((APPROACHES as readonly string[]).includes(name) || name === 'random') {
      if (!isObject(values)) throw new UsageError(`${file}: grid.${name}: expected an object of lists for ${name}`);
      if (!approaches.includes(name as SweepApproach)) throw new UsageError(`${file}: grid.${name}: ${name} is not in approaches`);
      own.set(name, Object.entries(values).map(([k, v]) => axis(k, v, `${file}: grid.${name}`)));
    } else {
      shared.push(axis(name, values, `${file}: grid`));
    }
  }

  const runs: PlannedRun[] = [];
  for (const approach of approaches) {
    const mine = own.get(approach) ?? [];
    if (approach === 'random') {
      if (mine.length) throw new UsageError(`${file}: grid.random: random has no settings`);
      for (const seed of seeds) runs.push(plannedRun({ benchmark, approach, config: null, approachOptions: {}, seed, tasks, ...(fashionDir ? { fashionDir } : {}) }, 'defaults'));
      continue;
    }
    for (const a of mine) {
      if (!appliesTo(a.ref.setting, approach)) throw new UsageError(`${file}: grid.${approach}.${a.name}: only ${(a.ref.setting.appliesTo ?? []).join(', ')} ${a.ref.setting.appliesTo?.length === 1 ? 'has' : 'have'} it`);
    }
    // An approach's own axis replaces a shared axis of the same setting; a shared axis that does not
    // apply to the approach is not crossed with it.
    const axes = [...shared.filter((a) => appliesTo(a.ref.setting, approach) && !mine.some((m) => m.ref.key === a.ref.key)), ...mine];
    for (const combo of product(axes)) {
      const config: Record<string, unknown> = { ...(paper ? PRESETS.paper : PRESETS.quick) };
      const options: Record<string, unknown> = {};
      for (const { ref, value } of [...fixed.filter((f) => appliesTo(f.ref.setting, approach)), ...combo.map((c) => ({ ref: c.axis.ref, value: c.value }))]) {
        (ref.table === 'config' ? config : options)[ref.key] = structuredClone(value);
      }
      const label = combo.length ? combo.map((c) => `${c.axis.name}=${formatValue(c.axis.ref.negate ? !c.value : c.value)}`).join(' ') : 'defaults';
      for (const seed of seeds) {
        try {
          runs.push(plannedRun({ benchmark, approach, config: { ...config, approach, seed }, approachOptions: options, seed, tasks, ...(fashionDir ? { fashionDir } : {}) }, label));
        } catch (e) {
          if (e instanceof UsageError) throw new UsageError(`${file}: ${approach} ${label}: ${e.message}`);
          throw e;
        }
      }
    }
  }
  return { benchmark, approaches, seeds, runs: bySeed(runs) };
}
