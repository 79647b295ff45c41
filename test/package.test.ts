// The published entries: the browser bundle carries every kernel and nothing of Node; the Node bundle
// works from plain Node (no TypeScript loader) through the package's own `exports`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs build script without types
import { buildLibrary, buildNodeLibrary, libraryFile, nodeLibraryFile } from '../scripts/build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the browser bundle inlines every kernel and imports nothing from Node or Dawn', async () => {
  const { kernels } = await buildLibrary();
  const shaders = readdirSync(`${root}/shaders`).filter((f) => f.endsWith('.wgsl'));
  assert.is(kernels, shaders.length);
  const code = readFileSync(libraryFile, 'utf8');
  assert.not.match(code, /from\s*["']node:/);
  assert.not.match(code, /from\s*["']webgpu["']/);
  assert.not.match(code, /require\(/);
});

test('the Node bundle runs a kernel from plain Node via the package exports', async () => {
  await buildNodeLibrary();
  const script = `import { createEngine, tensor, kernels } from 'webgpu-hat';
    const engine = await createEngine();
    const a = tensor(engine, [1, 2, 3, 4], [2, 2]);
    console.log(JSON.stringify(Array.from(await kernels.matmul(engine, 'nn', a, a).float32())));
    engine.destroy();`;
  // A self-reference: inside the package, 'webgpu-hat' resolves through package.json "exports" (node).
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: '/tmp' } });
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stdout.trim().split('\n').pop(), '[7,10,15,22]');
  assert.ok(nodeLibraryFile.endsWith('dist/webgpu-hat.node.js'));
});

test.run();
