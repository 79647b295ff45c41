// The usage texts and docs/cli.md come from the schema: every flag of every command with its default and
// range, every approach and benchmark name; the committed docs/cli.md is what scripts/cli-docs.mjs writes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPROACHES, BENCHMARKS, COMMANDS, TRAIN_SETTINGS, cliMarkdown, commandUsage, fullHelp, topUsage } from '../../src/config/index.ts';
import { ROOT } from '../faults/_cli.ts';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('each command\'s usage lists each of its flags, with its placeholder', () => {
  for (const c of COMMANDS) {
    const usage = commandUsage(c.name);
    assert.ok(usage.startsWith(`Usage: webgpu-hat ${c.name} [flags]\n`), c.name);
    for (const s of c.sections.flatMap((x) => x.settings)) {
      assert.match(usage, new RegExp(`^  --${escape(s.flag)}${s.metavar ? ` ${escape(s.metavar)}` : ''}(  |\\n)`, 'm'), `${c.name}: --${s.flag}`);
    }
  }
  const compare = commandUsage('compare');
  for (const flag of ['--hidden', '--epochs', '--lambda', '--generations', '--benchmark']) assert.ok(compare.includes(flag), `compare mentions ${flag}`);
});

test('train --help: every flag, every approach and benchmark, defaults and ranges', () => {
  const usage = commandUsage('train');
  for (const s of TRAIN_SETTINGS) assert.ok(usage.includes(`--${s.flag}`), `--${s.flag}`);
  for (const a of APPROACHES) assert.ok(usage.includes(a), a);
  for (const b of BENCHMARKS) assert.ok(usage.includes(b), b);
  const line = (flag: string) => usage.slice(usage.indexOf(`\n  --${flag} `) + 3).split(/\n  --/)[0]!.replace(/\s+/g, ' ');
  assert.match(line('epochs'), /integer ≥ 1; default 10; --paper 20/);
  assert.match(line('hidden'), /default 400,400; --paper 2000,2000/);
  assert.match(line('c'), /^--c X hat, adahat: .*\(> 0; default 0\.75\)/);
  assert.match(line('clip'), /default 10000; ewc 100, imm-mode 1000, lwf 100, lfl 200, pathnet 1000/);
  assert.match(line('lambda'), /^--lambda X ewc, imm-mean, imm-mode, lwf, lfl: .*default ewc 5000, imm-mean 0\.0001, imm-mode 0\.01, lwf 2, lfl 0\.05/);
  assert.match(line('generations'), /^--generations N pathnet: .*default 20/);
  assert.match(line('temperature'), /^--temperature X lwf: .*default 1\)/);
  for (const l of usage.split('\n')) assert.ok(l.length <= 100 || !l.includes(' '), `a line over 100 columns: ${l}`);
});

test('the top-level usage: one line per command; help: then every command', () => {
  const top = topUsage();
  for (const c of COMMANDS) assert.is(top.split('\n').filter((l) => l.startsWith(`  webgpu-hat ${c.name} [flags]`)).length, 1, c.name);
  const all = fullHelp();
  for (const c of COMMANDS) assert.ok(all.includes(commandUsage(c.name)), c.name);
});

test('docs/cli.md is the generated reference (node scripts/cli-docs.mjs rewrites it)', () => {
  const committed = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
  assert.ok(committed === cliMarkdown(), 'docs/cli.md is out of date: run node scripts/cli-docs.mjs');
  for (const s of TRAIN_SETTINGS) assert.ok(committed.includes(`\`--${s.flag}`), `docs/cli.md: --${s.flag}`);
});

test.run();
