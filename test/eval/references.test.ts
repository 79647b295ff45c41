// FWT's single-task references: each task trained alone gives one accuracy per task, a results folder
// caches them per seed and trains again only when the tasks or settings change; the results JSON then
// carries forward transfer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEngine } from '../helpers.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import { cachedSingleTaskReferences, referencesPath, resultsJson } from '../../src/cli/results.ts';
import { forwardTransfer } from '../../src/eval/accuracy-metrics.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';

test('references are trained once per seed, cached, reused, and trained again for other settings', async () => {
  const engine = await getEngine();
  const dir = mkdtempSync(join(tmpdir(), 'webgpu-hat-references-'));
  try {
    const tasks = clusterTasks(2, 5);
    const config = smallConfig({ approach: 'sgd', epochs: 2, seed: 3 });
    const made = await cachedSingleTaskReferences({ dir, engine, tasks, config });
    assert.is(made.approach, 'sgd');
    assert.equal(made.tasks, tasks.map((t) => t.name));
    assert.is(made.accuracy.length, 2);
    assert.ok(made.accuracy.every((a) => a > 0.8), `each task alone is learned: ${made.accuracy.join(', ')}`);
    const path = referencesPath(dir, 3);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')), made);
    // A cached file is read, not trained again: a marked value comes back as it was written.
    writeFileSync(path, JSON.stringify({ ...made, accuracy: [0.5, 0.25] }));
    assert.equal((await cachedSingleTaskReferences({ dir, engine, tasks, config })).accuracy, [0.5, 0.25]);
    // Other settings: trained again and overwritten.
    const again = await cachedSingleTaskReferences({ dir, engine, tasks, config: { ...config, epochs: 1 } });
    assert.is(again.settings.epochs, 1);
    assert.not.equal(again.accuracy, [0.5, 0.25]);
    // The results JSON of a run on the same tasks carries the references and FWT.
    const trainer = createTrainer(engine, tasks, { ...config, approach: 'hat' });
    try {
      const r = await trainer.run();
      const json = resultsJson('clusters', trainer.config, tasks, r, engine, made.accuracy);
      assert.equal(json.singleTaskAccuracy, made.accuracy);
      assert.is(json.metrics.taskAware.fwt, forwardTransfer(r.accuracy, made.accuracy));
      assert.is(json.metrics.taskAgnostic!.fwt, forwardTransfer(r.accuracyTaskAgnostic, made.accuracy));
      assert.is(resultsJson('clusters', trainer.config, tasks, r, engine).metrics.taskAware.fwt, null, 'no references: no FWT');
    } finally {
      trainer.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
