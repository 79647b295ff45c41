// The search on a fake space with a fake timer (no GPU, no real time): pruning by device limits, the
// correctness check before any timing, the least of several runs, ties keeping the default; then a real
// search of one small built-in kernel on the test engine, stored and picked up by the registry through
// tunedChoice. Nothing here asserts that anything is fast.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson } from '../../bench/tune/hash.ts';
import { installTuneCache, memoryTuneStorage, nearestFirst, openTuneCache, overDeviceLimits, searchCandidates, TuneCache, tunedChoice, tuneKernel, workgroupShape, type AdapterIdentity } from '../../bench/tune/index.ts';
import { builtinKernel, chooseKernel, setTunedChoiceProvider } from '../../src/kernels/registry.ts';
import { workloadOf, type Specialisation } from '../../src/kernels/declaration.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import { nodeShaderSource } from '../../src/runtime/node.ts';
import { getEngine } from '../helpers.ts';

const LIMITS = { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupSizeY: 256, maxComputeWorkgroupSizeZ: 64 } as GPUSupportedLimits;

test('workgroup size from the axes, pruned against the device limits', () => {
  assert.equal(workgroupShape({ wg: 128 }), [128, 1, 1]);
  assert.equal(workgroupShape({ wx: 16, wy: 8, tm: 4 }), [16, 8, 1]);
  assert.is(workgroupShape({ tile: 4 }), null);
  assert.is(overDeviceLimits({ wx: 16, wy: 16 }, LIMITS), null);
  assert.match(overDeviceLimits({ wx: 32, wy: 16 }, LIMITS)!, /512 invocations per workgroup, the device allows 256/);
  assert.match(overDeviceLimits({ wx: 1, wy: 1, wz: 128 }, LIMITS)!, /per-dimension/);
});

test('a tiny search: pruned, wrong and failing candidates never timed; the least of the runs wins', async () => {
  const space: Specialisation[] = [{ wg: 64 }, { wg: 128 }, { wg: 256 }, { wg: 512 }, { wg: 32 }, { wg: 16 }];
  const timed: string[] = [];
  const checked: string[] = [];
  // wg 32 computes something else; wg 16 throws when run; wg 512 is over the limit.
  const times: Record<number, number[]> = { 64: [3, 2.5, 2.8], 128: [2.1, 1.2, 1.9], 256: [2, 2, 2] };
  const outcome = await searchCandidates<Specialisation>({
    baseline: { wg: 256 },
    candidates: space,
    key: canonicalJson,
    prune: (c) => overDeviceLimits(c, LIMITS),
    check: async (c) => {
      checked.push(String(c.wg));
      if (c.wg === 16) throw new Error('device lost');
      return c.wg === 32 ? 'out[3] = 1, the default gives 2' : null;
    },
    time: async (c) => {
      timed.push(String(c.wg));
      return times[c.wg as number]!.shift()!;
    },
    runs: 3,
  });
  assert.equal(outcome.best, { wg: 128 });
  assert.is(outcome.bestMs, 1.2, 'the least of its three runs');
  assert.is(outcome.baselineMs, 2);
  assert.equal(checked.sort(), ['128', '16', '32', '64'], 'the baseline is not checked against itself; wg 512 is pruned before running');
  assert.ok(!timed.includes('32') && !timed.includes('16') && !timed.includes('512'), 'rejected candidates are never timed');
  assert.equal(timed.slice(0, 3), ['256', '64', '128']);
  assert.equal(timed.slice(3, 6), ['64', '128', '256'], 'each run starts at the next candidate');
  assert.equal(outcome.rejected.map((r) => [r.candidate.wg, r.reason.split(' ')[0]]).sort(), [[16, 'failed'], [32, 'out[3]'], [512, '512']]);
  assert.equal(outcome.timings.map((t) => t.candidate.wg), [128, 256, 64]);
});

test('a tie keeps the baseline', async () => {
  const outcome = await searchCandidates<Specialisation>({
    baseline: { wg: 256 }, candidates: [{ wg: 64 }], key: canonicalJson, prune: () => null, check: async () => null, time: async () => 1,
  });
  assert.equal(outcome.best, { wg: 256 });
});

test('a budgeted search checks until half the budget, says how many it never tried, and times only the faster half again', async () => {
  // A fake clock: each check costs 1 ms, each timing 0.5 ms; the budget is 10 ms.
  let clock = 0;
  const space: Specialisation[] = Array.from({ length: 20 }, (_, i) => ({ wg: i + 1 }));
  const timed: number[][] = [[], [], []];
  let round = 0;
  const outcome = await searchCandidates<Specialisation>({
    baseline: { wg: 100 },
    candidates: space,
    key: canonicalJson,
    prune: () => null,
    check: async () => { clock += 1; return null; },
    // A lower wg is faster here; a run is over when the order wraps (each run starts one candidate later).
    time: async (c) => { clock += 0.5; timed[round]!.push(c.wg as number); return c.wg as number; },
    runs: 3,
    budgetMs: 10,
    now: () => clock,
    log: (line) => { const m = /timing round (\d)/.exec(line); if (m) round = Number(m[1]) - 1; },
  });
  assert.is(outcome.candidates, 20);
  assert.is(outcome.untried, 15, 'checking stopped once 5 ms (half the budget) were spent');
  assert.equal(timed[0]!.slice().sort((a, b) => a - b), [1, 2, 3, 4, 5, 100], 'the first run times every correct candidate and the baseline');
  assert.equal(timed[1]!.slice().sort((a, b) => a - b), [1, 2, 3, 100], 'the second only the faster half (3 of 6) and the baseline');
  assert.equal(timed[2], [], 'the budget was spent before a third run');
  assert.equal(outcome.best, { wg: 1 });
});

