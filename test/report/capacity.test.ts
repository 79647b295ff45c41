// The report's capacity table: means over seeds per task and layer, only for runs that carry capacity.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { capacityMarkdown } from '../../src/report/capacity.ts';
import type { RunResult } from '../../src/eval/metrics.ts';

const run = (approach: string, seed: number, used: number[]): RunResult => ({
  benchmark: 'b', approach, seed, tasks: [{ name: 'a' }, { name: 'b' }] as RunResult['tasks'], accuracy: [[1], [1, 1]], maskUsage: [],
  capacity: approach === 'sgd' ? null : {
    smax: 400, threshold: 0.5,
    tasks: used.map((u, t) => ({ task: t, layers: [{ layer: 'fc1', units: 10, used: u, shared: t, claimed: u - t, free: 10 - u - t }] })),
    total: [{ layer: 'fc1', units: 10, used: 5, free: 5 }],
  },
});

test('capacity: one table per approach with capacity, means over seeds, nothing for runs without', () => {
  const md = capacityMarkdown([run('hat', 0, [2, 4]), run('hat', 1, [4, 6]), run('sgd', 0, [])], ['hat', 'sgd'], ['a', 'b']);
  assert.match(md, /## Capacity per task and layer/);
  assert.match(md, /### Capacity: hat \(units with σ\(400·e\) > 0\.5; mean over 2 seeds\)/);
  assert.match(md, /\| a \| fc1 \| 10 \| 3\.0 \| 0\.0 \| 3\.0 \| 7\.0 \|/);
  assert.match(md, /\| b \| fc1 \| 10 \| 5\.0 \| 1\.0 \| 4\.0 \| 4\.0 \|/);
  assert.not.match(md, /Capacity: sgd/);
  assert.is(capacityMarkdown([run('sgd', 0, [])], ['sgd'], ['a', 'b']), '');
});

test.run();
