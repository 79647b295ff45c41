// The examples under examples/ run as their headers say (node / npx tsx, the package imported by its
// name) and print what they promise; an example the library has drifted away from fails here. The
// package is built first (dist/ is what `webgpu-hat` resolves to), so the examples run against this
// checkout's sources, not an older build. Each runs with --quick where it has it: small settings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs build script without types
import { buildPackage, buildTypes } from '../scripts/build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' };
const tsxCli = join(root, 'node_modules/tsx/dist/cli.mjs');

/** Runs a command from the repository root as a reader would; its status and stdout + stderr. */
function run(args: string[], timeoutMs = 180_000) {
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').filter((l) => !l.startsWith('Warning: max')).join('\n') };
}

test.before(async () => {
  await buildPackage();
  buildTypes();
});

test('the TypeScript examples type-check against the package\'s published types (examples/tsconfig.json)', () => {
  const tsc = run([join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'examples')]);
  assert.is(tsc.status, 0, tsc.out);
});

test('examples/custom-kernel.ts: the new kernel passes checkKernel, its unguarded copy is caught, two specialisations compared', () => {
  const r = run([tsxCli, 'examples/custom-kernel.ts', '--quick']);
  assert.is(r.status, 0, r.out);
  assert.match(r.out, /check: scale-shift: \d+ cases agree with the float64 reference/);
  assert.match(r.out, /without the bounds test: .*written past the end/);
  assert.match(r.out, /time scale-shift 64x2000 \{"wg":64\} \/ scale-shift 64x2000 \{"wg":256\} = /);
});

test('examples/open-a-step.ts: gates, raw against conditioned gradients, the compensated embedding gradient, the clip factor', () => {
  const r = run([tsxCli, 'examples/open-a-step.ts']);
  assert.is(r.status, 0, r.out);
  assert.match(r.out, /fc1: gates min/);
  // A weight both of whose units task 1 uses is frozen for task 2; a free one keeps its raw gradient.
  assert.match(r.out, /\(used by task 1\): raw gradient \S+, conditioned 0\.000e\+0/);
  const free = /\(free\): raw gradient (\S+), conditioned (\S+) /.exec(r.out);
  assert.ok(free && free[1] === free[2], r.out);
  assert.match(r.out, /efc1\.1\[\d+\]: gradient from backward \S+, compensated \S+/);
  assert.match(r.out, /clip factor \d\.\d{4}/);
});

test('examples/kernel-variant/my-gated-matmul.wgsl starts with the first line `kernel show gated-matmul` writes (the text\'s own axes only)', () => {
  const show = run([join(root, 'bin/webgpu-hat.js'), 'kernel', 'show', 'gated-matmul'], 60_000);
  assert.is(show.status, 0, show.out);
  const variant = readFileSync(join(root, 'examples/kernel-variant/my-gated-matmul.wgsl'), 'utf8');
  assert.is(variant.split('\n')[0], show.out.split('\n')[0]);
  assert.match(variant.split('\n')[0], /^\/\/ webgpu-hat kernel gated-matmul spec \{"core":"matmul","loader":"scalar"\} files matmul\+/);
});

test('examples/kernel-variant/run.mjs --quick: the variant checks, benches against the built-in and its unfused twin and trains to the built-in\'s accuracy', () => {
  const r = run([join(root, 'examples/kernel-variant/run.mjs'), '--quick']);
  assert.is(r.status, 0, r.out);
  assert.match(r.out, /check: gated-matmul: \d+ cases agree with the float64 reference/);
  // The bench runs at the built-in's tiles for the shape with the file's core and loader, not 1×1 workgroups.
  assert.match(r.out, /bench 64x400x784, spec \{"core":"matmul","tm":\d+,"tn":\d+,"wx":\d+,"wy":\d+,"loader":"scalar"\}/);
  assert.not.match(r.out, /"wx":1,"wy":1/);
  assert.match(r.out, /time gated-matmul \(built-in\) \/ my-gated-matmul\.wgsl = /);
  assert.match(r.out, /time hat\.hatLinearForwardUnfused \(unfused twin\) \/ my-gated-matmul\.wgsl = /);
  const mine = /my-gated-matmul\.wgsl +accuracy .* mean ([\d.]+) %/.exec(r.out);
  const builtin = /gated-matmul \(built-in\) +accuracy .* mean ([\d.]+) %/.exec(r.out);
  assert.ok(mine && builtin, r.out);
  assert.ok(Number(mine[1]) > 60, `the variant trained to ${mine[1]} %`);
});

test.run();
