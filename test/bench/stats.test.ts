// The lab's statistics on synthetic samples: order statistics, mean and standard error, Student's t
// quantiles against tabulated values, and the SEM stop rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mean, median, precise, quantile, standardError, summarize, variance } from '../../bench/lab/stats.ts';
import { studentTCdf, studentTQuantile } from '../../bench/lab/student-t.ts';

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('median and percentiles interpolate between ranks (type 7)', () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 3, 2]), 2.5);
  const ten = Array.from({ length: 11 }, (_, i) => 10 - i); // 0..10, unsorted
  assert.is(quantile(ten, 0.1), 1);
  assert.is(quantile(ten, 0.9), 9);
  near(quantile([1, 2, 3, 4], 0.1), 1.3, 1e-12, 'p10 of 1..4');
  near(quantile([1, 2, 3, 4], 0.9), 3.7, 1e-12, 'p90 of 1..4');
  assert.is(quantile([5], 0.9), 5);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  assert.throws(() => quantile([1], 1.5), /q must lie/);
});

test('mean, variance, SEM and the summary', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.is(mean(xs), 5);
  near(variance(xs), 32 / 7, 1e-12, 'sample variance');
  near(standardError(xs), Math.sqrt(32 / 7 / 8), 1e-12, 'SEM');
  const s = summarize(xs);
  assert.equal([s.n, s.min, s.max, s.median], [8, 2, 9, 4.5]);
  near(s.relativeSem, Math.sqrt(32 / 7 / 8) / 5, 1e-12, 'relative SEM');
  assert.ok(Number.isNaN(summarize([1]).sem), 'one sample has no standard error');
});

test("Student's t: CDF and quantiles match tables", () => {
  near(studentTCdf(0, 5), 0.5, 1e-12, 'symmetric');
  near(studentTQuantile(0.975, 1), 12.7062, 1e-3, 't(0.975, 1)');
  near(studentTQuantile(0.975, 2), 4.3027, 1e-4, 't(0.975, 2)');
  near(studentTQuantile(0.975, 4), 2.7764, 1e-4, 't(0.975, 4)');
  near(studentTQuantile(0.975, 10), 2.2281, 1e-4, 't(0.975, 10)');
  near(studentTQuantile(0.95, 30), 1.6973, 1e-4, 't(0.95, 30)');
  near(studentTQuantile(0.975, 1e6), 1.95996, 1e-4, 'the normal limit');
  near(studentTQuantile(0.025, 10), -2.2281, 1e-4, 'lower tail');
});

test('the stop rule: not before minSamples, then SEM below the target', () => {
  const tight = [1, 1.001, 0.999, 1.0005, 0.9995];
  assert.not.ok(precise(tight.slice(0, 4), 0.01, 5), 'four samples are too few');
  assert.ok(precise(tight, 0.01, 5));
  const loose = [1, 2, 1, 2, 1, 2];
  assert.not.ok(precise(loose, 0.01, 5), 'SEM ≈ 14 % of the mean');
  assert.ok(precise(loose, 0.2, 5));
  assert.not.ok(precise([1], 0.01, 1), 'one sample has no standard error, whatever minSamples says');
  assert.ok(precise([1, 1], 0.01, 1));
});

test.run();
