// Redraws a compare folder's report (forgetting.md, forgetting.csv, the SVG plots and their PNGs) from
// its finished runs/*.json, without a GPU and without training: for when the report's code changes.
// `webgpu-hat compare` on the same folder would skip the runs too, but it opens an engine, loads the
// benchmark, and only knows HAT's layer names when it trained HAT itself.
// Usage: node --import tsx scripts/render-report.ts DIR [--order a,b,...] [--layers fc1,fc2]
import { parseArgs } from 'node:util';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport } from '../src/report/report.ts';
import { renderSvg } from '../src/report/png.ts';
import type { RunResult } from '../src/eval/metrics.ts';

/** compare's default approach order (src/cli/compare.ts), so a redrawn report reads like a fresh one. */
const COMPARE_ORDER = ['hat', 'sgd', 'sgd-frozen', 'ewc', 'imm-mean', 'imm-mode', 'lwf', 'lfl', 'pathnet', 'progressive'];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { order: { type: 'string' }, layers: { type: 'string' } } });
const dir = positionals[0];
if (!dir) throw new Error('usage: node --import tsx scripts/render-report.ts DIR [--order a,b,...] [--layers fc1,fc2]');

type StoredRun = RunResult & { config?: { net?: string; hidden?: number[] } };
const runs = readdirSync(join(dir, 'runs')).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(dir, 'runs', f), 'utf8')) as StoredRun);
// The MLP names its gated layers fc1, fc2, … (src/nn/network.ts); other nets need --layers.
const hat = runs.find((r) => r.approach === 'hat');
const layerNames = values.layers?.split(',') ?? (hat?.config?.net === 'mlp' ? hat.config.hidden?.map((_, i) => `fc${i + 1}`) : undefined);
const report = buildReport(runs, { order: values.order?.split(',') ?? COMPARE_ORDER, layerNames });

writeFileSync(join(dir, 'forgetting.md'), report.markdown);
writeFileSync(join(dir, 'forgetting.csv'), report.csv);
const plots: [string, string | null][] = [
  ['forgetting', report.svg.forgetting],
  ...Object.entries(report.svg.accuracy).map(([approach, svg]): [string, string] => [`accuracy-${approach}`, svg]),
  ['mask-usage', report.svg.maskUsage],
];
for (const [name, svg] of plots) {
  if (!svg) continue;
  writeFileSync(join(dir, `${name}.svg`), svg);
  writeFileSync(join(dir, `${name}.png`), renderSvg(svg).png);
}
process.stdout.write(`${runs.length} runs → ${dir}: forgetting.md, forgetting.csv, ${plots.filter(([, s]) => s).map(([n]) => n).join(', ')} (.svg, .png)\n`);
