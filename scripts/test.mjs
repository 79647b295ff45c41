#!/usr/bin/env node
// The test command: type-check, then every test/**/*.test.ts file in its own process, then one line
// "N passed, N failed" that CI reads. Usage: node scripts/test.mjs [filter-substring ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const skipTypecheck = process.argv.includes('--no-typecheck') || filters.length > 0;

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

let passed = 0, failed = 0, skipped = 0;
const failures = [];
const started = Date.now();

if (!skipTypecheck) {
  process.stdout.write('== typecheck (tsc --noEmit)\n');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], { stdio: 'inherit', cwd: root });
  if (tsc.status === 0) passed++; else { failed++; failures.push('typecheck'); }
}

const files = findTests(join(root, 'test')).sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const t0 = Date.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/run-test-file.mjs'), file], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' }, maxBuffer: 64 << 20,
  });
  const out = child.stdout ?? '';
  process.stdout.write(out.split('\n').filter((l) => !l.startsWith('@@summary')).join('\n'));
  const line = out.split('\n').find((l) => l.startsWith('@@summary '));
  if (!line) {
    failed++;
    failures.push(`${file} (crashed: exit ${child.status}, signal ${child.signal})`);
    continue;
  }
  const s = JSON.parse(line.slice('@@summary '.length));
  passed += s.passed; failed += s.failed; skipped += s.skipped;
  if (s.failed > 0) failures.push(file);
  process.stdout.write(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}

process.stdout.write(`\n${files.length} test files in ${((Date.now() - started) / 1000).toFixed(0)} s${failures.length ? `; failing: ${failures.join(', ')}` : ''}\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 ? 1 : 0);
