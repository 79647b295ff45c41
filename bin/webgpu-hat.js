#!/usr/bin/env node
// The command line. An installed package runs the compiled JavaScript (dist/node/cli.js); a checkout of the
// repository, which has the TypeScript sources and tsx (a devDependency), runs src/ directly, so a change
// needs no build step to try.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let fromSource = false;
if (existsSync(source)) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    fromSource = true;
  } catch {
    // No tsx (installed without devDependencies): the compiled CLI below.
  }
}
if (fromSource) await import(source.href);
else await import(new URL('../dist/node/cli.js', import.meta.url).href);
