#!/usr/bin/env node
// The test command: type-check, the layer rules, then every test/**/*.test.ts file in its own process,
// then one line "N passed, N failed, N skipped" that CI reads.
// Usage: node scripts/test.mjs [filter-substring ...]   (filters skip the typecheck and the layer rules)
//        node scripts/test.mjs --layers                  (the layer rules alone)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const layersOnly = process.argv.includes('--layers');
const skipWholeTreeChecks = process.argv.includes('--no-typecheck') || filters.length > 0;

function findFiles(dir, keep) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findFiles(path, keep);
    return keep(name) ? [relative(root, path)] : [];
  });
}

/**
 * The layer rules of .dependency-cruiser.cjs over src/, bench/ and web/. dependency-cruiser parses
 * TypeScript only through the TypeScript 5 API (or swc); TypeScript 7 has no JavaScript API. So each .ts
 * file is stripped to JavaScript by esbuild into a temporary copy of the tree (`import type` kept as an
 * import: a type-only import still ties two layers), relative `.ts` specifiers renamed to `.js`, and the
 * copy is cruised through dependency-cruiser's API (its CLI refuses Node 20, which this package supports).
 * Returns the violations, paths as in the repository.
 */
async function layerViolations() {
  const { cruise } = await import('dependency-cruiser');
  const { transformSync } = await import('esbuild');
  const ruleSet = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs'));
  const copy = mkdtempSync(join(tmpdir(), 'webgpu-hat-layers-'));
  const original = new Map();
  try {
    const sources = ['src', 'bench', 'web'].flatMap((d) => findFiles(join(root, d), (n) => /\.(ts|mjs|js)$/.test(n) && !n.endsWith('.d.ts')));
    for (const file of sources) {
      let text = readFileSync(join(root, file), 'utf8');
      if (file.endsWith('.ts')) {
        text = text.replace(/\bimport\s+type\s+/g, 'import ').replace(/\bexport\s+type\s+(\{[^}]*\}\s*from\b)/g, 'export $1');
        // verbatimModuleSyntax: keep every import, used or not (`{ type A }` alone stays an import of the module).
        text = transformSync(text, { loader: 'ts', format: 'esm', sourcefile: file, tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } }).code;
      }
      text = text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2');
      const target = file.replace(/\.ts$/, '.js');
      original.set(target, file);
      mkdirSync(dirname(join(copy, target)), { recursive: true });
      writeFileSync(join(copy, target), text);
    }
    copyFileSync(join(root, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const result = await cruise(['src', 'bench', 'web'], { ...ruleSet.options, baseDir: copy, validate: true, ruleSet, outputType: 'json' });
    const { summary } = JSON.parse(result.output);
    const name = (p) => original.get(p) ?? p;
    // An unresolved relative import is shown as written in the .ts source.
    const target = (from, to) => original.get(to) ?? (name(from).endsWith('.ts') ? to.replace(/^(\.{1,2}\/.*)\.js$/, '$1.ts') : to);
    return { modules: summary.totalCruised, violations: summary.violations.map((v) => ({ rule: v.rule.name, from: name(v.from), to: target(v.from, v.to), cycle: v.cycle?.map((c) => name(c.name ?? c)) })) };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function checkLayers() {
  process.stdout.write('== layers (dependency-cruiser)\n');
  try {
    const { modules, violations } = await layerViolations();
    for (const v of violations) process.stdout.write(`  ${v.rule}: ${v.cycle?.length ? [v.from, ...v.cycle].join(' → ') : `${v.from} → ${v.to}`}\n`);
    process.stdout.write(`  ${modules} modules, ${violations.length} violation${violations.length === 1 ? '' : 's'} of .dependency-cruiser.cjs\n`);
    return violations.length === 0;
  } catch (e) {
    process.stdout.write(`  the layer check could not run: ${e?.stack ?? e}\n`);
    return false;
  }
}

let passed = 0, failed = 0, skipped = 0;
const failures = [];
const skips = [];
const started = Date.now();

if (layersOnly) {
  const ok = await checkLayers();
  process.stdout.write(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed, 0 skipped\n`);
  process.exit(ok ? 0 : 1);
}

if (!skipWholeTreeChecks) {
  process.stdout.write('== typecheck (tsc --noEmit)\n');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], { stdio: 'inherit', cwd: root });
  if (tsc.status === 0) passed++; else { failed++; failures.push('typecheck'); }
  if (await checkLayers()) passed++; else { failed++; failures.push('layers'); }
}

const files = findFiles(join(root, 'test'), (n) => n.endsWith('.test.ts')).sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
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
  for (const reason of s.skips ?? []) skips.push(`${file}: ${reason}`);
  if (s.failed > 0) failures.push(file);
  process.stdout.write(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}

process.stdout.write(`\n${files.length} test files in ${((Date.now() - started) / 1000).toFixed(0)} s${failures.length ? `; failing: ${failures.join(', ')}` : ''}\n`);
// Skipped tests are listed again here so that what did not run is never lost in the scroll.
for (const s of skips) process.stdout.write(`SKIP ${s}\n`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed > 0 ? 1 : 0);
