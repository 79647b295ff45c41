#!/usr/bin/env node
// The browser tests, in Debian's Chromium (headless, through playwright-core; never a downloaded browser):
//   1. the kernel test files (test/kernels/*.test.ts and others, unchanged) bundled for the page with
//      test/helpers.ts's engine swapped for a browser one, run on the SwiftShader adapter and on lavapipe
//      through compatibility mode; plus the published bundle loaded with <script type="module">;
//   2. the demo page trains a short HAT run to the accuracy stated below, shows it told the task and not
//      (heatmaps, average-accuracy lines), keeps its status and samples/s honest, fits a 420 px screen, and
//      runs the gates microbenchmark; screenshots go to test-output/demo.png and demo-420.png;
//   3. without WebGPU (navigator.gpu deleted; a browser without the WebGPU flag; no adapter) the page shows
//      what to enable, and no error box;
//   4. the demo page's kernel lab on SwiftShader: gated-matmul's text is the CLI's `kernel show`, Check passes
//      on it, fails on a mutant (the gate multiply removed), names the line of a compile error and passes
//      again afterwards on the same engine; Benchmark draws a chart and gives a ratio with its interval.
// Every uvu test and every check is one case; the last line is "N passed, N failed".
// Usage: node scripts/test-browser.mjs [--only swiftshader,lavapipe,demo,kernel-lab,no-webgpu,demo-default] [--files name,...]
//   (demo-default, the page's own default run, runs only when named)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inlineShadersPlugin, root } from './build.mjs';
import { buildIfStale, startServer } from './demo.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = join(root, 'test-output');
const BUNDLE_DIR = join(OUT, 'browser-bundle');
/** The demo run the test trains, and what it must reach (test accuracy, split MNIST, after all 5 tasks). */
const DEMO_RUN = { approach: 'hat', hidden: '100,100', epochs: 2 };
const DEMO_MIN_MEAN_ACCURACY = 0.85;
const DEMO_MIN_FIRST_TASK_ACCURACY = 0.95; // task 1 (digits 0/1) after learning all five: HAT must not forget it
/**
 * The page's default run (HAT then SGD, 100-100, 4 epochs), run only on request (--only demo-default: about
 * three minutes on SwiftShader), must show what the page says it shows: HAT keeps task 1 and ends above SGD.
 */
const DEMO_DEFAULT_CLAIM = { hatFirstTaskMin: 0.99, sgdFirstTaskDropMin: 0.1, meanGapMin: 0.02 };
/** Test files run in the page, per adapter (all of them are kernel or op correctness tests; every op is in test/ops/ops.test.ts's table). */
const FILES = {
  swiftshader: ['test/kernels/elementwise.test.ts', 'test/kernels/matmul.test.ts', 'test/kernels/hat.test.ts', 'test/kernels/reduce.test.ts', 'test/kernels/loss.test.ts',
    'test/kernels/optim.test.ts', 'test/kernels/dropout.test.ts', 'test/kernels/pool.test.ts', 'test/kernels/conv.test.ts', 'test/ops/ops.test.ts',
    'test/autograd.test.ts', 'test/testing/unfused-twins.test.ts'],
  // conv.test.ts takes 90 s through ANGLE's GL translation on lavapipe: it runs on SwiftShader only.
  lavapipe: ['test/kernels/elementwise.test.ts', 'test/kernels/matmul.test.ts', 'test/kernels/hat.test.ts', 'test/kernels/reduce.test.ts', 'test/kernels/loss.test.ts',
    'test/kernels/optim.test.ts', 'test/kernels/dropout.test.ts', 'test/kernels/pool.test.ts', 'test/ops/ops.test.ts',
    'test/autograd.test.ts'],
};
const BASE_FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const ADAPTERS = {
  // A plain requestAdapter() gives SwiftShader (architecture "swiftshader", a fallback adapter).
  swiftshader: { flags: ['--enable-unsafe-webgpu'], query: 'default', check: (a) => a.architecture === 'swiftshader' },
  // ANGLE on Vulkan (Mesa lavapipe) behind WebGPU compatibility mode. Developer features expose
  // adapter.info, the only way to tell it from a silent fallback to SwiftShader.
  lavapipe: { flags: ['--enable-unsafe-webgpu', '--use-angle=vulkan', '--use-webgpu-adapter=opengles', '--enable-webgpu-developer-features'], query: 'compatibility', check: (a) => /llvmpipe|lavapipe/i.test(a.description) && a.featureLevel === 'compatibility' },
};

