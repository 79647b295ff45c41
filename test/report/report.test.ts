// The comparison report: the numbers in its Markdown table and CSV, and well-formed SVG with one line
// per approach (and per layer for the mask usage).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildReport, forgettingCsv } from '../../src/report/report.ts';
import { forgettingOverSeeds, type RunResult } from '../../src/eval/metrics.ts';
import { runMetrics } from '../../src/eval/accuracy-metrics.ts';
import { assertClose } from '../helpers.ts';
import { checkXml } from '../chart/xml.ts';

const tasks = ['mnist-0/1', 'mnist-2/3', 'mnist-<4&5>'].map((name, t) => ({ name, classes: [2 * t, 2 * t + 1], nTrain: 10, nValid: 2, nTest: 5 }));
const run = (approach: string, seed: number, accuracy: number[][], maskUsage: number[][] = accuracy.map(() => [0, 0])): RunResult =>
  ({ benchmark: 'toy', approach, seed, tasks, accuracy, maskUsage });
const AR = [[0.5], [0.5, 0.5], [0.5, 0.5, 0.25]];
const AJ = [[0.9], [0.9, 0.8], [0.9, 0.8, 0.85]];
const A0 = [[0.9], [0.7, 0.8], [0.6, 0.65, 0.85]]; // rho −0, −0.25, −0.41667 (metrics.test.ts)
const A1 = [[0.9], [0.5, 0.8], [0.5, 0.5, 0.85]]; // rho 0, −0.5, −0.66667
const runs = [
  run('sgd', 0, A0), run('sgd', 1, A1),
  run('hat', 0, AJ, [[0.4, 0.5], [0.6, 0.7], [0.8, 0.9]]), run('hat', 1, AJ, [[0.2, 0.3], [0.4, 0.5], [0.6, 0.7]]),
  run('ewc', 0, A0),
  run('joint', 0, AJ), run('joint', 1, AJ),
  run('random', 0, AR, [[], [], []]),
];

test('the table and CSV carry rho mean ± 95 % half-width per approach and number of tasks', () => {
  const r = buildReport(runs, { order: ['hat', 'sgd'] });
  assert.equal(r.approaches.map((a) => a.approach), ['hat', 'sgd', 'ewc', 'joint', 'random']);
  assert.is(r.rhoMissing, null);
  // sgd: two seeds; half-width t(0.975, 1) · |difference| / 2 = 12.706205 · 0.25 / 2 = 1.588.
  assert.ok(r.markdown.includes('| sgd | 2 | 0.000 ± 0.000 | −0.375 ± 1.588 | −0.542 ± 1.588 |'), r.markdown);
  assert.ok(r.markdown.includes('| hat | 2 | 0.000 ± 0.000 | 0.000 ± 0.000 | 0.000 ± 0.000 |'));
  assert.ok(r.markdown.includes('| ewc | 1 | 0.000 | −0.250 | −0.417 |'), 'one seed: the mean alone');
  assert.ok(!/\| (joint|random) \| \d/.test(r.markdown.split('## Forgetting ratio')[1]!.split('## Accuracy')[0]!), 'joint and random are the references, not rows of rho');
  const rows = r.csv.trim().split('\n');
  assert.is(rows[0], 'approach,tasks_learned,rho_mean,rho_half95,rho_low95,rho_high95,seeds');
  const sgd = rows.filter((l) => l.startsWith('sgd,')).map((l) => l.split(','));
  assert.is(sgd.length, 3);
  assertClose(sgd.map((c) => Number(c[2])), [0, -0.375, (-1.25 / 3 - 2 / 3) / 2], 'csv means', { rtol: 1e-12, atol: 1e-12 });
  assertClose(sgd.map((c) => Number(c[3])), [0, 12.706205 * 0.125, 12.706205 * 0.125], 'csv half-widths', { rtol: 1e-9, atol: 1e-12 });
  assertClose([Number(sgd[1]![4]), Number(sgd[1]![5])], [-0.375 - 12.706205 * 0.125, -0.375 + 12.706205 * 0.125], 'csv bounds', { rtol: 1e-9, atol: 0 });
  assert.equal(rows.find((l) => l.startsWith('ewc,3,'))!.split(',').slice(3, 7), ['', '', '', '1']);
  // Same numbers as the metric itself.
  const direct = forgettingOverSeeds(runs.filter((x) => x.approach === 'sgd'), runs.filter((x) => x.approach === 'joint'), runs.filter((x) => x.approach === 'random'));
  assert.equal(forgettingCsv(r.approaches.filter((a) => a.approach === 'sgd')).trim().split('\n').slice(1).map((l) => Number(l.split(',')[2])), direct.map((d) => d.mean));
  // Accuracy tables: the seed mean, in %, blank above the diagonal.
  assert.ok(r.markdown.includes('| mnist-0/1 | 90.0 |  |  |'));
  assert.ok(r.markdown.includes('| mnist-&lt;4&amp;5&gt; |') === false && r.markdown.includes('| mnist-<4&5> | 55.0 | 57.5 | 85.0 |'), 'sgd final row, mean of seeds');
});

