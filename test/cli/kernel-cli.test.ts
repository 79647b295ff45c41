// The kernel lab from the command line, as a researcher uses it: show a built-in's WGSL, check it
// unchanged (passes), check a broken copy (fails, naming the shape, index and values; exit 1), a copy that
// does not compile (the file and line), an unknown kernel; train with one's own file to the built-in's
// numbers; bench it against the built-in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../faults/_cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hat-kernel-cli-'));
// A tune cache of its own, so a developer's tuned choices never reach these runs.
const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', XDG_CACHE_HOME: join(dir, 'cache') };
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
};

test('kernel list names the HAT kernels with their spaces and unfused twins', () => {
  const r = cli(['kernel', 'list', '--json']);
  assert.is(r.status, 0, r.stderr);
  const kernels = JSON.parse(r.stdout) as { name: string; unfusedTwin: string | null; space: Record<string, unknown[]> }[];
  const names = kernels.map((k) => k.name);
  for (const n of ['gated-matmul', 'masked-weight-grad', 'gated-conv2d', 'embedding-grad', 'embedding-step']) assert.ok(names.includes(n), `no ${n} in ${names.join(', ')}`);
  assert.ok(kernels.find((k) => k.name === 'gated-matmul')!.unfusedTwin, 'gated-matmul names its unfused twin');
});

test('kernel show > mine.wgsl, then kernel check mine.wgsl --as gated-matmul passes unchanged; broken copies are caught', () => {
  const shown = cli(['kernel', 'show', 'gated-matmul']);
  assert.is(shown.status, 0, shown.stderr);
  const mine = join(dir, 'mine.wgsl');
  writeFileSync(mine, shown.stdout);
  const ok = cli(['kernel', 'check', mine, '--as', 'gated-matmul']);
  assert.is(ok.status, 0, `${ok.stdout}${ok.stderr}`);
  assert.match(ok.stdout, /cases agree with the float64 reference/);

  // Without the gate: wrong numbers, named by shape, index, expected and actual value; exit 1.
  const noGate = join(dir, 'no-gate.wgsl');
  writeFileSync(noGate, shown.stdout.replace(/return v \* cv\.y;/, 'return v;'));
  assert.not.equal(readFileSync(noGate, 'utf8'), shown.stdout, 'the mutant differs');
  const bad = cli(['kernel', 'check', noGate, '--as', 'gated-matmul']);
  assert.is(bad.status, 1, `${bad.stdout}${bad.stderr}`);
  assert.match(bad.stdout, /gated-matmul \d+x\d+x\d+ seed \d+, output h\[\d+\]: got [-\d.e]+, expected [-\d.e]+/);

  // Not WGSL: the user's file and line.
  const broken = join(dir, 'broken.wgsl');
  const lines = shown.stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith('fn epilogue('));
  lines[at] = lines[at]!.replace('fn epilogue(row', 'fn epilogue(rowx');
  writeFileSync(broken, lines.join('\n'));
  const compile = cli(['kernel', 'check', broken, '--as', 'gated-matmul']);
  assert.is(compile.status, 1, compile.stderr);
  assert.match(compile.stderr, /ShaderCompileError[^]*broken\.wgsl:\d+:\d+/);

  const unknown = cli(['kernel', 'check', mine, '--as', 'gated-matmull']);
  assert.is.not(unknown.status, 0);
  assert.match(unknown.stderr, /gated-matmull/);
});

test('train --kernel gated-matmul=mine.wgsl trains to the built-in\'s numbers', () => {
  const mine = join(dir, 'mine.wgsl');
  const flags = ['train', '--benchmark', 'mnist2', '--hidden', '16,16', '--epochs', '1', '--seed', '3'];
  const builtin = cli([...flags, '--out', join(dir, 'builtin.json')]);
  assert.is(builtin.status, 0, builtin.stderr);
  const own = cli([...flags, '--kernel', `gated-matmul=${mine}`, '--out', join(dir, 'own.json')]);
  assert.is(own.status, 0, own.stderr);
  assert.match(own.stderr, /kernel gated-matmul: .*mine\.wgsl in place of the built-in/);
  const acc = (f: string) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { accuracy: number[][] }).accuracy;
  assert.equal(acc('own.json'), acc('builtin.json'));
});

