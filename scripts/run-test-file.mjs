// Runs one uvu test file in this process and prints a machine-readable summary line for scripts/test.mjs.
// (Each file gets its own process, so a crashed driver takes down one file, not the suite.)
import { run } from 'uvu/run';
import { resolve } from 'node:path';

const file = resolve(process.argv[2]);
const chunks = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => { chunks.push(String(chunk)); return write(chunk, ...rest); };
let crashed = null;
try {
  await run([{ name: process.argv[2], file }], { bail: false });
} catch (e) {
  crashed = e;
  console.error(e);
}
process.stdout.write = write;
const text = chunks.join('').replace(/\x1b\[[0-9;]*m/g, '');
const num = (label) => Number((text.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0);
// uvu's Total counts the tests that ran; its Skipped counts test.skip(...) calls, which never ran.
const total = num('Total'), ran = num('Passed'), declaredSkips = num('Skipped');
// Tests that ran and called skip() (test/helpers.ts) returned normally, so uvu counted them as passed.
const selfSkips = globalThis.__webgpuHatTestSkips ?? [];
const passed = Math.max(0, ran - selfSkips.length);
const skipped = declaredSkips + selfSkips.length;
const failed = crashed ? Math.max(1, total - ran) : total - ran;
await globalThis.__webgpuHatTestEngine?.then((e) => e.destroy()).catch(() => {});
console.log(`@@summary ${JSON.stringify({ file: process.argv[2], total, passed, failed, skipped, skips: selfSkips })}`);
process.exit(failed > 0 ? 1 : 0);
