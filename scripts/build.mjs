#!/usr/bin/env node
// Builds the package's entries (dist/node/, dist/browser/, dist/types/: see buildPackage), and for the demo
// page the single-file browser bundle dist/webgpu-hat.browser.js: src/index.ts with every shaders/*.wgsl inlined
// as text (a virtual module), no Node built-ins, `webgpu` (Dawn) not included. Then the demo page's
// script dist/demo.js (web/demo.ts), which imports the library from that bundle rather than carrying
// a second copy. The helpers are exported for scripts/demo.mjs and scripts/test-browser.mjs.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const root = fileURLToPath(new URL('..', import.meta.url));
const shaderDir = join(root, 'shaders');
export const libraryFile = join(root, 'dist/webgpu-hat.browser.js');
export const demoFile = join(root, 'dist/demo.js');

/** Every shaders/*.wgsl as { name: text }. */
export function shaderTexts() {
  return Object.fromEntries(readdirSync(shaderDir).filter((f) => f.endsWith('.wgsl')).map((f) => [f.slice(0, -5), readFileSync(join(shaderDir, f), 'utf8')]));
}

/** esbuild plugin: `virtual:webgpu-hat-shaders` is the kernel map, as the default and as `shaders`. */
export function inlineShadersPlugin(shaders = shaderTexts()) {
  return {
    name: 'inline-shaders',
    setup(b) {
      b.onResolve({ filter: /^virtual:webgpu-hat-shaders$/ }, () => ({ path: 'shaders', namespace: 'wgsl' }));
      b.onLoad({ filter: /.*/, namespace: 'wgsl' }, () => ({ contents: `export const shaders = ${JSON.stringify(shaders)};\nexport default shaders;\n`, loader: 'js' }));
    },
  };
}

export async function buildLibrary({ minify = false } = {}) {
  const shaders = shaderTexts();
  await build({
    stdin: {
      contents: `export * from './src/index.ts';\nexport { default as shaders } from 'virtual:webgpu-hat-shaders';\n`,
      resolveDir: root, sourcefile: 'browser-entry.ts', loader: 'ts',
    },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: libraryFile, plugins: [inlineShadersPlugin(shaders)],
    external: ['webgpu', 'node:*'], minify, sourcemap: true, logLevel: 'warning',
  });
  return { kib: statSync(libraryFile).size / 1024, kernels: Object.keys(shaders).length };
}

/**
 * web/demo.ts → dist/demo.js. Its imports of the library (src/index.ts) and of the kernel map become
 * one import of ./webgpu-hat.browser.js, so the page exercises the published bundle.
 */
export async function buildDemo({ minify = false } = {}) {
  const libraryIndex = resolve(root, 'src/index.ts');
  const toBundle = {
    name: 'library-from-bundle',
    setup(b) {
      b.onResolve({ filter: /^virtual:webgpu-hat-shaders$/ }, () => ({ path: './webgpu-hat.browser.js', external: true }));
      b.onResolve({ filter: /src\/index\.ts$/ }, (args) => (resolve(args.resolveDir, args.path) === libraryIndex ? { path: './webgpu-hat.browser.js', external: true } : undefined));
    },
  };
  await build({
    entryPoints: [join(root, 'web/demo.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: demoFile,
    plugins: [toBundle], minify, sourcemap: true, logLevel: 'warning',
  });
  return { kib: statSync(demoFile).size / 1024 };
}

/**
 * The package's entries, as `exports` in package.json names them: `webgpu-hat`, `webgpu-hat/kernels`,
 * `webgpu-hat/bench`, `webgpu-hat/testing`, and the CLI. One build per platform with code splitting, so
 * the entries share one copy of each module (one Tensor class, one kernel registry, one tidy() scope
 * stack) rather than a copy per entry.
 */
export const PACKAGE_ENTRIES = {
  node: { index: 'src/index.node.ts', kernels: 'src/kernels/index.ts', bench: 'bench/public.node.ts', testing: 'src/testing/index.ts', cli: 'src/cli/main.ts' },
  browser: { kernels: 'src/kernels/index.ts', bench: 'bench/public.ts', testing: 'src/testing/index.ts' },
};

export async function buildPackage({ minify = false } = {}) {
  for (const dir of ['dist/node', 'dist/browser']) rmSync(join(root, dir), { recursive: true, force: true });
  const entryPoints = (entries) => Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(root, file)]));
  // Node: dependencies stay external; kernels are read from shaders/ at the package root (two folders up).
  await build({
    entryPoints: entryPoints(PACKAGE_ENTRIES.node), bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
    outdir: join(root, 'dist/node'), packages: 'external', minify, sourcemap: true, logLevel: 'warning',
    banner: { js: '// webgpu-hat, built by scripts/build.mjs from src/ (TypeScript); types in dist/types' },
  });
  // The PyTorch peer's Python side sits beside the module that starts it.
  copyFileSync(join(root, 'bench/peers/torch_peer.py'), join(root, 'dist/node/torch_peer.py'));
  // Browser: every kernel inlined in the main entry (createBrowserEngine(shaders)); no Node built-ins.
  const shaders = shaderTexts();
  await build({
    entryPoints: { index: 'virtual:browser-index', ...entryPoints(PACKAGE_ENTRIES.browser) }, bundle: true, splitting: true, format: 'esm', platform: 'browser',
    target: 'es2022', outdir: join(root, 'dist/browser'), plugins: [inlineShadersPlugin(shaders), browserIndexPlugin()], external: ['webgpu', 'node:*'],
    minify, sourcemap: true, logLevel: 'warning',
  });
  return { kernels: Object.keys(shaders).length };
}

/** `virtual:browser-index`: the library's browser entry plus the kernel map as `shaders`. */
function browserIndexPlugin() {
  return {
    name: 'browser-index',
    setup(b) {
      b.onResolve({ filter: /^virtual:browser-index$/ }, () => ({ path: 'browser-index', namespace: 'entry' }));
      b.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({
        contents: `export * from './src/index.ts';\nexport { default as shaders } from 'virtual:webgpu-hat-shaders';\n`, resolveDir: root, loader: 'ts',
      }));
    },
  };
}

/**
 * TypeScript declarations of every entry (dist/types mirrors src/ and bench/). Emitted without a type
 * check (--noCheck: under a second); `npm test` type-checks the whole project on its own.
 */
export function buildTypes() {
  rmSync(join(root, 'dist/types'), { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--noCheck'], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`declarations: tsc failed\n${tsc.stdout}${tsc.stderr}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const minify = process.argv.includes('--minify');
  const lib = await buildLibrary({ minify });
  console.log(`dist/webgpu-hat.browser.js: ${lib.kib.toFixed(1)} KiB, ${lib.kernels} kernels inlined (createBrowserEngine(shaders) to start)`);
  const demo = await buildDemo({ minify });
  console.log(`dist/demo.js: ${demo.kib.toFixed(1)} KiB (the demo page's script; npm run demo serves it)`);
  if (!process.argv.includes('--no-package')) {
    await buildPackage({ minify });
    buildTypes();
    console.log('dist/node/, dist/browser/ (the package entries: webgpu-hat, /kernels, /bench, /testing; the CLI) and dist/types/');
  }
}
