// The task-inference kernel's two declarations against the float64 reference over their sweeps: 1 to 257
// rows (and a grid of 70,000 workgroups), tasks of 1 to 100 classes, each of the four scores; the chosen
// task and class (task-inference-scores) and the flags against a true task and labels
// (task-inference-flags). test/eval/task-inference.test.ts checks the scores' choices on built cases.
import { test } from 'uvu';
import { getEngine } from '../helpers.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';

for (const name of ['task-inference-scores', 'task-inference-flags']) {
  test(`${name} agrees with its float64 reference over its sweep (checkKernel)`, async () => {
    await assertKernel(await getEngine(), name);
  });
}

test.run();
