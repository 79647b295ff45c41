// The schema: every TrainConfig key described once with today's defaults, per-approach values as the
// reference sets them, ranges checked by resolveTrainConfig with the key and the range in the message,
// and src/config/ importing nothing from the rest of src and no Node built-ins (the browser bundle uses it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPROACHES, APPROACH_DEFAULTS, APPROACH_SETTINGS, BENCH_SUITES, CONFIG_SETTINGS, DEFAULT_CONFIG, REFERENCE_CLIP, RUN_SETTINGS, TRAIN_SECTIONS, TRAIN_SETTINGS,
  resolveApproachOptions, resolveTrainConfig, type Approach, type TrainConfig,
} from '../../src/config/index.ts';
import * as trainConfig from '../../src/config/train-config.ts';
import { DEFAULT_FASHION_DIR } from '../../src/data/tasks.ts';
import { ROOT } from '../faults/_cli.ts';
import { throwsUsage } from '../helpers.ts';


test('DEFAULT_CONFIG: every setting with the reference value', () => {
  assert.equal(DEFAULT_CONFIG, {
    approach: 'hat', net: 'mlp', hidden: [2000, 2000], width: 64, epochs: 200, batch: 64, lr: 0.05, lrMin: 1e-4, lrFactor: 3,
    patience: 5, smax: 400, c: 0.75, clipNorm: 10000, embeddingClamp: 6, sSchedule: 'linear', embeddingInit: 'normal', maskThreshold: 0.5,
    seed: 0, fused: true, dropout: true, logEvery: 10,
  });
  assert.equal(Object.keys(CONFIG_SETTINGS).sort(), Object.keys(DEFAULT_CONFIG).sort());
  assert.is.not(DEFAULT_CONFIG.hidden, CONFIG_SETTINGS.hidden.default, 'DEFAULT_CONFIG shares no array with the schema');
  assert.equal(trainConfig.APPROACHES, APPROACHES);
});

test('per-approach values: APPROACH_DEFAULTS and REFERENCE_CLIP as the reference sets them', () => {
  assert.equal(APPROACH_DEFAULTS, {
    ewc: { lambda: 5000 }, 'imm-mean': { lambda: 1e-4 }, 'imm-mode': { lambda: 0.01 }, lwf: { lambda: 2, T: 1, eps: 1e-5 }, lfl: { lambda: 0.05 },
    pathnet: { modules: 16, active: 3, generations: 20, paths: 2 }, adahat: { adjustmentIntensity: 1e-6, epsilon: 0.1 },
  });
  assert.equal(REFERENCE_CLIP, { ewc: 100, 'imm-mean': 10000, 'imm-mode': 1000, lwf: 100, lfl: 200, pathnet: 1000, progressive: 10000 });
  for (const a of APPROACHES) assert.is(resolveTrainConfig({ approach: a }).clipNorm, (REFERENCE_CLIP as Partial<Record<Approach, number>>)[a] ?? 10000, a);
  assert.is(resolveTrainConfig({ approach: 'lfl', clipNorm: 5 }).clipNorm, 5);
});

test('every flag once, in one section of train --help', () => {
  const flags = TRAIN_SETTINGS.map((s) => s.flag);
  assert.is(new Set(flags).size, flags.length, `duplicate flags: ${flags}`);
  const shown = TRAIN_SECTIONS.flatMap((s) => s.settings);
  assert.is(shown.length, TRAIN_SETTINGS.length);
  for (const s of TRAIN_SETTINGS) assert.ok(shown.includes(s), `--${s.flag} in no section`);
});