test('without joint or random runs the report says why and still has the accuracy tables', () => {
  const r = buildReport(runs.filter((x) => x.approach !== 'joint'));
  assert.match(r.rhoMissing!, /no joint runs/);
  assert.is(r.svg.forgetting, null);
  assert.ok(r.markdown.includes('No forgetting ratio: no joint runs'));
  assert.is(r.csv, 'approach,tasks_learned,rho_mean,rho_half95,rho_low95,rho_high95,seeds\n');
  assert.throws(() => buildReport([...runs, run('sgd', 0, A0)]), /two results for sgd seed 0/);
});

test('SVG: well-formed, one line and band per approach, references, legend; heatmaps and mask usage', () => {
  const r = buildReport(runs, { layerNames: ['fc1', 'fc2'] });
  const svg = r.svg.forgetting!;
  checkXml(svg);
  assert.match(svg, /<svg [^>]*role="img"/);
  for (const a of ['hat', 'sgd', 'ewc']) {
    const group = svg.match(new RegExp(`<g class="series" data-name="${a}">([\\s\\S]*?)</g>`));
    assert.ok(group, `a group for ${a}`);
    assert.is((group![1]!.match(/<path class="line"/g) ?? []).length, 1, `one line for ${a}`);
    assert.is((group![1]!.match(/<circle /g) ?? []).length, 3, `a marker per task for ${a}`);
    assert.ok(svg.includes(`>${a}</text>`), `legend entry for ${a}`);
  }
  assert.is((svg.match(/<path class="line"/g) ?? []).length, 3, 'joint and random are reference lines, not approach lines');
  assert.is((svg.match(/class="band"/g) ?? []).length, 2, 'bands only where there is more than one seed');
  assert.ok(svg.includes('data-name="joint"') && svg.includes('data-name="random"'));
  assert.ok(svg.includes('>joint (ρ = 0)</text>') && svg.includes('>random (ρ = −1)</text>'), 'the references in the legend');
  assert.ok(svg.includes('tasks learned') && svg.includes('forgetting ratio ρ'));

  assert.equal(Object.keys(r.svg.accuracy), ['sgd', 'hat', 'ewc', 'joint', 'random'], 'first-appearance order by default');
  for (const [name, heat] of Object.entries(r.svg.accuracy)) {
    checkXml(heat);
    assert.is((heat.match(/<rect class="cell"/g) ?? []).length, 6, `${name}: one cell per (t, u ≤ t)`);
    assert.ok(heat.includes('mnist-&lt;4&amp;5&gt;'), 'task names escaped');
  }
  assert.ok(r.svg.accuracy.sgd!.includes('<title>after mnist-&lt;4&amp;5&gt;, on mnist-2/3: 57.5 %</title>'), 'cell tooltips carry the seed mean');
  const mask = r.svg.maskUsage!;
  checkXml(mask);
  assert.is((mask.match(/<path class="line"/g) ?? []).length, 2, 'one line per layer');
  assert.ok(mask.includes('data-name="fc1"') && mask.includes('data-name="fc2"'));
  assert.ok(mask.includes('>100%</text>'), 'usage as a share of the layer');
  // hat's mask usage is the seed mean: layer fc2 after task 3 = (0.9 + 0.7) / 2.
  assertClose([r.approaches.find((a) => a.approach === 'hat')!.maskUsage![2]![1]!], [0.8], 'mask usage mean', { rtol: 1e-12, atol: 1e-12 });
  assert.is(buildReport(runs.filter((x) => x.approach !== 'hat')).svg.maskUsage, null);
});

