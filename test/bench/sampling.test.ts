// The lab's sampling loops on a fake clock: interleaving order, warm-up, units per sample, the SEM stop
// rule and the time budget, and the comparison's ratios. No real time is measured.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchSampler } from '../../bench/lab/bench-kernel.ts';
import { compareSamplers } from '../../bench/lab/compare.ts';
import { interleavedRounds } from '../../bench/lab/schedule.ts';
import { formatComparison, formatResultsTable, resultsChartSvg } from '../../bench/lab/format.ts';
import { FakeClock, fakeSampler, normals } from './fake-sampler.ts';

test('interleaving: never a variant twice in a row; with three or more the first rotates', () => {
  const flat = (n: number, rounds: number) => interleavedRounds(n, rounds).flat();
  assert.equal(flat(2, 3), [0, 1, 0, 1, 0, 1]);
  assert.equal(interleavedRounds(3, 4), [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 2]]);
  for (const n of [2, 3, 4, 5]) {
    const order = flat(n, 3 * n);
    for (let i = 1; i < order.length; i++) assert.is.not(order[i], order[i - 1], `${n} variants, slot ${i}`);
    const rounds = interleavedRounds(n, 3 * n);
    for (const round of rounds) assert.equal([...round].sort(), [...Array(n).keys()], 'each variant once per round');
    if (n >= 3) for (let v = 0; v < n; v++) assert.is(rounds.filter((r) => r[0] === v).length, 3, `variant ${v} first as often as the others`);
  }
});

test('benchSampler: warm-up untimed, units chosen for the target sample time, stops once the SEM is under 1 %', async () => {
  const clock = new FakeClock();
  const noise = normals(3);
  // First call is a slow "compile"; then 0.5 ms per unit ± 2 %.
  const s = fakeSampler('k', clock, (i) => (i === 0 ? 50 : 0.5 * (1 + 0.02 * noise())));
  const r = await benchSampler(s, { now: clock.now, warmupMs: 0, targetSampleMs: 10, budgetMs: 1e9 });
  assert.is(s.calls[0], 1, 'warm-up takes one unit');
  assert.is(s.calls[1], 1, 'two warm-up samples at least');
  assert.is(r.unitsPerSample, 20, '10 ms / 0.5 ms');
  assert.is(r.stoppedBy, 'precise');
  assert.ok(r.stats.relativeSem < 0.01);
  assert.ok(r.stats.n >= 5, 'not before minSamples');
  assert.ok(!r.samples.includes(50), 'the compile sample is not in the results');
  assert.ok(Math.abs(r.gflops! - 2e6 / (r.stats.median * 1e6)) < 1e-12, 'GFLOP/s from the median');
  assert.ok(Math.abs(r.gbps! - 4e6 / (r.stats.median * 1e6)) < 1e-12, 'GB/s from the median');
});

test('benchSampler: a noisy kernel stops at the budget (in ms of the clock), with at least three samples', async () => {
  const clock = new FakeClock();
  const s = fakeSampler('noisy', clock, (i) => (i % 2 ? 1 : 3));
  const r = await benchSampler(s, { now: clock.now, warmupMs: 0, units: 1, budgetMs: 40 });
  assert.is(r.stoppedBy, 'budget');
  assert.ok(r.elapsedMs >= 40 && r.elapsedMs < 40 + 3, `elapsed ${r.elapsedMs}`);
  const slow = fakeSampler('slow', clock, () => 1000);
  const rs = await benchSampler(slow, { now: clock.now, warmupMs: 0, units: 1, budgetMs: 10, targetRelativeSem: 1e-9 });
  assert.is(rs.stats.n, 3, 'one sample past the budget still gives three');
  const capped = await benchSampler(fakeSampler('capped', clock, (i) => 1 + (i % 2)), { now: clock.now, warmupMs: 0, units: 1, budgetMs: 1e9, maxSamples: 7 });
  assert.is(capped.stoppedBy, 'max-samples');
  assert.is(capped.stats.n, 7);
});

test('compareSamplers: rounds interleave in order, ratios against the first with an interval', async () => {
  const clock = new FakeClock();
  const noise = normals(5);
  const log: string[] = [];
  const jitter = () => 1 + 0.01 * noise();
  const a = fakeSampler('A', clock, () => 2 * jitter(), log);
  const b = fakeSampler('B', clock, () => 1 * jitter(), log);
  const c = fakeSampler('C', clock, () => 4 * jitter(), log);
  const r = await compareSamplers([a, b, c], { now: clock.now, warmupMs: 0, units: 1, budgetMs: 1e9 });
  assert.is(r.stoppedBy, 'precise');
  assert.equal(r.order.slice(0, 6), ['A', 'B', 'C', 'B', 'C', 'A']);
  assert.equal(log.slice(6, 12), ['A', 'B', 'C', 'B', 'C', 'A'], 'the samplers were called in that order after the warm-ups');
  const [ba, ca] = r.ratios;
  assert.is(ba!.variant, 'B');
  assert.is(ba!.baseline, 'A');
  assert.ok(ba!.low < 0.5 && 0.5 < ba!.high && ba!.high - ba!.low < 0.05, `B/A ${ba!.low}..${ba!.high}`);
  assert.ok(ca!.low < 2 && 2 < ca!.high, `C/A ${ca!.low}..${ca!.high}`);
  const text = formatComparison(r);
  assert.match(text, /time B \/ A = 0\.\d{3}× \[/);
  assert.match(text, /interleaved rounds on the wall clock/);
  assert.match(formatResultsTable(r.variants), /clock: fake clock/);
  assert.match(resultsChartSvg(r.variants), /<svg[^>]*>/);
});

test('compareSamplers refuses variants on different clocks or with the same name', async () => {
  const clock = new FakeClock();
  const a = fakeSampler('A', clock, () => 1);
  const gpu = { ...fakeSampler('G', clock, () => 1), clock: 'gpu-timestamp' as const };
  let message = '';
  try { await compareSamplers([a]); } catch (e) { message = (e as Error).message; }
  assert.match(message, /at least two/);
  try { await compareSamplers([a, gpu]); } catch (e) { message = (e as Error).message; }
  assert.match(message, /different clocks/);
  try { await compareSamplers([a, fakeSampler('A', clock, () => 1)]); } catch (e) { message = (e as Error).message; }
  assert.match(message, /names must differ/);
});

test.run();