test('a budgeted tune takes the candidates nearest the default first: one axis changed, then two, ties in a seeded order', () => {
  const baseline = { core: 'a', tm: 4, tn: 8 };
  const space: Specialisation[] = [];
  for (const core of ['a', 'b']) for (const tm of [4, 8]) for (const tn of [8, 16]) space.push({ core, tm, tn });
  const order = nearestFirst(space, baseline, 1);
  const changed = (c: Specialisation) => Object.keys(c).filter((k) => c[k] !== baseline[k as keyof typeof baseline]).length;
  assert.equal(order.map(changed), [0, 1, 1, 1, 2, 2, 2, 3]);
  assert.equal(order.map(canonicalJson).sort(), space.map(canonicalJson).sort(), 'every candidate, once');
  assert.equal(nearestFirst(space, baseline, 1), order, 'the same seed, the same order');
});

test('without a budget every candidate is checked and nothing is reported untried', async () => {
  const outcome = await searchCandidates<Specialisation>({
    baseline: { wg: 256 }, candidates: [{ wg: 64 }, { wg: 128 }], key: canonicalJson, prune: () => null, check: async () => null, time: async (c) => c.wg as number,
  });
  assert.is(outcome.candidates, 2);
  assert.is(outcome.untried, 0);
  assert.equal(outcome.best, { wg: 64 });
});

test('tunedChoice reads the installed cache; the registry asks it through its hook', async () => {
  const adapter: AdapterIdentity = { vendor: 'fake', architecture: '', description: 'fake', device: '' };
  const cache = await TuneCache.open(adapter, memoryTuneStorage());
  await cache.put({ kernel: 'embedding-grad', shapeClass: 'small', shape: { count: 10, hasPrev: true }, sourceHash: 'x', choice: { wg: 64 }, baseline: { wg: 256 }, ratioToBaseline: 0.9, clock: 'wall', timings: [], rejected: [], date: '' });
  const engine = {} as Engine;
  const previous = setTunedChoiceProvider(() => null);
  try {
    assert.is(tunedChoice(engine, 'embedding-grad', 'small'), null, 'nothing before installing');
    installTuneCache(engine, cache);
    assert.equal(tunedChoice(engine, 'embedding-grad', 'small'), { wg: 64 });
    assert.is(tunedChoice(engine, 'embedding-grad', 'large'), null);
    assert.is(tunedChoice({} as Engine, 'embedding-grad', 'small'), null, 'another engine has no cache');
  } finally {
    setTunedChoiceProvider(previous);
  }
});

test('tuneKernel on the GPU: a small built-in kernel, stored, reused, and chosen by the registry', async () => {
  const engine = await getEngine();
  const decl = builtinKernel('embedding-grad');
  const shape = { count: 2000, hasPrev: true };
  const storage = memoryTuneStorage();
  const cache = await openTuneCache(engine, storage, { shaderSource: nodeShaderSource, warn: (m) => { throw new Error(m); } });
  const previous = setTunedChoiceProvider(() => null);
  try {
    const entry = await tuneKernel(engine, decl, shape, { cache, shaderSource: nodeShaderSource, runs: 1, budgetMs: 20 });
    assert.is(entry.kernel, 'embedding-grad');
    assert.is(entry.shapeClass, decl.shapeClass(shape));
    const candidates = workloadOf(decl, shape).candidatesOn(engine);
    assert.ok(candidates.some((c) => c.wg === entry.choice.wg), JSON.stringify(entry.choice));
    assert.is(entry.timings.length + entry.rejected.length, candidates.length, 'every candidate timed or rejected with a reason');
    assert.equal(entry.rejected, [], 'every workgroup size computes what the default computes');
    assert.match(entry.sourceHash, /^[0-9a-f]{64}$/);
    const again = await tuneKernel(engine, decl, shape, { cache, shaderSource: nodeShaderSource, runs: 1, budgetMs: 20 });
    assert.is(again, entry, 'a current entry is reused, not searched again');
    const reopened = await openTuneCache(engine, storage, { shaderSource: nodeShaderSource, warn: (m) => { throw new Error(m); } });
    assert.equal(reopened.choice('embedding-grad', entry.shapeClass), entry.choice, 'the stored hash matches the kernel as it is');
    installTuneCache(engine, reopened);
    const choice = chooseKernel(engine, 'embedding-grad', shape);
    assert.is(choice.source, 'tuned');
    assert.equal(choice.spec, entry.choice);
  } finally {
    setTunedChoiceProvider(previous);
  }
});

test.run();