test('metrics: ACC, BWT, forgetting, FWT told the task and not, task inference beside chance; files to write', () => {
  const withAgnostic = (approach: string, seed: number, accuracy: number[][], accuracyTaskAgnostic: number[][], taskInferenceAccuracy: number[][], singleTaskAccuracy: number[] | null): RunResult =>
    ({ ...run(approach, seed, accuracy), accuracyTaskAgnostic, taskInferenceAccuracy, singleTaskAccuracy });
  const all = [
    withAgnostic('hat', 0, AJ, [[0.9], [0.6, 0.7], [0.5, 0.5, 0.8]], [[1], [0.7, 0.8], [0.6, 0.6, 0.9]], [0.9, 0.8, 0.85]),
    withAgnostic('hat', 1, AJ, [[0.9], [0.7, 0.7], [0.5, 0.6, 0.8]], [[1], [0.8, 0.8], [0.6, 0.7, 0.9]], [0.9, 0.8, 0.8]),
    // Tasks that cannot be told apart: inference at 1 in 3.
    withAgnostic('twins', 0, A0, [[0.9], [0.4, 0.4], [0.3, 0.3, 0.3]], [[1], [0.5, 0.5], [0.3, 0.4, 0.3]], null),
    run('joint', 0, AJ), run('random', 0, AR, [[], [], []]),
  ];
  const r = buildReport(all);
  assert.equal(Object.keys(r.files).sort(), ['forgetting.csv', 'forgetting.md', 'metrics.csv', 'metrics.md']);
  assert.is(r.files['metrics.md'], r.markdown);
  assert.is(r.files['forgetting.md'], r.markdown, 'the old name keeps the report for one release');
  assert.is(r.files['forgetting.csv'], r.csv, 'and the rho CSV as it was');
  assert.ok(r.markdown.startsWith('# toy: metrics'));
  // hat, task-aware: ACC 85.0 both seeds, BWT 0, forgetting 0; FWT seed 0: 0, seed 1: (0 + 0.05) / 2.
  const hat = r.approaches.find((a) => a.approach === 'hat')!;
  assertClose([hat.metrics.taskAware.fwt!.mean], [0.0125], 'FWT mean over seeds', { rtol: 1e-9, atol: 1e-12 });
  assert.ok(r.markdown.includes('| hat | 2 | 85.0 ± 0.0 | 0.0 ± 0.0 | 0.0 ± 0.0 | '), r.markdown);
  // Task-agnostic ACC: (0.6 + 0.6333) / 2; inference after 3 tasks (0.7 + 0.7333) / 2, chance 33.3 %.
  assertClose([hat.metrics.taskAgnostic!.averageAccuracy[2]!.mean], [(0.6 + 1.9 / 3) / 2], 'task-agnostic ACC', { rtol: 1e-9, atol: 1e-12 });
  assertClose([hat.taskInference![2]!.mean], [(0.7 + 2.2 / 3) / 2], 'task inference', { rtol: 1e-9, atol: 1e-12 });
  const hatRow = r.markdown.split('\n').find((l) => l.startsWith('| hat | 2 |'))!;
  assert.ok(hatRow.includes(' 61.7 ± ') && hatRow.includes(' 71.7 ± ') && hatRow.endsWith('(33.3) |'), hatRow);
  // twins: one seed, no references (FWT n/a), inference at chance and the report says so.
  const twins = r.markdown.split('\n').find((l) => l.startsWith('| twins | 1 |'))!;
  assert.ok(twins.endsWith('| 33.3 (33.3) at chance |'), twins);
  assert.is(twins.split(' | ')[5], 'n/a', 'FWT without single-task references');
  assert.ok(!/\| random \|/.test(r.markdown.split('## Forgetting ratio')[0]!), 'random is no row of the metrics');
  // The per-run metrics in the results JSON and the report's agree.
  assert.equal(runMetrics(all[2] as RunResult & { accuracyTaskAgnostic: number[][] }).taskAware.bwt, r.approaches.find((a) => a.approach === 'twins')!.metrics.taskAware.bwt!.mean);
  // CSV: long form, fractions.
  const rows = r.metricsCsv.trim().split('\n');
  assert.is(rows[0], 'approach,view,metric,tasks_learned,mean,half95,low95,high95,seeds');
  const inference = rows.filter((l) => l.startsWith('hat,task-agnostic,task_inference,')).map((l) => l.split(','));
  assert.equal(inference.map((c) => c[3]), ['1', '2', '3']);
  assertClose([Number(inference[2]![4])], [(0.7 + 2.2 / 3) / 2], 'csv inference', { rtol: 1e-9, atol: 1e-12 });
  assert.ok(rows.some((l) => l.startsWith('hat,task-aware,fwt,3,')) && !rows.some((l) => l.startsWith('twins,task-aware,fwt,')), 'FWT only with references');
  // One average-accuracy plot per approach but random: task-aware, task-agnostic and inference lines with bands.
  assert.equal(Object.keys(r.svg.averageAccuracy), ['hat', 'twins', 'joint']);
  const svg = r.svg.averageAccuracy.hat!;
  checkXml(svg);
  assert.is((svg.match(/<path class="line"/g) ?? []).length, 3);
  assert.ok(svg.includes('data-name="task-aware"') && svg.includes('data-name="task-agnostic"') && svg.includes('data-name="task inferred right"'));
  assert.ok((svg.match(/class="band"/g) ?? []).length >= 2, 'bands over two seeds');
  assert.is((r.svg.averageAccuracy.joint!.match(/<path class="line"/g) ?? []).length, 1, 'runs without task-agnostic results: one line');
});

test.run();
