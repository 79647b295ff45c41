// A sweep's plan, without Redis: GRID.json crossed per approach (keys that do not apply to an approach
// are not crossed with it), ids that are the hash of the resolved configuration whatever the key order,
// the schema's checks on every value and key, the data root's refusals, and selection on validation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../src/eval/metrics.ts';
import { DataRootError, confineToDataRoot } from '../../src/sweep/data-root.ts';
import { planFromGrid } from '../../src/sweep/grid.ts';
import { summariseSettings, validationScore } from '../../src/sweep/select.ts';
import { runId, validateRunSpec, type RunSpec } from '../../src/sweep/spec.ts';
import { tempDir, writeTinySequence } from './_fixtures.ts';
import { throwsUsage } from '../helpers.ts';


const grid = { benchmark: 'split-mnist', approaches: ['hat', 'ewc'], grid: { lambda: [0.5, 1], smax: [100, 400] }, seeds: [0, 1], train: { hidden: [8, 8], epochs: 1 } };

test('a grid key is crossed only with the approaches it applies to', () => {
  const plan = planFromGrid(grid);
  assert.is(plan.runs.length, 8);
  const labels = (a: string) => [...new Set(plan.runs.filter((r) => r.spec.approach === a).map((r) => r.label))];
  assert.equal(labels('hat'), ['smax=100', 'smax=400']);
  assert.equal(labels('ewc'), ['lambda=0.5', 'lambda=1']);
  assert.equal(plan.runs.map((r) => r.spec.seed), [0, 0, 0, 0, 1, 1, 1, 1], 'seed by seed');
  assert.is(new Set(plan.runs.map((r) => r.id)).size, 8);
  const ewc = plan.runs.find((r) => r.spec.approach === 'ewc')!;
  assert.equal(ewc.spec.config!.hidden, [8, 8]);
  assert.is(ewc.spec.config!.clipNorm, 100, "ewc keeps the reference's own gradient clip");
  assert.ok(/^[0-9a-f]{64}$/.test(ewc.id));
});

test('ids hash the resolved configuration: key order and defaults written out change nothing', () => {
  const a = planFromGrid(grid).runs.map((r) => r.id);
  const reordered = { seeds: [0, 1], train: { epochs: 1, hidden: [8, 8], lr: 0.05 }, grid: { smax: [100, 400], lambda: [0.5, 1] }, approaches: ['hat', 'ewc'], benchmark: 'split-mnist' };
  assert.equal(new Set(planFromGrid(reordered).runs.map((r) => r.id)), new Set(a));
  const spec = planFromGrid(grid).runs[0]!.spec;
  const shuffled = Object.fromEntries(Object.entries(spec).reverse()) as unknown as RunSpec;
  assert.is(runId(shuffled), runId(spec));
});

test('per-approach grids, flags as keys, one setting per approach without a grid', () => {
  const plan = planFromGrid({ approaches: ['hat', 'ewc', 'random'], seeds: '0-1', grid: { ewc: { lambda: [1, 2] }, 'lr-min': [0.01, 0.001] }, train: { 'no-dropout': true } });
  const settings = (a: string) => new Set(plan.runs.filter((r) => r.spec.approach === a).map((r) => r.settingId)).size;
  assert.is(settings('ewc'), 4);
  assert.is(settings('hat'), 2);
  assert.is(settings('random'), 1);
  assert.is(plan.runs.find((r) => r.spec.approach === 'hat')!.spec.config!.dropout, false);
  assert.is(plan.runs.find((r) => r.spec.approach === 'hat')!.spec.config!.lrMin, 0.01);
});

test('unknown keys, settings an approach lacks and values out of range are named', () => {
  throwsUsage(() => planFromGrid({ ...grid, grid: { lamda: [1] } }), 'grid.lamda', 'unknown setting');
  throwsUsage(() => planFromGrid({ ...grid, grdi: {} }), 'grdi', 'unknown key');
  throwsUsage(() => planFromGrid({ ...grid, grid: { hat: { lambda: [1] } } }), 'grid.hat.lambda', 'only');
  throwsUsage(() => planFromGrid({ ...grid, grid: { lambda: [-1] } }), 'grid.lambda[0]', 'positive number');
  throwsUsage(() => planFromGrid({ ...grid, train: { seed: 3 } }), 'use "approaches" and "seeds"');
  throwsUsage(() => planFromGrid({ ...grid, approaches: ['hat', 'ewk'] }), 'unknown approach "ewk"');
});

