// Bad input to the command line: every case gets a clear message, and flag mistakes get the usage and
// exit code 2; bad data files and task-sequence files name the file, the task and the key. Every case runs
// through the CLI's own parsing and loading (parseTrainArgs, loadBenchmark); a sample of each kind also
// runs as a real `webgpu-hat` process (each costs a second of start-up), for the exit codes and output.
// --help of every subcommand prints its usage (made from the schema) and exits 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIdx } from '../../src/data/idx.ts';
import { inBatches, runCliAsync, tempDir, writeIdxData, type CliResult } from './_cli.ts';
import { loadBenchmark } from '../../src/cli/benchmarks.ts';
import { parseTrainArgs } from '../../src/cli/flags.ts';
import { UsageError } from '../../src/config/usage-error.ts';
import { isHelpRequested } from '../../src/config/parse.ts';

const dir = tempDir('badinput');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** usage: which usage the mistake prints (the command's, or the list of commands). */
interface Case { name: string; args: string[]; status: number; text: RegExp; usage?: 'command' | 'top' }

const flagCases: Case[] = [
  { name: 'unknown flag', args: ['train', '--bogus', '1'], status: 2, text: /Unknown option '--bogus'/, usage: 'command' },
  { name: 'unknown command', args: ['trian'], status: 2, text: /unknown command "trian"/, usage: 'top' },
  { name: 'non-integer epochs', args: ['train', '--epochs', 'two'], status: 2, text: /--epochs: expected an integer ≥ 1, got "two"/, usage: 'command' },
  { name: 'zero batch', args: ['train', '--batch', '0'], status: 2, text: /--batch: expected an integer ≥ 1, got "0"/, usage: 'command' },
  { name: 'negative lr', args: ['train', '--lr=-1'], status: 2, text: /--lr: expected a positive number, got "-1"/, usage: 'command' },
  { name: 'negative lr, no =', args: ['train', '--lr', '-1'], status: 2, text: /Option '--lr' argument is ambiguous/, usage: 'command' },
  { name: 'NaN smax', args: ['train', '--smax', 'NaN'], status: 2, text: /--smax: expected a positive number, got "NaN"/, usage: 'command' },
  { name: 'bad hidden list', args: ['train', '--hidden', '32,x'], status: 2, text: /--hidden: expected an integer ≥ 1, got "x"/, usage: 'command' },
  { name: 'unknown approach', args: ['train', '--approach', 'ewk'], status: 2, text: /--approach: unknown approach "ewk" \(hat \| [^)]*ewc/, usage: 'command' },
  { name: 'a PathNet flag with another approach', args: ['train', '--approach', 'ewc', '--generations', '5'], status: 2, text: /--generations: only pathnet has it \(the approach is ewc\)/, usage: 'command' },
  { name: 'more active modules than modules', args: ['train', '--approach', 'pathnet', '--modules', '2'], status: 2, text: /--active: a path takes 3 modules per layer, more than the 2 there are \(--modules\)/, usage: 'command' },
  { name: 'zero generations', args: ['train', '--approach', 'pathnet', '--generations', '0'], status: 2, text: /--generations: expected an integer ≥ 1, got "0"/, usage: 'command' },
  { name: 'negative c', args: ['train', '--c=-0.5'], status: 2, text: /--c: expected a positive number, got "-0\.5"/, usage: 'command' },
  { name: 'zero c', args: ['train', '--c', '0'], status: 2, text: /--c: expected a positive number, got "0"/, usage: 'command' },
  { name: 'hexadecimal epochs', args: ['train', '--epochs', '0x1'], status: 2, text: /--epochs: expected an integer ≥ 1, got "0x1"/, usage: 'command' },
  { name: 'exponent seed', args: ['train', '--seed', '1e3'], status: 2, text: /--seed: expected an integer ≥ 0 and ≤ 9007199254740991, got "1e3"/, usage: 'command' },
  { name: 'seed past 2^53', args: ['train', '--seed', '9007199254740993'], status: 2, text: /--seed: expected an integer ≥ 0 and ≤ 9007199254740991, got "9007199254740993"/, usage: 'command' },
  { name: 'lr factor of 1', args: ['train', '--lr-factor', '1'], status: 2, text: /--lr-factor: expected a number > 1, got "1"/, usage: 'command' },
  { name: 'negative seed', args: ['train', '--seed=-1'], status: 2, text: /--seed: expected an integer ≥ 0 and ≤ 9007199254740991, got "-1"/, usage: 'command' },
  { name: 'blank seed', args: ['train', '--seed', ''], status: 2, text: /--seed: expected an integer ≥ 0 and ≤ 9007199254740991, got ""/, usage: 'command' },
  { name: 'zero clip', args: ['train', '--approach', 'ewc', '--clip', '0'], status: 2, text: /--clip: expected a positive number, got "0"/, usage: 'command' },
  { name: 'fractional patience', args: ['train', '--patience', '2.5'], status: 2, text: /--patience: expected an integer ≥ 1, got "2\.5"/, usage: 'command' },
  { name: 'a penalty weight for hat', args: ['train', '--lambda', '3'], status: 2, text: /--lambda: only ewc, imm-mean, imm-mode, lwf, lfl have it \(the approach is hat\)/, usage: 'command' },
  { name: 'a temperature for ewc', args: ['train', '--approach', 'ewc', '--temperature', '2'], status: 2, text: /--temperature: only lwf has it \(the approach is ewc\)/, usage: 'command' },
  { name: 'a HAT setting for sgd', args: ['train', '--approach', 'sgd', '--smax', '100'], status: 2, text: /--smax: only hat, adahat have it \(the approach is sgd\)/, usage: 'command' },
  { name: 'unknown network', args: ['train', '--net', 'resnet'], status: 2, text: /--net: unknown network "resnet" \(mlp \| alexnet/, usage: 'command' },
  { name: 'compare: backwards seed range', args: ['compare', '--seeds', '3-1'], status: 2, text: /--seeds: range 3-1 runs backwards/, usage: 'command' },
  { name: 'compare: unknown approach', args: ['compare', '--approaches', 'hat,ewk'], status: 2, text: /--approaches: unknown approach "ewk"/, usage: 'command' },
  { name: 'compare: --approach', args: ['compare', '--approach', 'ewc'], status: 2, text: /compare: use --approaches and --seeds/, usage: 'command' },
  { name: 'compare: a bad train flag', args: ['compare', '--epochs', '0'], status: 2, text: /--epochs: expected an integer ≥ 1, got "0"/, usage: 'command' },
  { name: 'bench: unknown suite', args: ['bench', '--suite', 'matmul,fft'], status: 2, text: /--suite: unknown suite "fft" \(matmul \| conv \| gates \| step \| epoch \| memory \| resnet \| all\)/, usage: 'command' },
  { name: 'export: unknown flag', args: ['export', '--checkpoint', 'x', '--out', 'y', '--force'], status: 2, text: /Unknown option '--force'/, usage: 'command' },
  { name: 'missing value', args: ['train', '--epochs'], status: 2, text: /Option '--epochs <value>' argument missing/, usage: 'command' },
  { name: 'positional argument', args: ['train', 'split-mnist'], status: 2, text: /Unexpected argument 'split-mnist'/, usage: 'command' },
  { name: 'unknown benchmark', args: ['train', '--benchmark', 'cifar-1000'], status: 2, text: /--benchmark: unknown benchmark "cifar-1000"/, usage: 'command' },
  { name: 'missing sequence file', args: ['train', '--benchmark', '/nonexistent/seq.json'], status: 2, text: /--benchmark: file not found: \/nonexistent\/seq\.json/, usage: 'command' },
  { name: '--resume without a directory', args: ['train', '--resume'], status: 2, text: /--resume needs --checkpoint-dir DIR/, usage: 'command' },
  { name: 'export without --checkpoint', args: ['export', '--out', 'x.safetensors'], status: 2, text: /export: --checkpoint DIR\|FILE is required/, usage: 'command' },
  { name: 'export of a missing checkpoint', args: ['export', '--checkpoint', '/nonexistent/ck', '--out', join(dir, 'x.safetensors')], status: 1, text: /checkpoint not found: \/nonexistent\/ck/ },
];

/** A task-sequence file with one task over the given dataset spec (plus task keys), written to dir/name. */
function sequence(name: string, dataset: unknown, task: Record<string, unknown> = {}, top: Record<string, unknown> = {}): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ name, tasks: [{ dataset, ...task }], ...top }));
  return path;
}

