// train's flags through the schema: the CLI's defaults and presets, per-approach defaults, what compare
// passes to every approach, and the messages of bad values (the flag and the accepted range).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BENCH_SETTINGS, COMPARE_SETTINGS, DEFAULT_CONFIG, EXPORT_SETTINGS, isHelpRequested, parseFlag, parseFlags, type TrainArgs } from '../../src/config/index.ts';
import { parseTrainArgs } from '../../src/cli/flags.ts';
import { throwsUsage } from '../helpers.ts';

function train(args: string[], opts: { forCompare?: boolean } = {}): TrainArgs {
  const a = parseTrainArgs(args, opts);
  if (isHelpRequested(a)) throw new Error('help');
  return a;
}


test('no flags: the quick preset over DEFAULT_CONFIG, HAT, split-MNIST', () => {
  const a = train([]);
  assert.equal(a.config, { ...DEFAULT_CONFIG, hidden: [400, 400], epochs: 10 });
  assert.equal(a.approachOptions, {});
  assert.equal({ ...a, config: null, approachOptions: null }, {
    benchmark: 'split-mnist', config: null, approachOptions: null, tasks: 10, fashionDir: undefined,
    out: 'results/split-mnist-hat-seed0.json', checkpointDir: undefined, resume: false,
  });
});

test('--paper; flags override presets; --unfused; a sequence file names the results', () => {
  assert.equal(train(['--paper']).config.hidden, [2000, 2000]);
  assert.is(train(['--paper']).config.epochs, 20);
  assert.is(train(['--paper', '--epochs', '3']).config.epochs, 3);
  assert.equal(train(['--hidden', '8,16,4']).config.hidden, [8, 16, 4]);
  assert.is(train(['--unfused']).config.fused, false);
  assert.is(train(['--lr-min', '0.001', '--patience', '2', '--log-every', '1']).config.patience, 2);
  assert.is(train(['--benchmark', 'data/seq.json', '--approach', 'ewc', '--seed', '4']).out, 'results/seq-ewc-seed4.json');
});

test('per-approach defaults: the clip and the options of the approach, and only those', () => {
  const ewc = train(['--approach', 'ewc']);
  assert.is(ewc.config.clipNorm, 100);
  assert.equal(ewc.approachOptions, { lambda: 5000 });
  assert.equal(train(['--approach', 'lwf', '--temperature', '2']).approachOptions, { lambda: 2, temperature: 2 });
  assert.equal(train(['--approach', 'pathnet', '--paths', '3']).approachOptions, { generations: 20, modules: 16, active: 3, paths: 3 });
  assert.is(train(['--approach', 'pathnet', '--clip', '7']).config.clipNorm, 7);
  assert.equal(train(['--approach', 'progressive']).approachOptions, {});
});

test('compare passes every flag to every approach: each keeps what applies, values still checked', () => {
  const flags = ['--lambda', '3', '--generations', '2', '--smax', '50'];
  assert.equal(train([...flags, '--approach', 'hat'], { forCompare: true }).approachOptions, {});
  assert.is(train([...flags, '--approach', 'hat'], { forCompare: true }).config.smax, 50);
  assert.equal(train([...flags, '--approach', 'ewc'], { forCompare: true }).approachOptions, { lambda: 3 });
  assert.equal(train([...flags, '--approach', 'pathnet'], { forCompare: true }).approachOptions, { generations: 2, modules: 16, active: 3, paths: 2 });
  throwsUsage(() => train(['--generations', '0'], { forCompare: true }), /^--generations: expected an integer ≥ 1, got "0"$/);
  throwsUsage(() => train(['--modules', '2'], { forCompare: true }), /^--active: a path takes 3 modules per layer, more than the 2 there are \(--modules\)$/);
});

test('bad values: the flag, the accepted range, the text given', () => {
  const cases: [string[], RegExp][] = [
    [['--epochs', '1.5'], /^--epochs: expected an integer ≥ 1, got "1\.5"$/],
    [['--lr', '0'], /^--lr: expected a positive number, got "0"$/],
    [['--lr', 'Infinity'], /^--lr: expected a positive number, got "Infinity"$/],
    [['--c=-1'], /^--c: expected a positive number, got "-1"$/],
    [['--smax', ''], /^--smax: expected a positive number, got ""$/],
    [['--hidden', '400,'], /^--hidden: expected an integer ≥ 1, got ""$/],
    [['--tasks', '0'], /^--tasks: expected an integer ≥ 1, got "0"$/],
    [['--approach', 'lwf', '--temperature', '0'], /^--temperature: expected a positive number, got "0"$/],
    [['--approach', 'ewc', '--lambda', '-2'], /^Option '--lambda' argument is ambiguous/],
    [['--approach', 'ewc', '--lambda=-2'], /^--lambda: expected a positive number, got "-2"$/],
    [['--approach', 'hat', '--embedding-clamp', '3', '--approach', 'sgd'], /^--embedding-clamp: only hat, adahat have it \(the approach is sgd\)$/],
    [['--checkpoint-dir', ''], /^--checkpoint-dir: expected a directory, got ""$/],
    [['--out', ''], /^--out: expected a file name, got ""$/],
    [['--benchmark', 'cifar'], /^--benchmark: unknown benchmark "cifar" \(split-mnist \| mnist2 \| pmnist \| split-fashion \| mnist-fashion \| FILE\.json\)$/],
  ];
  for (const [args, text] of cases) throwsUsage(() => train(args), text);
});

test('--help is a result, not an exit', () => {
  assert.ok(isHelpRequested(parseTrainArgs(['--epochs', '3', '--help'])));
  assert.ok(isHelpRequested(parseTrainArgs(['-h'])));
});

test('compare, bench and export flags', () => {
  assert.equal(parseFlag(COMPARE_SETTINGS.seeds, '0-2,5,1'), [0, 1, 2, 5]);
  throwsUsage(() => parseFlag(COMPARE_SETTINGS.seeds, '1..3'), /^--seeds: expected a list or ranges like 0-4 or 0,2,5, got "1\.\.3"$/);
  assert.equal(parseFlag(COMPARE_SETTINGS.approaches, 'hat, ewc,random'), ['hat', 'ewc', 'random']);
  assert.equal(parseFlags('compare', COMPARE_SETTINGS, {}), { approaches: ['hat', 'sgd', 'sgd-frozen', 'ewc', 'imm-mean', 'imm-mode', 'lwf', 'lfl', 'pathnet', 'progressive'], seeds: [0, 1, 2], out: undefined });
  assert.equal(parseFlags('bench', BENCH_SETTINGS, { suite: 'gates,step', quick: true }), { suite: ['gates', 'step'], peers: [], quick: true, budgetMs: undefined, clock: 'auto', json: undefined, chart: undefined });
  assert.equal(parseFlags('bench', BENCH_SETTINGS, { peers: 'torch,tfjs', 'budget-ms': '500' }).peers, ['torch', 'tfjs']);
  assert.throws(() => parseFlags('bench', BENCH_SETTINGS, { peers: 'jax' }), /--peers: unknown peer "jax" \(tfjs \| torch\)/);
  throwsUsage(() => parseFlags('export', EXPORT_SETTINGS, { checkpoint: 'ck' }), /^export: --out FILE\.safetensors is required$/);
  assert.equal(parseFlags('export', EXPORT_SETTINGS, { checkpoint: 'ck', out: 'w.safetensors' }), { checkpoint: 'ck', out: 'w.safetensors' });
});

test.run();
