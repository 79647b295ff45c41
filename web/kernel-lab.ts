// The demo page's kernel lab: what `webgpu-hat kernel show | check | bench` (src/cli/kernel.ts) does in
// Node, done in the page on its own engine. Pick a registered kernel, edit its WGSL (the text `kernel
// show` prints, built from the bundle's inlined shaders), check it in the built-in's place against the
// float64 reference, or time it against the built-in in one interleaved run. Every action installs the
// edited text for its own duration only, so the training above never runs an edited kernel.
import { bench, kernels, ShaderCompileError, testing, type Engine } from '../src/index.ts';
import { shaders } from 'virtual:webgpu-hat-shaders';

type KernelDeclaration = kernels.KernelDeclaration;
type Specialisation = kernels.Specialisation;

/** What the lab needs of the page around it. */
export interface KernelLabHost {
  /** The page's engine (the adapter chosen above). */
  engine(): Promise<Engine>;
  /** Locks (true) or unlocks the page's other controls while an edited kernel is installed on the engine. */
  busy(on: boolean): void;
}

/** Which test shapes Check runs: all of the kernel's, or the first few with one seed. */
export type Sweep = 'full' | 'quick';
/** The quick sweep: the first shapes of the kernel's list (the small ones), seed 1 only. */
const QUICK_SHAPES = 3;

export interface CompileMessage { file: string; line: number; column: number; message: string }