test('a job is checked like flags: unknown settings and keys, mismatched approach, bad values', () => {
  const spec = planFromGrid(grid).runs[0]!.spec;
  throwsUsage(() => validateRunSpec({ ...spec, config: { ...spec.config, bogus: 1 } }), 'bogus', 'unknown TrainConfig key');
  throwsUsage(() => validateRunSpec({ ...spec, out: '/tmp/x' }), 'out', 'unknown run key');
  throwsUsage(() => validateRunSpec({ ...spec, approachOptions: { generations: 3 } }), 'generations', 'only pathnet');
  throwsUsage(() => validateRunSpec({ ...spec, config: { ...spec.config, epochs: 0 } }), 'epochs');
  throwsUsage(() => validateRunSpec({ ...spec, approach: 'ewc' }), 'config.approach');
  assert.equal(validateRunSpec(JSON.parse(JSON.stringify(spec))), spec);
});

test('the data root: files outside it, through a link or named by the sequence file, are refused by name', () => {
  const root = tempDir('sweep-root');
  const outside = tempDir('sweep-outside');
  writeTinySequence(root);
  writeTinySequence(outside);
  const spec = (benchmark: string): RunSpec => ({ ...planFromGrid(grid).runs[0]!.spec, benchmark });
  assert.is(confineToDataRoot(spec('seq.json'), root).benchmark, join(root, 'seq.json'));
  const refused = (s: RunSpec, r: string | undefined, fragment: string) => {
    try {
      confineToDataRoot(s, r);
    } catch (e) {
      assert.ok(e instanceof DataRootError, `a DataRootError, got ${(e as Error).message}`);
      assert.ok((e as Error).message.includes(fragment), (e as Error).message);
      return;
    }
    assert.unreachable(`refused: ${s.benchmark}`);
  };
  refused(spec(join(outside, 'seq.json')), root, 'outside the data root');
  refused(spec('../' + outside.split('/').pop() + '/seq.json'), root, 'outside the data root');
  refused(spec('seq.json'), undefined, 'reads no files');
  symlinkSync(outside, join(root, 'link'));
  refused(spec('link/seq.json'), root, 'outside the data root');
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'seq.json'), JSON.stringify({ name: 'x', tasks: [{ dataset: { format: 'idx', train: { images: join(outside, 'train-images'), labels: 'l' }, test: { images: 'i', labels: 'l' } } }] }));
  refused(spec('sub/seq.json'), root, 'tasks[0].dataset.train file');
  assert.is(confineToDataRoot(spec('split-mnist'), undefined).benchmark, 'split-mnist', 'built-in benchmarks read no job-named files');
});

test("selection on validation: each task's kept epoch, mean over seeds, best per approach", () => {
  const run = (valid: number[][], seed: number): RunResult => ({
    benchmark: 'b', approach: 'hat', seed, tasks: valid.map((_, i) => ({ name: `t${i}`, classes: [0], nTrain: 1, nValid: 1, nTest: 1 })),
    accuracy: valid.map((_, t) => valid.slice(0, t + 1).map(() => 0.5)), maskUsage: [],
    // The second epoch of each task improved; the third did not: the second is kept.
    epochs: valid.flatMap((v, task) => v.map((validAccuracy, epoch) => ({ task, epoch, validAccuracy, improved: epoch < 2 }))),
  });
  assert.is(validationScore(run([[0.5, 0.7, 0.9], [0.6, 0.8, 0.1]], 0)), 0.75);
  const plan = planFromGrid({ approaches: ['hat'], grid: { smax: [1, 2] }, seeds: [0, 1] });
  const results = new Map<string, RunResult>();
  for (const r of plan.runs) results.set(r.id, run([[0.1, r.label === 'smax=2' ? 0.9 : 0.8, 1]], r.spec.seed));
  const settings = summariseSettings(plan.runs, results, new Map());
  assert.equal(settings.filter((s) => s.selected).map((s) => s.label), ['smax=2']);
  results.delete(plan.runs.find((r) => r.label === 'smax=2')!.id);
  assert.equal(summariseSettings(plan.runs, results, new Map()).filter((s) => s.selected).map((s) => s.label), ['smax=1'], 'a setting with a missing seed is not selected');
});

test.run();
