#!/usr/bin/env node
// Builds the browser bundle dist/webgpu-hat.browser.js: src/index.ts with every shaders/*.wgsl inlined
// as text (a virtual module), no Node built-ins, `webgpu` (Dawn) not included.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const shaderDir = join(root, 'shaders');
const shaders = Object.fromEntries(readdirSync(shaderDir).filter((f) => f.endsWith('.wgsl')).map((f) => [f.slice(0, -5), readFileSync(join(shaderDir, f), 'utf8')]));

const inlineShaders = {
  name: 'inline-shaders',
  setup(b) {
    b.onResolve({ filter: /^virtual:webgpu-hat-shaders$/ }, () => ({ path: 'shaders', namespace: 'wgsl' }));
    b.onLoad({ filter: /.*/, namespace: 'wgsl' }, () => ({ contents: `export default ${JSON.stringify(shaders)};`, loader: 'js' }));
  },
};

const outfile = join(root, 'dist/webgpu-hat.browser.js');
await build({
  stdin: {
    contents: `export * from './src/index.ts';\nexport { default as shaders } from 'virtual:webgpu-hat-shaders';\n`,
    resolveDir: root, sourcefile: 'browser-entry.ts', loader: 'ts',
  },
  bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile, plugins: [inlineShaders],
  external: ['webgpu', 'node:*'], minify: process.argv.includes('--minify'), sourcemap: true, logLevel: 'warning',
});
const kb = (statSync(outfile).size / 1024).toFixed(1);
console.log(`dist/webgpu-hat.browser.js: ${kb} KiB, ${Object.keys(shaders).length} kernels inlined (createBrowserEngine(shaders) to start)`);