const argValue = (name) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
const only = argValue('--only')?.split(',');
const fileFilter = argValue('--files')?.split(',');
const wants = (part) => (!only ? part !== 'demo-default' : only.includes(part));

let passed = 0, failed = 0;
const failures = [];
const started = Date.now();
const secs = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
function record(name, ok, detail = '') {
  if (ok) passed++; else { failed++; failures.push(name); }
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}

if (!existsSync(CHROMIUM)) {
  console.log(`no Chromium at ${CHROMIUM}: install Debian's (as root: apt-get install -y chromium) or set CHROMIUM_PATH.`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const { chromium } = await import('playwright-core');
process.env.XDG_RUNTIME_DIR ??= '/tmp';
mkdirSync(OUT, { recursive: true });

// ---------------------------------------------------------------------------------------------------
// Bundles: the library and the demo (as npm run build makes them), and the test files for the page.

await buildIfStale({ log: (m) => console.log(`   ${m}`) });
const allFiles = [...new Set(Object.values(FILES).flat())].filter((f) => !fileFilter || fileFilter.some((s) => f.includes(s)));
rmSync(BUNDLE_DIR, { recursive: true, force: true });
const nodeRuntime = join(root, 'src/runtime/node.ts');
const browserShims = {
  name: 'browser-test-shims',
  setup(b) {
    // test/helpers.ts and matmul.test.ts reach Node's engine and Dawn: the page gets navigator.gpu instead.
    b.onResolve({ filter: /runtime\/node\.ts$/ }, (args) => (join(args.resolveDir, args.path) === nodeRuntime ? { path: join(root, 'test/browser/shims/node-runtime.ts') } : undefined));
    b.onResolve({ filter: /^webgpu$/ }, () => ({ path: join(root, 'test/browser/shims/webgpu.ts') }));
  },
};
const entry = [
  `import { runFiles } from ${JSON.stringify(join(root, 'test/browser/run-in-page.ts'))};`,
  'const wanted = new URLSearchParams(location.search).get("files")?.split(",") ?? null;',
  'const files = [',
  ...allFiles.map((f) => `  [${JSON.stringify(f)}, () => import(${JSON.stringify(join(root, f))})],`),
  '].filter(([f]) => !wanted || wanted.includes(f));',
  'const report = await runFiles(files);',
  'document.getElementById("out").textContent = JSON.stringify(report, null, 1);',
].join('\n');
await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'browser-tests-entry.ts', loader: 'ts' },
  bundle: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: BUNDLE_DIR, entryNames: 'entry',
  plugins: [browserShims, inlineShadersPlugin()], sourcemap: 'inline', logLevel: 'warning',
});
console.log(`   bundled ${allFiles.length} test files for the page (${relative(root, BUNDLE_DIR)}, ${readdirSync(BUNDLE_DIR).length} chunks) [${secs()}]`);

const server = await startServer({ mounts: { '/test/': join(root, 'test/browser'), '/test-bundle/': BUNDLE_DIR } });