function dataCases(): Case[] {
  const good = writeIdxData(dir, 'good', 40, 4, 1);
  const idx = (train: { images: string; labels: string }) => ({ format: 'idx', train, test: good });
  const bytes = readFileSync(join(dir, good.images));
  writeFileSync(join(dir, 'truncated-images.idx'), bytes.subarray(0, bytes.length - 100));
  writeFileSync(join(dir, 'short-header.idx'), bytes.subarray(0, 10));
  const magic = bytes.slice(); magic[2] = 0x09; magic[3] = 0x01;
  writeFileSync(join(dir, 'magic-images.idx'), magic);
  writeFileSync(join(dir, 'labels-as-images.idx'), readFileSync(join(dir, good.labels)));
  writeFileSync(join(dir, 'gz-images.idx.gz'), Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not really gzip')]));
  writeFileSync(join(dir, 'big-labels.idx'), encodeIdx([40], Uint8Array.from({ length: 40 }, (_, i) => (i === 7 ? 9 : i % 4))));
  writeFileSync(join(dir, 'cifar-short.bin'), new Uint8Array(3073 * 2 + 100));
  writeFileSync(join(dir, 'cifar-empty.bin'), new Uint8Array(0));
  const badLabel = new Uint8Array(3073); badLabel[0] = 12;
  writeFileSync(join(dir, 'cifar-label.bin'), badLabel);
  const cifar = (file: string) => ({ format: 'cifar10', train: { files: [file] }, test: { files: [file] } });
  const bench = (path: string) => ['train', '--benchmark', path, '--hidden', '8', '--epochs', '1'];
  const seqDir = join(dir, 'seq');
  mkdirSync(seqDir, { recursive: true });
  writeFileSync(join(dir, 'broken.json'), '{ "name": "x", "tasks": [ ');
  const empty = { images: 'empty-images.idx', labels: 'empty-labels.idx' };
  writeFileSync(join(dir, empty.images), encodeIdx([0, 8, 8], new Uint8Array(0)));
  writeFileSync(join(dir, empty.labels), encodeIdx([0], new Uint8Array(0)));
  const wide = writeIdxData(dir, 'wide', 40, 4, 1, 16);
  const twoSizes = join(dir, 'two-sizes.json');
  writeFileSync(twoSizes, JSON.stringify({ name: 'two sizes', tasks: [{ name: 'small', dataset: idx(good) }, { name: 'big', dataset: { format: 'idx', train: wide, test: wide } }] }));
  return [
    { name: 'IDX file missing', args: bench(sequence('missing', idx({ images: 'nope-images.idx', labels: good.labels }))), status: 1, text: /missing\.json: tasks\[0\]\.dataset\.train\.images: file not found: .*nope-images\.idx/ },
    { name: 'IDX truncated data', args: bench(sequence('trunc', idx({ images: 'truncated-images.idx', labels: good.labels }))), status: 1, text: /truncated-images\.idx: truncated IDX data: header dims 40 × 8 × 8 need 2560 bytes, file has 2460/ },
    { name: 'IDX truncated header', args: bench(sequence('short', idx({ images: 'short-header.idx', labels: good.labels }))), status: 1, text: /short-header\.idx: truncated IDX header: 10 bytes, the 3 dimension sizes need 16/ },
    { name: 'IDX wrong magic', args: bench(sequence('magic', idx({ images: 'magic-images.idx', labels: good.labels }))), status: 1, text: /magic-images\.idx: wrong magic number 0x00000901, expected 0x00000803 \(IDX uint8 images\)/ },
    { name: 'IDX labels given as images', args: bench(sequence('swap', idx({ images: 'labels-as-images.idx', labels: good.labels }))), status: 1, text: /labels-as-images\.idx: wrong magic number 0x00000801, expected 0x00000803/ },
    { name: 'corrupt gzip', args: bench(sequence('gz', idx({ images: 'gz-images.idx.gz', labels: good.labels }))), status: 1, text: /gz-images\.idx\.gz: corrupt gzip data/ },
    { name: 'CIFAR truncated', args: bench(sequence('cifar-short', cifar('cifar-short.bin'))), status: 1, text: /cifar-short\.bin: size 6246 bytes is not a multiple of the CIFAR-10 record length 3073 \(2 records and 100 extra bytes\)/ },
    { name: 'CIFAR empty', args: bench(sequence('cifar-empty', cifar('cifar-empty.bin'))), status: 1, text: /cifar-empty\.bin: empty CIFAR-10 file/ },
    { name: 'CIFAR label out of range', args: bench(sequence('cifar-label', cifar('cifar-label.bin'))), status: 1, text: /cifar-label\.bin: record 0 has label 12, outside 0\.\.9 \(CIFAR-10\)/ },
    { name: 'sequence: unknown key', args: bench(sequence('unknown-key', idx(good), { clases: [0, 1] })), status: 1, text: /unknown-key\.json: tasks\[0\]: unknown key "clases" \(allowed: name, dataset, classes/ },
    { name: 'sequence: unknown top-level key', args: bench(sequence('unknown-top', idx(good), {}, { epochs: 3 })), status: 1, text: /unknown-top\.json: \(top level\): unknown key "epochs"/ },
    { name: 'sequence: empty class set', args: bench(sequence('empty-classes', idx(good), { classes: [] })), status: 1, text: /empty-classes\.json: tasks\[0\]\.classes: the class set is empty/ },
    { name: 'sequence: class out of range', args: bench(sequence('class-range', idx(good), { classes: [0, 7] })), status: 1, text: /class-range\.json: tasks\[0\]\.classes\[1\]: class 7 is out of range: the dataset has classes 0\.\.3/ },
    { name: 'sequence: label out of range', args: bench(sequence('label-range', { ...idx({ images: good.images, labels: 'big-labels.idx' }), numClasses: 4 })), status: 1, text: /label-range\.json: tasks\[0\]\.dataset: train sample 7 has label 9, outside 0\.\.3/ },
    { name: 'sequence: invalid JSON', args: bench(join(dir, 'broken.json')), status: 1, text: /broken\.json: invalid JSON/ },
    { name: 'sequence: wrong type', args: bench(sequence('wrong-type', idx(good), { validation: 1.5 })), status: 1, text: /wrong-type\.json: tasks\[0\]\.validation: expected a fraction in \(0, 1\), got 1\.5/ },
    { name: 'sequence: no validation split', args: bench(sequence('valid-zero', idx(good), { validation: 0 })), status: 1, text: /valid-zero\.json: tasks\[0\]\.validation: expected a fraction in \(0, 1\), got 0/ },
    { name: 'sequence: (almost) everything held out', args: bench(sequence('valid-most', idx(good), { validation: 0.999 })), status: 1, text: /valid-most\.json: tasks\[0\]: after the validation split, classes 0, 1, 2, 3 of task-0 have no training samples left/ },
    { name: 'sequence: empty test set', args: bench(sequence('no-test', { format: 'idx', train: good, test: empty })), status: 1, text: /no-test\.json: tasks\[0\]: the test set of task-0 is empty/ },
    { name: 'sequence: two image sizes', args: bench(twoSizes), status: 1, text: /two-sizes\.json: tasks\[1\] \(big\) has 1×16×16 inputs, tasks\[0\] \(small\) 1×8×8: one sequence needs one image size/ },
  ];
}

function check(c: Case, r: CliResult): void {
  const all = r.stderr + r.stdout;
  assert.is(r.status, c.status, `${c.name}: exit ${r.status}, expected ${c.status}\n${all}`);
  assert.match(r.stderr, c.text, `${c.name}: message\n${r.stderr}`);
  if (c.usage === 'command') assert.match(r.stderr, new RegExp(`Usage: webgpu-hat ${c.args[0]} \\[flags\\]\n`), `${c.name}: no usage of ${c.args[0]}`);
  if (c.usage === 'command' && c.args[0] === 'train') assert.match(r.stderr, /--checkpoint-dir DIR/, `${c.name}: not the train flags`);
  if (c.usage === 'top') assert.match(r.stderr, /Usage:\n  webgpu-hat train \[flags\][^]*webgpu-hat export \[flags\]/, `${c.name}: no list of commands`);
  if (!c.usage) assert.not.match(r.stderr, /Usage:/, `${c.name}: usage shown for a data error`);
  assert.not.match(r.stderr, /^\s+at .*\.ts:\d+/m, `${c.name}: a stack trace instead of a message\n${r.stderr}`);
}

/** The same case in this process: the CLI's parsing and loading throw the error main() prints. */
async function inProcess(c: Case): Promise<void> {
  if (c.args[0] !== 'train') return;
  try {
    const args = parseTrainArgs(c.args.slice(1));
    if (isHelpRequested(args)) assert.unreachable(`${c.name}: help`);
    else await loadBenchmark(args);
  } catch (e) {
    assert.is(e instanceof UsageError, c.status === 2, `${c.name}: ${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, c.text, c.name);
    return;
  }
  assert.unreachable(`${c.name}: accepted`);
}

const spawned = [
  'unknown flag', 'unknown command', 'non-integer epochs', 'negative lr, no =', '--resume without a directory', 'export of a missing checkpoint', 'IDX wrong magic', 'CIFAR truncated', 'sequence: unknown key',
  'a penalty weight for hat', 'compare: backwards seed range', 'compare: a bad train flag', 'bench: unknown suite', 'export: unknown flag',
];

test('flag mistakes: the message (and, as a process, the usage and exit code 2)', async () => {
  for (const c of flagCases) await inProcess(c);
});

test('bad IDX/CIFAR files and task-sequence files: a message naming the file, task and key', async () => {
  for (const c of dataCases()) await inProcess(c);
});

test('as real processes: usage and exit code 2 for flags, a one-line message and exit code 1 for data', async () => {
  const cases = [...flagCases, ...dataCases()].filter((c) => spawned.includes(c.name));
  assert.is(cases.length, spawned.length);
  const results = await inBatches(cases.map((c) => () => runCliAsync(c.args)), 3);
  cases.forEach((c, i) => check(c, results[i]!));
});

test('help exits 0 and shows every command; --help of each command prints its usage and exits 0', async () => {
  const commands = ['train', 'compare', 'bench', 'export'];
  const [help, bare, ...each] = await inBatches([['help'], [], ...commands.map((c) => [c, '--help'])].map((args) => () => runCliAsync(args)), 3);
  assert.is(help!.status, 0);
  for (const c of commands) assert.match(help!.stdout, new RegExp(`webgpu-hat ${c} \\[flags\\]`));
  assert.match(help!.stdout, /--resume/);
  assert.is(bare!.status, 2, 'no command: the list of commands and exit code 2');
  assert.match(bare!.stderr, /webgpu-hat compare \[flags\]/);
  const flags: Record<string, RegExp> = { train: /--lambda X[^]*--checkpoint-dir DIR/, compare: /--approaches A,B,\.\.\.[^]*--seeds/, bench: /--suite NAME\[,NAME\][^]*--peers[^]*--quick[^]*--json FILE/, export: /--checkpoint DIR\|FILE[^]*--out FILE\.safetensors/ };
  each.forEach((r, i) => {
    const c = commands[i]!;
    assert.is(r.status, 0, `${c} --help: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: webgpu-hat ${c} \\[flags\\]`), `${c} --help`);
    assert.match(r.stdout, flags[c]!, `${c} --help: its flags`);
    assert.is(r.stderr, '', `${c} --help wrote to stderr`);
  });
});

test.run();
