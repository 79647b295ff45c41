#!/usr/bin/env node
// Writes docs/cli.md, the command-line reference, from the configuration schema (src/config/help.ts
// cliMarkdown). With --check it writes nothing and exits 1 when the committed file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { cliMarkdown } = await import('../src/config/help.ts');
const path = fileURLToPath(new URL('../docs/cli.md', import.meta.url));
const text = cliMarkdown();
if (process.argv.includes('--check')) {
  let committed = '';
  try { committed = readFileSync(path, 'utf8'); } catch { /* missing: out of date */ }
  if (committed !== text) {
    process.stderr.write('docs/cli.md is out of date: run node scripts/cli-docs.mjs\n');
    process.exit(1);
  }
} else {
  writeFileSync(path, text);
  process.stdout.write(`wrote ${path}\n`);
}
