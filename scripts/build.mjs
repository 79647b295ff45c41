#!/usr/bin/env node
// Builds the Node entry dist/webgpu-hat.node.js and the browser bundle dist/webgpu-hat.browser.js: src/index.ts with every shaders/*.wgsl inlined
// as text (a virtual module), no Node built-ins, `webgpu` (Dawn) not included. Then the demo page's
// script dist/demo.js (web/demo.ts), which imports the library from that bundle rather than carrying
// a second copy. The helpers are exported for scripts/demo.mjs and scripts/test-browser.mjs.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const root = fileURLToPath(new URL('..', import.meta.url));
const shaderDir = join(root, 'shaders');
export const libraryFile = join(root, 'dist/webgpu-hat.browser.js');
export const nodeLibraryFile = join(root, 'dist/webgpu-hat.node.js');
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
 * src/index.node.ts → dist/webgpu-hat.node.js, for Node users who import the package without a TypeScript
 * loader. Dependencies stay external; kernels are read from shaders/ beside dist/ (runtime/node.ts).
 */
export async function buildNodeLibrary({ minify = false } = {}) {
  await build({
    entryPoints: [join(root, 'src/index.node.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: nodeLibraryFile,
    packages: 'external', minify, sourcemap: true, logLevel: 'warning',
  });
  return { kib: statSync(nodeLibraryFile).size / 1024 };
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const minify = process.argv.includes('--minify');
  const lib = await buildLibrary({ minify });
  console.log(`dist/webgpu-hat.browser.js: ${lib.kib.toFixed(1)} KiB, ${lib.kernels} kernels inlined (createBrowserEngine(shaders) to start)`);
  const nodeLib = await buildNodeLibrary({ minify });
  console.log(`dist/webgpu-hat.node.js: ${nodeLib.kib.toFixed(1)} KiB (Node entry; reads shaders/ beside dist/)`);
  const demo = await buildDemo({ minify });
  console.log(`dist/demo.js: ${demo.kib.toFixed(1)} KiB (the demo page's script; npm run demo serves it)`);
}