test('applicability: lambda the penalty baselines, temperature lwf, the search pathnet, smax and c hat', () => {
  assert.equal(APPROACH_SETTINGS.lambda.appliesTo, ['ewc', 'imm-mean', 'imm-mode', 'lwf', 'lfl']);
  assert.equal(APPROACH_SETTINGS.temperature.appliesTo, ['lwf']);
  for (const k of ['modules', 'active', 'generations', 'paths'] as const) assert.equal(APPROACH_SETTINGS[k].appliesTo, ['pathnet'], k);
  for (const k of ['smax', 'c', 'embeddingClamp', 'sSchedule', 'embeddingInit', 'maskThreshold'] as const) assert.equal(CONFIG_SETTINGS[k].appliesTo, ['hat', 'adahat'], k);
  for (const k of ['adjustmentIntensity', 'epsilon'] as const) assert.equal(APPROACH_SETTINGS[k].appliesTo, ['adahat'], k);
  assert.is(CONFIG_SETTINGS.clipNorm.appliesTo, undefined);
  assert.equal(resolveApproachOptions('ewc'), { lambda: 5000 });
  assert.equal(resolveApproachOptions('lwf', { temperature: 2 }), { lambda: 2, temperature: 2 });
  assert.equal(resolveApproachOptions('pathnet', { generations: 4 }), { generations: 4, modules: 16, active: 3, paths: 2 });
  assert.equal(resolveApproachOptions('hat'), {});
  throwsUsage(() => resolveApproachOptions('hat', { lambda: 1 }), /^lambda: only ewc, imm-mean, imm-mode, lwf, lfl have it \(the approach is hat\)$/);
  throwsUsage(() => resolveApproachOptions('ewc', { temperature: 2 }), /^temperature: only lwf has it \(the approach is ewc\)$/);
  throwsUsage(() => resolveApproachOptions('pathnet', { modules: 2 }), /^active: a path takes 3 modules per layer, more than the 2 there are \(modules\)$/);
  throwsUsage(() => resolveApproachOptions('ewc', { lambda: 0 }), /^lambda: expected a positive number, got 0$/);
  throwsUsage(() => resolveApproachOptions('ewc', { lamda: 1 } as never), /^lamda: unknown approach option \(known: lambda, temperature/);
});

test('resolveTrainConfig: fills defaults, keeps what is given, names the key and the range of a bad value', () => {
  const c = resolveTrainConfig({ hidden: [8], epochs: 2, seed: 3 });
  assert.equal(c, { ...DEFAULT_CONFIG, hidden: [8], epochs: 2, seed: 3 });
  assert.equal(resolveTrainConfig(), DEFAULT_CONFIG);
  const bad: [Partial<TrainConfig>, RegExp][] = [
    [{ lr: 0 }, /^lr: expected a positive number, got 0$/],
    [{ lr: Number.NaN }, /^lr: expected a positive number, got null$/],
    [{ epochs: 1.5 }, /^epochs: expected an integer ≥ 1, got 1\.5$/],
    [{ epochs: 0 }, /^epochs: expected an integer ≥ 1, got 0$/],
    [{ batch: '64' as never }, /^batch: expected an integer ≥ 1, got "64"$/],
    [{ c: -0.1 }, /^c: expected a positive number, got -0\.1$/],
    [{ lrFactor: 1 }, /^lrFactor: expected a number > 1, got 1$/],
    [{ seed: -1 }, /^seed: expected an integer ≥ 0 and ≤ 9007199254740991, got -1$/],
    [{ hidden: [] }, /^hidden: expected a non-empty list, each an integer ≥ 1, got \[\]$/],
    [{ hidden: [400, 0] }, /^hidden: expected a non-empty list, each an integer ≥ 1, got \[400,0\]$/],
    [{ approach: 'ewk' as Approach }, /^approach: unknown approach "ewk" \(hat \| adahat \| sgd \| sgd-frozen/],
    [{ net: 'resnet' as 'mlp' }, /^net: unknown network "resnet" \(mlp \| alexnet \| resnet18\)$/],
    [{ fused: 'yes' as never }, /^fused: expected true or false, got "yes"$/],
    [{ clip: 5 } as never, /^clip: unknown TrainConfig key \(known: approach, net, width, hidden/],
  ];
  for (const [partial, text] of bad) throwsUsage(() => resolveTrainConfig(partial), text);
  c.hidden.push(1);
  assert.equal(resolveTrainConfig().hidden, [2000, 2000], 'a resolved config shares no array with the defaults');
});

test('every documented range admits its default', () => {
  for (const [key, s] of Object.entries(CONFIG_SETTINGS)) assert.not.throws(() => resolveTrainConfig({ [key]: s.default }), key);
  for (const a of APPROACHES) assert.not.throws(() => resolveApproachOptions(a), a);
});

test('what the schema repeats from elsewhere matches it (the data folder, the bench suites)', async () => {
  assert.is(RUN_SETTINGS.fashionDir.defaultText, DEFAULT_FASHION_DIR);
  const bench = await import('../../bench/index.ts');
  assert.equal([...BENCH_SUITES], [...bench.SUITES]);
});

test('src/config/ imports only src/config/ and no Node built-ins', () => {
  const dir = join(ROOT, 'src/config');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      assert.ok(/^\.\/[\w-]+\.ts$/.test(spec), `src/config/${file} imports ${spec}`);
    }
  }
});

test.run();