async function withBrowser(flags, fn) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_FLAGS, ...flags] });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** A page that collects uncaught errors. */
async function openPage(browser, viewport = { width: 1200, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

// ---------------------------------------------------------------------------------------------------
// 1. Kernel tests per adapter, and the published bundle.

for (const [name, adapter] of Object.entries(ADAPTERS)) {
  if (!wants(name)) continue;
  const files = FILES[name].filter((f) => allFiles.includes(f));
  console.log(`\n== kernel tests on ${name} (${files.length} files) [${secs()}]`);
  await withBrowser(adapter.flags, async (browser) => {
    // The bundle as users load it: <script type="module">, createBrowserEngine(shaders), one kernel.
    {
      const { page, errors } = await openPage(browser);
      await page.goto(`${server.url}test/kernels.html?files=`);
      const r = await page.evaluate(async (query) => {
        const lib = await import('/dist/webgpu-hat.browser.js');
        const engine = await lib.createBrowserEngine(lib.shaders, { adapter: query === 'compatibility' ? { featureLevel: 'compatibility' } : {} });
        const t = lib.kernels.fill(engine, [5], 2.5);
        const values = Array.from(await t.float32());
        t.dispose();
        const info = { ...engine.adapter, description: engine.describe() };
        engine.destroy();
        return { values, info };
      }, adapter.query).catch((e) => ({ error: String(e) }));
      record(`${name}: dist/webgpu-hat.browser.js loads as a module and createBrowserEngine(shaders) runs a kernel`, !r.error && r.values.every((v) => v === 2.5) && errors.length === 0, r.error ?? r.info.description);
      await page.close();
    }
    const { page, errors } = await openPage(browser);
    page.on('console', (m) => { if (process.env.VERBOSE) console.log(`   page: ${m.text()}`); });
    await page.goto(`${server.url}test/kernels.html?adapter=${adapter.query}&files=${files.join(',')}`);
    // A ceiling, not a duration: on a loaded two-core machine lavapipe's matmul and hat files alone took 315 s.
    await page.waitForFunction(() => globalThis.__browserTests?.done === true, null, { timeout: 600_000, polling: 250 }).catch(() => {});
    const report = await page.evaluate(() => globalThis.__browserTests ?? null);
    if (!report) { record(`${name}: the test page started`, false, `page errors: ${errors.join('; ') || 'none'}`); return; }
    if (!report.done) record(`${name}: the test page finished in time`, false, `timed out after ${report.files.length} of ${files.length} files; page errors: ${errors.join('; ') || 'none'}`);
    if (report.error) { record(`${name}: the test page started an engine`, false, report.error); return; }
    const a = report.adapter ?? { architecture: '', description: 'engine not started', featureLevel: '?', limits: {} };
    record(`${name}: the page runs on the ${name} adapter`, adapter.check(a), `${a.architecture || '-'} / ${a.description || '(no description)'}; ${a.featureLevel}; ${a.limits.maxComputeInvocationsPerWorkgroup} invocations per workgroup`);
    for (const f of report.files) {
      passed += f.passed;
      failed += f.failed;
      console.log(`${f.failed ? 'FAIL' : 'ok  '} ${name}: ${f.file}: ${f.passed} passed, ${f.failed} failed${f.skipped ? `, ${f.skipped} skipped` : ''} (${(f.ms / 1000).toFixed(1)} s)`);
      for (const why of f.failures) console.log(`       ${why.split('\n').slice(0, 6).join('\n       ')}`);
      if (f.failed) failures.push(`${name}: ${f.file}`);
    }
    const missing = files.filter((f) => !report.files.some((r) => r.file === f));
    if (missing.length) record(`${name}: every test file ran`, false, `missing ${missing.join(', ')}`);
    if (errors.length) record(`${name}: no uncaught page errors`, false, errors.join('; '));
  });
}

// ---------------------------------------------------------------------------------------------------
// 2. The demo page trains HAT, runs the gates microbenchmark, and is photographed.

if (wants('demo')) {
  console.log(`\n== demo page on swiftshader [${secs()}]`);
  await withBrowser(ADAPTERS.swiftshader.flags, async (browser) => {
    const { page, errors } = await openPage(browser, { width: 1200, height: 1000 });
    const q = new URLSearchParams({ approach: DEMO_RUN.approach, hidden: DEMO_RUN.hidden, epochs: String(DEMO_RUN.epochs), autorun: '1', bench: '1' });
    await page.goto(`${server.url}?${q}`);
    // While the first run trains, the status box says so (not the MNIST download that preceded it).
    await page.waitForFunction(() => (globalThis.__demo?.stepsDone ?? 0) > 20 || ['error', 'done'].includes(globalThis.__demo?.phase), null, { timeout: 120_000, polling: 100 }).catch(() => {});
    await page.waitForTimeout(400); // a frame for the render
    const statusWhileTraining = await page.textContent('#st-phase');
    // autorun trains, then bench=1 runs the microbenchmark: done means both, error or stopped ends early.
    await page.waitForFunction(() => { const d = globalThis.__demo; return d && (d.phase === 'error' || d.phase === 'stopped' || (d.phase === 'done' && d.bench)); }, null, { timeout: 300_000, polling: 500 }).catch(() => {});
    const s = await page.evaluate(() => globalThis.__demo);
    const run = s.runs[0];
    const last = run?.accuracy.at(-1) ?? [];
    const mean = last.length ? last.reduce((x, y) => x + y, 0) / last.length : 0;
    record('demo: shows the adapter it runs on', s.adapter?.architecture === 'swiftshader' && /swiftshader/i.test(await page.textContent('#adapter')), await page.textContent('#adapter'));
    record(`demo: HAT ${DEMO_RUN.hidden}, ${DEMO_RUN.epochs} epochs learns all 5 split-MNIST tasks, mean test accuracy ≥ ${DEMO_MIN_MEAN_ACCURACY}`,
      s.error === null && last.length === 5 && mean >= DEMO_MIN_MEAN_ACCURACY, s.error ?? `after task 5: ${last.map((v) => (v * 100).toFixed(1)).join(' ')} (mean ${(mean * 100).toFixed(1)} %), ${run?.samplesPerSecond.toFixed(0)} samples/s`);
    record(`demo: task 1 still ≥ ${DEMO_MIN_FIRST_TASK_ACCURACY} after all five (no forgetting)`, (last[0] ?? 0) >= DEMO_MIN_FIRST_TASK_ACCURACY, `first column: ${run?.accuracy.map((r) => (r[0] * 100).toFixed(1)).join(' → ')}`);
    const cells = await page.locator('#heatmaps rect[fill^="hsl"]').count();
    const paths = await page.locator('#loss-chart path').count();
    const bars = await page.locator('#mask-chart rect title').count();
    record('demo: draws the heatmap (15 cells), the loss curve and the mask usage bars', cells === 15 && paths >= 1 && bars >= 2, `${cells} cells, ${paths} curve, ${bars} mask segments; mask usage ${run?.maskUsage.at(-1)?.map((v) => v.toFixed(2)).join(', ')}`);
    // Capacity: a row per task and one for all tasks; uses = shared + new in every cell; the units all
    // tasks use agree with the mask-usage bars (the cumulative mask above the same threshold), to a unit.
    const capacity = run?.capacity;
    const capacityRows = await page.locator('#capacity-table table.capacity tr').count();
    const consistent = !!capacity && capacity.tasks.length === 5 && capacity.tasks.every((t) => t.layers.every((l) => l.used === l.shared + l.claimed && l.free >= 0 && l.free <= l.units))
      && capacity.total.every((l, i) => Math.abs(l.used - Math.round((run.maskUsage.at(-1)?.[i] ?? -1) * l.units)) <= 1 && l.free === capacity.tasks.at(-1).layers[i].free);
    record('demo: the capacity table gives each task\'s units per layer (uses, shared, new, free) and agrees with the mask usage', consistent && capacityRows === 2 + 5 + 1,
      `${capacityRows} rows; all tasks: ${capacity?.total.map((l) => `${l.layer} ${l.used}/${l.units}`).join(', ')}; mask usage ${run?.maskUsage.at(-1)?.map((v) => v.toFixed(3)).join(', ')}`);
    record('demo: the status box reads "training" during the run, not "loading MNIST"', statusWhileTraining === 'training', `status: ${statusWhileTraining}`);
    const agnostic = run?.accuracyTaskAgnostic ?? [];
    const inference = run?.taskInference ?? [];
    record('demo: task-agnostic accuracy and task inference after every task, the task inferred from the masks (1 task: always right)',
      agnostic.length === 5 && agnostic.every((row, t) => row.length === t + 1 && row.every((v) => v >= 0 && v <= 1)) && inference[0]?.[0] === 1 && agnostic[4].every((v, u) => v <= inference[4][u] + 1e-9),
      `after task 5, not told the task: ${agnostic.at(-1)?.map((v) => (v * 100).toFixed(1)).join(' ')}; task inferred right ${inference.at(-1)?.map((v) => (v * 100).toFixed(1)).join(' ')}`);
    const averageLines = await page.locator('#average-chart path.line').count();
    const summary = (await page.textContent('#summary')) ?? '';
    record('demo: the average-accuracy chart has a line told the task and one not; the summary gives both', averageLines === 2 && /told the task \d/.test(summary) && /not told \d/.test(summary), `${averageLines} lines; summary: ${summary}`);
    const box = (await page.textContent('#st-rate')) ?? '';
    record('demo: the samples/s box agrees with the summary line', !!run && box === run.samplesPerSecond.toFixed(0) && summary.includes(`${box} samples/s`), `box ${box}, run ${run?.samplesPerSecond.toFixed(1)}, summary: …${summary.slice(-40)}`);
    await page.selectOption('#view', 'agnostic');
    await page.waitForTimeout(300);
    const agnosticHeading = (await page.textContent('#heatmaps')) ?? '';
    const agnosticCells = await page.locator('#heatmaps rect[fill^="hsl"]').count();
    record('demo: the view switch shows the matrices not told the task', /not told the task/.test(agnosticHeading) && agnosticCells === 15, `${agnosticCells} cells`);
    await page.selectOption('#view', 'aware');
    await page.setViewportSize({ width: 420, height: 900 });
    await page.waitForTimeout(300);
    const narrow = await page.evaluate(() => {
      const width = (sel) => document.querySelector(sel)?.getBoundingClientRect().width ?? 0;
      const stats = document.getElementById('stats');
      const overflowing = [...stats.children].filter((c) => c.scrollWidth > c.clientWidth + 1).length;
      return { page: document.documentElement.scrollWidth, overflowing, heatmap: width('#heatmaps svg'), loss: width('#loss-chart svg'), average: width('#average-chart svg') };
    });
    record('demo: at 420 px nothing overflows and the charts keep the width of the screen', narrow.page <= 420 && narrow.overflowing === 0 && narrow.heatmap >= 250 && narrow.loss >= 330 && narrow.average >= 330, JSON.stringify(narrow));
    await page.screenshot({ path: join(OUT, 'demo-420.png'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 1000 });
    record('demo: the gates microbenchmark reports fused vs unfused', !!s.bench && s.bench.fusedMs > 0 && s.bench.unfusedMs > 0 && Number.isFinite(s.bench.ratio), s.bench ? `${s.bench.shape}: fused ${s.bench.fusedMs.toFixed(2)} ms, unfused ${s.bench.unfusedMs.toFixed(2)} ms, ratio ${s.bench.ratio.toFixed(2)}` : 'no result');
    record('demo: no uncaught page errors', errors.length === 0, errors.join('; '));
    const shot = join(OUT, 'demo.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`   screenshot: ${relative(root, shot)}`);
  });
}

if (wants('demo-default')) {
  console.log(`\n== the demo page's default run on swiftshader [${secs()}]`);
  await withBrowser(ADAPTERS.swiftshader.flags, async (browser) => {
    const { page, errors } = await openPage(browser, { width: 1200, height: 1000 });
    const t0 = Date.now();
    await page.goto(`${server.url}?autorun=1`);
    await page.waitForFunction(() => ['error', 'stopped', 'done'].includes(globalThis.__demo?.phase), null, { timeout: 600_000, polling: 1000 }).catch(() => {});
    const s = await page.evaluate(() => globalThis.__demo);
    const [hat, sgd] = s.runs;
    const mean = (row) => row.reduce((a, b) => a + b, 0) / row.length;
    const first = (r) => r?.accuracy.map((row) => row[0]) ?? [];
    const ok = s.error === null && hat?.approach === 'hat' && sgd?.approach === 'sgd' && hat.accuracy.length === 5 && sgd.accuracy.length === 5
      && Math.min(...first(hat)) >= DEMO_DEFAULT_CLAIM.hatFirstTaskMin
      && Math.max(...first(sgd)) - first(sgd).at(-1) >= DEMO_DEFAULT_CLAIM.sgdFirstTaskDropMin
      && mean(hat.accuracy.at(-1)) - mean(sgd.accuracy.at(-1)) >= DEMO_DEFAULT_CLAIM.meanGapMin;
    const pc = (v) => (100 * v).toFixed(1);
    record('demo default run: HAT keeps task 1, SGD loses it, HAT ends above SGD (the claim on the page)', ok && errors.length === 0,
      s.error ?? `task 1 HAT ${first(hat).map(pc).join(' → ')}, SGD ${first(sgd).map(pc).join(' → ')}; mean after 5 HAT ${pc(mean(hat?.accuracy.at(-1) ?? [0]))} SGD ${pc(mean(sgd?.accuracy.at(-1) ?? [0]))}; not told the task HAT ${pc(mean(hat?.accuracyTaskAgnostic.at(-1) ?? [0]))} SGD ${pc(mean(sgd?.accuracyTaskAgnostic.at(-1) ?? [0]))}; ${((Date.now() - t0) / 1000).toFixed(0)} s, ${hat?.samplesPerSecond.toFixed(0)} / ${sgd?.samplesPerSecond.toFixed(0)} samples/s`);
    await page.screenshot({ path: join(OUT, 'demo-default.png'), fullPage: true });
  });
}

// ---------------------------------------------------------------------------------------------------
// 4. The kernel lab in the demo page: show, check (pass, mutant, compile error, pass again), benchmark.

/** The first line (1-based) where two texts differ, with both versions of it. */
function firstDifference(a, b) {
  const [x, y] = [a.split('\n'), b.split('\n')];
  const i = x.findIndex((line, k) => line !== y[k]);
  const at = i < 0 ? x.length : i;
  return `${at + 1}: page ${JSON.stringify(x[at] ?? '(end)')}, CLI ${JSON.stringify(y[at] ?? '(end)')}`;
}

/** The mutant: the gate multiply removed from gated-matmul's epilogue (h = dropout(relu(·)), no σ(s·e)). */
const LAB_GATE_LINE = 'return v * cv.y;';

if (wants('kernel-lab')) {
  console.log(`\n== kernel lab in the demo page on swiftshader [${secs()}]`);
  // What `kernel show` prints in Node, which the page must reproduce from the bundle's shaders.
  const cli = spawnSync(process.execPath, [join(root, 'bin/webgpu-hat.js'), 'kernel', 'show', 'gated-matmul'], { cwd: root, encoding: 'utf8' });
  await withBrowser(ADAPTERS.swiftshader.flags, async (browser) => {
    const { page, errors } = await openPage(browser, { width: 1200, height: 1000 });
    await page.goto(server.url);
    await page.waitForFunction(() => ['ready', 'error', 'no-webgpu'].includes(globalThis.__demo?.phase), null, { timeout: 60_000 }).catch(() => {});
    await page.click('#kernel-lab > summary');
    await page.selectOption('#lab-kernel', 'gated-matmul');
    const good = await page.inputValue('#lab-source');
    record('kernel lab: gated-matmul shows the text `webgpu-hat kernel show gated-matmul` prints (first line names the spec)',
      cli.status === 0 && good === cli.stdout && /^\/\/ webgpu-hat kernel gated-matmul spec \{/.test(good) && good.includes(LAB_GATE_LINE),
      cli.status !== 0 ? `CLI failed: ${cli.stderr.slice(0, 300)}` : `${good.split('\n').length} lines; ${good === cli.stdout ? 'equal to the CLI' : `DIFFERS from the CLI at line ${firstDifference(good, cli.stdout)}`}; ${good.split('\n')[0]}`);
    const lab = () => page.evaluate(() => globalThis.__demo.lab);
    /** Puts text in the editor, presses a button and waits for the action to end (the lab idle again). */
    const run = async (button, text, timeout = 120_000) => {
      if (text !== undefined) await page.fill('#lab-source', text);
      const t0 = Date.now();
      await page.click(button);
      await page.waitForFunction(() => globalThis.__demo.lab.phase === 'idle', null, { timeout, polling: 100 }).catch(() => {});
      return { s: await lab(), seconds: ((Date.now() - t0) / 1000).toFixed(1), shown: (await page.textContent('#lab-result')) ?? '' };
    };

    const pass = await run('#lab-check');
    record('kernel lab: Check passes on the unchanged text, every test shape (the one past 65,535 workgroups too)', pass.s.check?.ok === true && pass.s.check.sweep === 'full' && /^Pass/.test(pass.shown) && !pass.s.overrideLeftInstalled,
      `${pass.s.check?.summary ?? pass.s.error ?? JSON.stringify(pass.s.compileErrors)} (${pass.seconds} s); spec ${JSON.stringify(pass.s.spec)}`);

    const mutant = await run('#lab-check', good.replace(LAB_GATE_LINE, 'return v;'));
    const f = mutant.s.check?.failures[0];
    const rows = await page.locator('#lab-result table tbody tr').count();
    record('kernel lab: a mutant without the gate multiply fails, its first failures shown (shape, element, expected, actual)',
      mutant.s.check?.ok === false && !!f && f.kind === 'mismatch' && rows >= 1 && /^Fail/.test(mutant.shown) && mutant.shown.includes(f.shape) && !mutant.s.overrideLeftInstalled,
      f ? `${mutant.s.check.failures.length} failing cases of ${mutant.s.check.cases}, first ${f.shape} seed ${f.seed} ${f.output}[${f.index}]: expected ${f.expected}, got ${f.actual}; ${rows} rows shown (${mutant.seconds} s)` : (mutant.s.error ?? 'no failure'));

    await page.locator('#kernel-lab').screenshot({ path: join(OUT, 'demo-kernel-lab-mutant.png') });

    const brokenText = good.replace(LAB_GATE_LINE, 'return v * ;');
    const brokenLine = brokenText.split('\n').findIndex((l) => l.includes('return v * ;')) + 1;
    const broken = await run('#lab-check', brokenText);
    const own = broken.s.compileErrors?.find((m) => m.file === 'edited-gated-matmul');
    record('kernel lab: a text that does not compile shows the compile error at its line',
      !!own && own.line === brokenLine && broken.shown.includes(`line ${brokenLine}`) && broken.s.check === null && !broken.s.overrideLeftInstalled,
      own ? `line ${own.line}:${own.column} (expected ${brokenLine}): ${own.message}` : `no compile error of the edited file: ${broken.s.error ?? JSON.stringify(broken.s.compileErrors)}`);

    await page.locator('#kernel-lab').screenshot({ path: join(OUT, 'demo-kernel-lab-compile-error.png') });

    const again = await run('#lab-check', good);
    record('kernel lab: after the compile error the engine still works: Check on the good text passes again', again.s.check?.ok === true && again.s.compileErrors === null,
      `${again.s.check?.summary ?? again.s.error} (${again.seconds} s)`);

    // A mid-sized shape: SwiftShader takes about half a second per unit of the largest (280,004 rows).
    await page.selectOption('#lab-shape', { label: '128x64x64' });
    await page.selectOption('#lab-budget', '1000');
    const timed = await run('#lab-bench', undefined, 90_000);
    const b = timed.s.bench;
    const bars = await page.locator('#lab-chart svg.chart rect').count();
    const ratioText = (await page.textContent('#lab-ratio')) ?? '';
    record('kernel lab: Benchmark times edited, built-in and the unfused twin in one interleaved run: a chart, and the ratios with their intervals',
      !!b && Number.isFinite(b.ratio) && b.low <= b.ratio && b.ratio <= b.high && bars >= 3 && /time edited \/ built-in = [\d.]+×/.test(ratioText) && !timed.s.overrideLeftInstalled
        && b.twin?.name === 'hat.hatLinearForwardUnfused' && b.twin.low <= b.twin.ratio && b.twin.ratio <= b.twin.high && /time twin \/ built-in = [\d.]+×/.test(ratioText),
      b ? `${ratioText} (${timed.seconds} s, ${bars} bars)` : (timed.s.error ?? JSON.stringify(timed.s.compileErrors)));
    const controls = await page.evaluate(() => ['train', 'bench', 'lab-check'].map((id) => document.getElementById(id).disabled));
    record('kernel lab: the page is unlocked after the lab (Train, the microbenchmark and Check usable) and no uncaught page errors',
      controls.every((d) => !d) && errors.length === 0, `disabled: ${JSON.stringify(controls)}; ${errors.join('; ') || 'no page errors'}`);
    await page.screenshot({ path: join(OUT, 'demo-kernel-lab.png'), fullPage: true });
    // The page's script carries no library code of its own: every import is the bundle's.
    const demoScript = readFileSync(join(root, 'dist/demo.js'), 'utf8');
    const sources = [...demoScript.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    const copies = ['function checkKernel', 'function compareKernels', 'function barChart', 'function listKernels'].filter((f) => demoScript.includes(f));
    record('kernel lab: dist/demo.js imports the library only from dist/webgpu-hat.browser.js (no second copy of the registry, checkKernel, the lab or the charts)',
      sources.length > 0 && sources.every((f) => f === './webgpu-hat.browser.js') && copies.length === 0, `imports from ${[...new Set(sources)].join(', ')}; ${copies.length ? `copies: ${copies.join(', ')}` : 'no copies'}; ${(demoScript.length / 1024).toFixed(1)} KiB`);
  });
}

// ---------------------------------------------------------------------------------------------------
// 3. Without WebGPU the page says what to enable (no blank page, no uncaught error).

if (wants('no-webgpu')) {
  console.log(`\n== demo page without WebGPU [${secs()}]`);
  const check = async (label, browser, init) => {
    const { page, errors } = await openPage(browser);
    if (init) await page.addInitScript(init);
    await page.goto(server.url);
    await page.waitForFunction(() => ['no-webgpu', 'error', 'ready'].includes(document.body.dataset.state ?? ''), null, { timeout: 20_000 }).catch(() => {});
    const state = await page.evaluate(() => document.body.dataset.state);
    const visible = await page.isVisible('#no-webgpu');
    const text = (await page.textContent('#no-webgpu')) ?? '';
    const errorBox = await page.isVisible('#error');
    const ok = visible && !errorBox && /Chrome or Edge 113/.test(text) && /enable-unsafe-webgpu/.test(text) && state === 'no-webgpu' && errors.length === 0;
    record(`no WebGPU (${label}): the page shows what to enable and which browsers, and no error box`, ok, `state ${state}, message ${visible ? 'shown' : 'NOT shown'}, error box ${errorBox ? 'SHOWN' : 'hidden'}${errors.length ? `, page errors: ${errors.join('; ')}` : ''}`);
    if (label.startsWith('navigator.gpu')) await page.screenshot({ path: join(OUT, 'demo-no-webgpu.png') });
  };
  await withBrowser(ADAPTERS.swiftshader.flags, (browser) => check('navigator.gpu deleted before load', browser, () => { delete Object.getPrototypeOf(navigator).gpu; }));
  await withBrowser(['--disable-unsafe-webgpu', '--disable-features=WebGPU,Vulkan', '--disable-gpu'], (browser) => check('Chromium without WebGPU', browser));
  // navigator.gpu present, no adapter (WebGPU blocklisted or switched off by policy).
  await withBrowser(ADAPTERS.swiftshader.flags, (browser) => check('no adapter', browser, () => { if (navigator.gpu) navigator.gpu.requestAdapter = async () => null; }));
}

await server.close();
console.log(`\nbrowser tests in ${secs()}${failures.length ? `; failing: ${failures.join(', ')}` : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