/** What the lab has done, for people (rendered) and for the browser tests (window.__demo.lab). */
export interface KernelLabState {
  phase: 'closed' | 'idle' | 'checking' | 'benchmarking';
  kernel: string | null;
  /** The specialisation axes the editor's text is written for (its first line's; tiles and workgroup shape follow each shape). */
  spec: Specialisation | null;
  check: null | { ok: boolean; sweep: Sweep; cases: number; failures: testing.CheckFailure[]; summary: string; ms: number };
  compileErrors: CompileMessage[] | null;
  bench: null | { shape: string; clock: string; rounds: number; ratio: number; low: number; high: number; pairs: number; text: string; ms: number;
    /** The unfused twin's time over the built-in's, when the kernel has a twin for the shape. */
    twin: null | { name: string; ratio: number; low: number; high: number } };
  error: string | null;
  /** After the last action: whether the engine still runs an edited kernel (never, unless the restore failed). */
  overrideLeftInstalled: boolean;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** The WGSL to start from, exactly as `kernel show NAME` prints it: the kernel's files, placeholders and #include lines kept. */
export function kernelSource(decl: KernelDeclaration): string {
  const spec = kernels.portableSpecialisation(decl);
  const shader = decl.shader(spec, decl.shapes[0]!.shape);
  const files = [shader.name, ...(shader.append ?? [])];
  const texts = files.map((f) => {
    const text = shaders[f];
    if (text === undefined) throw new Error(`kernel ${decl.name}: shaders/${f}.wgsl is not in the bundle`);
    return text;
  });
  return [
    kernels.kernelFileHeader(decl.name, kernels.textAxes(decl, spec), kernels.filesOf(decl, spec, decl.shapes[0]!.shape)),
    `// ${decl.summary}. From shaders/${files.map((f) => `${f}.wgsl`).join(', shaders/')}; double-braced placeholders are filled per call, #include lines pull shared snippets. Check it with: webgpu-hat kernel check FILE.wgsl --as ${decl.name}`,
    texts.join('\n'),
  ].join('\n') + '\n';
}

/**
 * The specialisation axes a text is written for (those that choose its files, e.g. a matmul's core and
 * loader): its first line's, else the portable specialisation's; an error when it names another kernel.
 */
function textSpecOf(decl: KernelDeclaration, text: string): Specialisation {
  let header: { name: string; spec: Specialisation; files: string | null } | null;
  try { header = kernels.parseKernelFile(text); } catch (e) { throw new Error(`the first line's spec is not JSON (${e instanceof Error ? e.message : String(e)})`); }
  if (!header) return kernels.textAxes(decl, kernels.portableSpecialisation(decl));
  if (header.name !== decl.name) throw new Error(`the first line says this text is for kernel ${header.name}, but ${decl.name} is picked`);
  return header.spec;
}

/** The built-in files a text says it was made of (its first line), or null: then it serves every call. */
function textFilesOf(text: string): string | null {
  try { return kernels.parseKernelFile(text)?.files ?? null; } catch { return null; }
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function mountKernelLab(host: KernelLabHost): { state: KernelLabState; setEnabled(enabled: boolean): void } {
  const state: KernelLabState = { phase: 'closed', kernel: null, spec: null, check: null, compileErrors: null, bench: null, error: null, overrideLeftInstalled: false };
  const select = $<HTMLSelectElement>('lab-kernel');
  const source = $<HTMLTextAreaElement>('lab-source');
  const gutter = $('lab-lines');
  const buttons = ['lab-check', 'lab-bench', 'lab-reset', 'lab-kernel', 'lab-sweep', 'lab-shape', 'lab-budget'].map((id) => $<HTMLButtonElement>(id));
  let pageAllows = true;
  // The edited file's name in compiler messages ("edited-gated-matmul.wgsl:23:12").
  const fileName = () => `edited-${state.kernel}`;

  const setButtons = () => {
    const running = state.phase === 'checking' || state.phase === 'benchmarking';
    for (const b of buttons) b.disabled = running || !pageAllows || state.kernel === null;
    select.disabled = running || !pageAllows;
  };

  const renderGutter = () => {
    const lines = source.value.split('\n').length;
    gutter.textContent = Array.from({ length: lines }, (_, i) => String(i + 1)).join('\n');
    gutter.scrollTop = source.scrollTop;
  };

  const showStatus = (text: string) => { $('lab-status').textContent = text; };

  /** Selects a line of the editor (a compile error's) and scrolls it into view. */
  const goToLine = (line: number) => {
    const lines = source.value.split('\n');
    const start = lines.slice(0, Math.max(0, line - 1)).reduce((n, l) => n + l.length + 1, 0);
    source.focus();
    source.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = source.scrollHeight / Math.max(1, lines.length);
    source.scrollTop = Math.max(0, (line - 4) * lineHeight);
    renderGutter();
  };

  const render = () => {
    const out = $('lab-result');
    if (state.compileErrors) {
      out.innerHTML = `<div class="lab-fail"><b>Does not compile</b> (ShaderCompileError):</div><ul class="lab-errors">${state.compileErrors.map((m, i) =>
        `<li><a href="#" data-line="${m.line}" data-i="${i}">${escapeHtml(m.file)}.wgsl line ${m.line}, column ${m.column}</a>: ${escapeHtml(m.message)}</li>`).join('')}</ul>`;
      for (const a of out.querySelectorAll<HTMLAnchorElement>('a[data-line]')) a.addEventListener('click', (ev) => { ev.preventDefault(); goToLine(Number(a.dataset.line)); });
    } else if (state.error) {
      out.innerHTML = `<div class="lab-fail">${escapeHtml(state.error)}</div>`;
    } else if (state.check) {
      const c = state.check;
      const scope = c.sweep === 'quick' ? `quick sweep: the first ${QUICK_SHAPES} test shapes, seed 1 only` : 'every test shape';
      if (c.ok) out.innerHTML = `<div class="lab-pass"><b>Pass</b>: ${escapeHtml(c.summary)} (${scope}; ${(c.ms / 1000).toFixed(1)} s)</div>`;
      else {
        const rows = c.failures.slice(0, 6).map((f) => `<tr><td>${f.kind}</td><td>${escapeHtml(f.shape)}</td><td>${f.seed}</td><td>${escapeHtml(f.output)}[${f.index}]</td><td>${f.expected}</td><td>${f.actual}</td><td>${f.count}</td></tr>`).join('');
        out.innerHTML = `<div class="lab-fail"><b>Fail</b>: ${c.failures.length} failing case${c.failures.length === 1 ? '' : 's'} of ${c.cases} (${scope}; ${(c.ms / 1000).toFixed(1)} s)</div>`
          + `<div class="lab-table"><table><thead><tr><th>what</th><th>shape</th><th>seed</th><th>element</th><th>expected</th><th>actual</th><th>elements failing so</th></tr></thead><tbody>${rows}</tbody></table></div>`;
      }
    } else out.textContent = '';
    if (state.bench && !state.compileErrors && !state.error) {
      const b = state.bench;
      const change = `${(Math.abs(1 - b.ratio) * 100).toFixed(1)} % ${b.ratio < 1 ? 'less' : 'more'} time`;
      const verdict = b.low <= 1 && b.high >= 1 ? 'the interval holds 1: the run cannot tell them apart' : `the interval excludes 1: the edited kernel takes ${change}`;
      $('lab-ratio').innerHTML = `time edited / built-in = <b>${b.ratio.toFixed(3)}×</b> [${b.low.toFixed(3)}, ${b.high.toFixed(3)}] (95 % interval, ${b.pairs} paired ratios): ${verdict}. ${escapeHtml(b.shape)}, ${b.rounds} interleaved rounds on the ${b.clock === 'wall' ? 'wall clock' : 'GPU timestamps'}, ${(b.ms / 1000).toFixed(1)} s.`
        + (b.twin ? ` The unfused twin (${escapeHtml(b.twin.name)}, its passes at the registry's choice): time twin / built-in = <b>${b.twin.ratio.toFixed(3)}×</b> [${b.twin.low.toFixed(3)}, ${b.twin.high.toFixed(3)}].` : '');
    } else {
      $('lab-ratio').textContent = '';
      $('lab-chart').innerHTML = '';
    }
    setButtons();
  };

  const pick = (name: string) => {
    const decl = kernels.builtinKernel(name);
    state.kernel = name;
    state.spec = kernels.textAxes(decl, kernels.portableSpecialisation(decl));
    state.check = null; state.bench = null; state.compileErrors = null; state.error = null;
    source.value = kernelSource(decl);
    source.scrollTop = 0;
    $('lab-summary').textContent = `${decl.summary}; ${decl.shapes.length} test shapes (${decl.shapes.map((c) => decl.describeShape(c.shape)).join(', ')})`;
    // Benchmark shapes: the test shapes, the one with the most arithmetic first chosen (as the CLI's).
    const largest = kernels.timingCaseIndex(decl);
    $<HTMLSelectElement>('lab-shape').innerHTML = decl.shapes.map((c, i) => `<option value="${i}"${i === largest ? ' selected' : ''}>${escapeHtml(decl.describeShape(c.shape))}${i === largest ? ' (most arithmetic)' : ''}</option>`).join('');
    showStatus('');
    renderGutter();
    render();
  };

  /** Runs one action with the page locked; a compile error or any other failure is shown, never thrown. */
  const act = async (phase: 'checking' | 'benchmarking', fn: (engine: Engine, decl: KernelDeclaration, text: string, spec: Specialisation) => Promise<void>) => {
    const decl = kernels.builtinKernel(state.kernel!);
    state.phase = phase;
    state.compileErrors = null; state.error = null;
    if (phase === 'checking') state.check = null; else state.bench = null;
    host.busy(true);
    render();
    showStatus(phase === 'checking' ? 'checking against the float64 reference…' : 'timing the edited kernel against the built-in…');
    const t0 = performance.now();
    let engine: Engine | null = null;
    try {
      const text = source.value;
      const spec = textSpecOf(decl, text);
      state.spec = spec;
      engine = await host.engine();
      await fn(engine, decl, text, spec);
      showStatus(`${phase === 'checking' ? 'checked' : 'timed'} as the text for ${JSON.stringify(spec)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      if (err instanceof ShaderCompileError) {
        state.compileErrors = err.messages.map((m) => ({ file: m.file, line: m.line, column: m.column, message: m.message }));
        // The message names the edited text by its file; a line of it is a line of the editor.
        const own = state.compileErrors.find((m) => m.file === fileName() && m.line > 0);
        if (own) goToLine(own.line);
      } else state.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      showStatus('');
    } finally {
      state.overrideLeftInstalled = engine !== null && kernels.kernelOn(engine, decl.name).wgsl !== undefined;
      state.phase = 'idle';
      host.busy(false);
      render();
    }
  };

  const check = () => act('checking', async (engine, decl, text, spec) => {
    const sweep = $<HTMLSelectElement>('lab-sweep').value === 'quick' ? 'quick' : 'full';
    const t0 = performance.now();
    // Installed for this check only (withKernelOverrides removes it again, also when the check throws).
    // Each case runs at the specialisation the registry picks for its shape, with the text's own axes;
    // shapes of another variant of the kernel's files are the built-in's, as in `kernel check`.
    const own = kernels.withText(decl, text, fileName(), spec, textFilesOf(text));
    const choose = (c: (typeof decl.shapes)[number]) => ({ ...own.shippedDefault!(engine, c.shape)!, ...c.spec });
    const served = own.wgslServes ? decl.shapes.filter((c) => own.wgslServes!(choose(c), c.shape)) : [...decl.shapes];
    const result = await kernels.withKernelOverrides(engine, { [decl.name]: own }, () =>
      testing.checkKernel(engine, decl.name, { stopAtFirstFailure: false, shapes: sweep === 'quick' ? served.slice(0, QUICK_SHAPES) : served, ...(sweep === 'quick' ? { seeds: [1] } : {}) }));
    state.check = { ok: result.ok, sweep, cases: result.cases, failures: result.failures, summary: result.summary, ms: performance.now() - t0 };
  });

  const benchmark = () => act('benchmarking', async (engine, decl, text, spec) => {
    const budgetMs = Number($<HTMLSelectElement>('lab-budget').value) || 1000;
    const shape = decl.shapes[Number($<HTMLSelectElement>('lab-shape').value)]?.shape ?? decl.shapes[kernels.timingCaseIndex(decl)]!.shape;
    // The edited text travels in its own declaration, so nothing is installed on the engine at all. Both
    // run at one specialisation: the built-in's choice for this shape with the text's axes (as kernel bench).
    const own = { ...decl, ...kernels.withText(decl, text, fileName(), spec, textFilesOf(text)) } as KernelDeclaration;
    const at = own.shippedDefault?.(engine, shape) ?? own.heuristic(engine, shape);
    const builtin = bench.fromDeclaration(decl, shape, at, { name: `${decl.name} (built-in)` });
    const edited = bench.fromDeclaration(own, shape, at, { name: `${decl.name} (edited)` });
    // A fused kernel's unfused twin joins the run on the same inputs, each of its passes at the registry's choice.
    const twin = decl.unfusedTwin && kernels.UNFUSED_TWINS[decl.name]?.serves(shape) ? bench.fromUnfusedTwin(decl, shape, { name: `${decl.unfusedTwin} (unfused twin)` }) : null;
    const works = twin ? [builtin, edited, twin] : [builtin, edited];
    const t0 = performance.now();
    try {
      const cmp = await bench.compareKernels(engine, works, { budgetMs });
      const r = cmp.ratios[0]!;
      const t = twin ? cmp.ratios[1]! : null;
      state.bench = {
        shape: `${decl.name} ${decl.describeShape(shape)} at ${JSON.stringify(at)}`, clock: cmp.clock, rounds: cmp.rounds, ratio: r.ratio, low: r.low, high: r.high, pairs: r.pairs, text: bench.formatComparison(cmp), ms: performance.now() - t0,
        twin: t ? { name: decl.unfusedTwin!, ratio: t.ratio, low: t.low, high: t.high } : null,
      };
      $('lab-chart').innerHTML = bench.resultsChartSvg(cmp.variants, `${decl.name} ${decl.describeShape(shape)}: built-in, edited${twin ? ' and unfused twin' : ''}`);
    } finally {
      for (const w of works) w.dispose();
    }
  });

  source.addEventListener('input', renderGutter);
  source.addEventListener('scroll', () => { gutter.scrollTop = source.scrollTop; });
  // Tab indents rather than leaving the editor.
  source.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Tab' || ev.shiftKey) return;
    ev.preventDefault();
    source.setRangeText('  ', source.selectionStart, source.selectionEnd, 'end');
    renderGutter();
  });
  select.addEventListener('change', () => pick(select.value));
  $('lab-reset').addEventListener('click', () => pick(state.kernel!));
  $('lab-check').addEventListener('click', () => { void check(); });
  $('lab-bench').addEventListener('click', () => { void benchmark(); });
  // The kernel list and the first kernel's text are made when the lab is first opened.
  $<HTMLDetailsElement>('kernel-lab').addEventListener('toggle', () => {
    if (!$<HTMLDetailsElement>('kernel-lab').open || state.phase !== 'closed') return;
    state.phase = 'idle';
    const list = kernels.listKernels();
    select.innerHTML = list.map((k) => `<option value="${escapeHtml(k.name)}">${escapeHtml(k.name)} (${k.kind})</option>`).join('');
    const first = list.find((k) => k.name === 'gated-matmul') ?? list[0];
    if (first) { select.value = first.name; pick(first.name); }
  });
  setButtons();
  return {
    state,
    setEnabled(enabled: boolean) { pageAllows = enabled; setButtons(); },
  };
}
