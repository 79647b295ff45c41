import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng, deriveSeed } from '../../src/data/rng.ts';

test('same seed gives the same stream, different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const sa = Array.from({ length: 20 }, () => a.nextU32());
  const sb = Array.from({ length: 20 }, () => b.nextU32());
  const sc = Array.from({ length: 20 }, () => c.nextU32());
  assert.equal(sa, sb);
  assert.not.equal(sa, sc);
  for (const x of sa) assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 32);
});

test('uniform lies in [low, high) with mean near the middle', () => {
  const rng = new Rng(1);
  let sum = 0;
  for (let i = 0; i < 20000; i++) {
    const x = rng.uniform();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
  for (let i = 0; i < 1000; i++) {
    const x = rng.uniform(0, 2);
    assert.ok(x >= 0 && x < 2);
  }
});

test('normal has mean 0 and variance 1', () => {
  const rng = new Rng(2);
  const n = 40000;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    assert.ok(Number.isFinite(x));
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sq / n - mean * mean - 1) < 0.03, `variance ${sq / n}`);
});

test('int is unbiased enough and in range', () => {
  const rng = new Rng(3);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[rng.int(6)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `${counts}`);
  assert.throws(() => rng.int(0));
});

test('permutation is a seeded bijection', () => {
  const p = new Rng(5).permutation(784);
  assert.equal([...p].sort((a, b) => a - b), Array.from({ length: 784 }, (_, i) => i));
  assert.equal(new Rng(5).permutation(784), p);
  assert.not.equal(new Rng(6).permutation(784), p);
});

test('shuffle works in place on plain and typed arrays', () => {
  const plain = ['a', 'b', 'c', 'd', 'e'];
  const same = new Rng(9).shuffle(plain);
  assert.is(same, plain);
  assert.equal([...plain].sort(), ['a', 'b', 'c', 'd', 'e']);
  const typed = new Float32Array([1, 2, 3, 4]);
  new Rng(9).shuffle(typed);
  assert.equal([...typed].sort(), [1, 2, 3, 4]);
});

test('deriveSeed separates streams', () => {
  assert.is.not(deriveSeed(0, 1, 2), deriveSeed(0, 2, 1));
  assert.is(deriveSeed(7, 3), deriveSeed(7, 3));
  assert.is.not(deriveSeed(2 ** 32), deriveSeed(0));
  const fork = new Rng(1).fork();
  assert.equal(fork.nextU32(), new Rng(1).fork().nextU32());
});

test.run();