test('kernel bench mine.wgsl --as gated-matmul: one interleaved run against the built-in, the ratio and its interval', () => {
  const r = cli(['kernel', 'bench', join(dir, 'mine.wgsl'), '--as', 'gated-matmul', '--budget-ms', '300', '--shape', '{"form":"nt","m":64,"n":256,"k":128,"gated":true}']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /mine\.wgsl/);
  assert.match(r.stdout, /gated-matmul \(built-in\)/);
  assert.match(r.stdout, /interleaved rounds/);
  assert.match(r.stdout, /95 % interval/);
});

test('kernel bench --against builtin,unfused: the text, the built-in and its unfused twin in one interleaved run', () => {
  const r = cli(['kernel', 'bench', join(dir, 'mine.wgsl'), '--as', 'gated-matmul', '--against', 'builtin,unfused', '--budget-ms', '300', '--json', '--shape', '{"form":"nt","m":64,"n":256,"k":128,"gated":true}']);
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { comparison: { variants: { name: string }[]; ratios: { variant: string; baseline: string }[] } };
  const mine = join(dir, 'mine.wgsl');
  assert.equal(out.comparison.variants.map((v) => v.name), [mine, 'gated-matmul (built-in)', 'hat.hatLinearForwardUnfused (unfused twin)']);
  assert.equal(out.comparison.ratios.map((x) => [x.variant, x.baseline]), [['gated-matmul (built-in)', mine], ['hat.hatLinearForwardUnfused (unfused twin)', mine]]);
  // A kernel without a twin, and the plain variant (no gate, so no twin), are usage errors naming why.
  writeFileSync(join(dir, 'plain-matmul.wgsl'), cli(['kernel', 'show', 'matmul']).stdout);
  const none = cli(['kernel', 'bench', join(dir, 'plain-matmul.wgsl'), '--as', 'matmul', '--against', 'unfused']);
  assert.is(none.status, 2, none.stderr);
  assert.match(none.stderr, /--against unfused: kernel matmul: no unfused twin \(kernels with one: gated-matmul/);
  const plain = cli(['kernel', 'bench', join(dir, 'mine.wgsl'), '--as', 'gated-matmul', '--against', 'unfused', '--shape', '{"form":"nt","m":65,"n":63,"k":20,"gated":false}']);
  assert.is(plain.status, 2, plain.stderr);
  assert.match(plain.stderr, /--against unfused: hat\.hatLinearForwardUnfused does not compute 65x63x20 plain/);
});

test('tune --budget-s: a GEMM space too large for the budget is sampled, and the result says how much was never tried', () => {
  const r = cli(['tune', '--kernels', 'gated-matmul', '--shape', '{"form":"nt","m":64,"n":256,"k":128,"gated":true}', '--budget-s', '2', '--force']);
  assert.is(r.status, 0, r.stderr);
  const m = /gated-matmul 64x256x128 \(class [^)]+\): \{.*\}, [\d.]+× the shipped choice's time \([^;]+; (\d+) of (\d+) candidates tried within the budget\)/.exec(r.stdout);
  assert.ok(m, r.stdout + r.stderr);
  assert.ok(Number(m[1]) >= 1 && Number(m[1]) < Number(m[2]), `${m[1]} of ${m[2]}`);
  assert.match(r.stderr, /nearest the default first/);
  assert.match(r.stderr, /were never tried/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('tune --fix refuses an axis no tuned kernel has (a typo is not silently dropped) and a value the axis lacks', () => {
  const typo = cli(['tune', '--kernels', 'gated-matmul', '--fix', '{"lodaer":"vec4"}']);
  assert.is(typo.status, 2, typo.stderr);
  assert.match(typo.stderr, /--fix: no kernel tuned here has an axis "lodaer" \(gated-matmul: .*loader/);
  const value = cli(['tune', '--kernels', 'gated-matmul', '--fix', '{"loader":"vec5"}']);
  assert.is(value.status, 2, value.stderr);
  assert.match(value.stderr, /--fix: gated-matmul's axis loader takes .*not "vec5"/);
});

test.run();
