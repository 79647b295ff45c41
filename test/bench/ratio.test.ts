// Ratios from interleaved runs: bracketing cancels a drifting load, the interval is a t-interval on log
// ratios, and over many synthetic runs it covers the true ratio about as often as it says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bracketedLogRatios, lag1Autocorrelation, pairedRatio, ratioInterval, type RunSample } from '../../bench/lab/ratio.ts';
import { interleavedRounds } from '../../bench/lab/schedule.ts';
import { normals } from './fake-sampler.ts';

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

/** A run in interleaved order where variant v takes base[v] × load(slot) × noise. */
function syntheticRun(base: number[], rounds: number, load: (slot: number) => number, noise: () => number = () => 1): RunSample[] {
  const run: RunSample[] = [];
  for (const round of interleavedRounds(base.length, rounds)) for (const v of round) run.push({ variant: v, ms: base[v]! * load(run.length) * noise() });
  return run;
}

test('each sample of x against the y samples just before and after it; one side at the ends', () => {
  const run: RunSample[] = [{ variant: 0, ms: 1 }, { variant: 1, ms: 3 }, { variant: 0, ms: 4 }, { variant: 1, ms: 5 }];
  const logs = bracketedLogRatios(run, 1, 0);
  assert.is(logs.length, 2);
  near(logs[0]!, Math.log(3 / 2), 1e-12, '3 / √(1·4)');
  near(logs[1]!, Math.log(5 / 4), 1e-12, 'the last x sample has only a y before it');
  near(bracketedLogRatios(run, 0, 1)[0]!, Math.log(1 / 3), 1e-12, 'the first has only a y after it');
  assert.equal(bracketedLogRatios([{ variant: 0, ms: 1 }], 0, 1), [], 'no y at all: no ratio');
});

test('a drifting load cancels: x = 2·y under a drifting load gives 2 (two and three variants)', () => {
  // Exact for a load exponential in time wherever y ran on both sides of x…
  const expDrift = (slot: number) => Math.exp(0.03 * slot);
  for (const base of [[1, 2], [1, 2, 0.5]]) {
    const run = syntheticRun(base, 20, expDrift);
    const inner = bracketedLogRatios(run, 1, 0).slice(1, -1);
    for (const l of inner) near(l, Math.log(2), 1e-9, `bracketed ratio with ${base.length} variants`);
    // …and off by a fraction of one slot's drift at the ends, where one side stands in.
    near(pairedRatio(run, 1, 0).ratio, 2, 0.01, `ratio with ${base.length} variants`);
  }
  near(pairedRatio(syntheticRun([1, 2], 20, (slot) => 1 + 0.05 * slot), 1, 0).ratio, 2, 0.01, 'linear drift');
  const still = pairedRatio(syntheticRun([1, 2, 0.5], 5, () => 1), 1, 0);
  assert.is(still.pairs, 5, 'a pair per round, ends included');
  near(still.low, 2, 1e-9, 'no noise: a zero-width interval');
});

test('the interval narrows with more rounds and has no width with one pair', () => {
  const noise = normals(7);
  const jitter = () => Math.exp(0.05 * noise());
  const short = pairedRatio(syntheticRun([1, 1.5], 8, () => 1, jitter), 1, 0);
  const long = pairedRatio(syntheticRun([1, 1.5], 200, () => 1, jitter), 1, 0);
  assert.ok(long.high - long.low < short.high - short.low, 'more rounds, narrower interval');
  assert.ok(long.low < 1.5 && 1.5 < long.high, `${long.low}..${long.high} covers 1.5`);
  const one = ratioInterval([Math.log(2)]);
  assert.is(one.ratio, 2);
  assert.ok(Number.isNaN(one.low) && Number.isNaN(one.high));
});

test('coverage: the 95 % interval holds the true ratio in about 95 % of noisy runs', () => {
  const noise = normals(11);
  let covered = 0;
  const runs = 400;
  for (let i = 0; i < runs; i++) {
    const r = pairedRatio(syntheticRun([2, 1.7], 12, () => 1, () => Math.exp(0.1 * noise())), 1, 0);
    if (r.low <= 0.85 && 0.85 <= r.high) covered++;
  }
  // Neighbouring bracketed ratios are correlated; the 1 + 2ρ₁ widening keeps the coverage near nominal.
  assert.ok(covered / runs > 0.9 && covered / runs < 0.995, `coverage ${covered / runs}`);
});

test('lag-1 autocorrelation', () => {
  near(lag1Autocorrelation([1, -1, 1, -1, 1, -1]), -5 / 6, 1e-12, 'alternating');
  assert.is(lag1Autocorrelation([1, 2]), 0, 'too short');
  assert.ok(lag1Autocorrelation([1, 2, 3, 4, 5, 6]) > 0.4, 'a trend');
});

test.run();
