// The pure modules must bundle for browsers: none may reach a node: import, directly or through
// another module.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dataDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/data');

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
}

function nodeImportChain(file: string, seen = new Set<string>()): string[] | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  for (const spec of importsOf(file)) {
    if (spec.startsWith('node:') || ['fs', 'path', 'zlib', 'module', 'os'].includes(spec)) return [file, spec];
    if (spec.startsWith('.')) {
      const chain = nodeImportChain(resolve(dirname(file), spec), seen);
      if (chain) return [file, ...chain];
    }
  }
  return undefined;
}

for (const name of ['index.ts', 'rng.ts', 'dataset.ts', 'idx.ts', 'cifar.ts', 'mnist.ts', 'task.ts', 'sequence-spec.ts']) {
  test(`${name} has no Node imports`, () => {
    const chain = nodeImportChain(join(dataDir, name));
    assert.is(chain, undefined, `Node import via ${chain?.join(' → ')}`);
  });
}

test('the checker does see Node imports', () => {
  assert.ok(nodeImportChain(join(dataDir, 'tasks.ts')));
});

test.run();
