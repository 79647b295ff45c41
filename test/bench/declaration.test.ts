// A declared kernel as lab work, timed on the test engine: the adapter records real dispatches with the
// declaration's cost model, and compareKernels runs two specialisations of it. Only the shape of the
// results is checked; no timing is asserted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchKernel, compareKernels, fromDeclaration } from '../../bench/lab/index.ts';
import { builtinKernel } from '../../src/kernels/registry.ts';
import { getEngine } from '../helpers.ts';

test('fromDeclaration: FLOPs and bytes from the declaration, dispatches recorded per unit', async () => {
  const engine = await getEngine();
  const decl = builtinKernel('embedding-grad');
  const shape = { count: 4096, hasPrev: true };
  const work = fromDeclaration(decl, shape);
  try {
    assert.is(work.flops, decl.flops(shape));
    assert.is(work.bytes, decl.bytes(shape));
    const before = engine.stats().dispatches;
    const r = await benchKernel(engine, work, { budgetMs: 30, warmupMs: 0, minSamples: 3 });
    assert.ok(engine.stats().dispatches > before, 'the kernel ran');
    assert.ok(r.stats.n >= 3 && r.stats.median > 0);
    assert.is(r.clock, engine.hasTimestamps ? 'gpu-timestamp' : 'wall');
    assert.ok(r.gflops! > 0 && r.gbps! > 0);
    assert.match(r.clockNote, engine.hasTimestamps ? /empty pass/ : /wall clock/);
  } finally {
    work.dispose();
  }
});

test('compareKernels: two specialisations of one declaration, interleaved, with a ratio interval', async () => {
  const engine = await getEngine();
  const decl = builtinKernel('embedding-grad');
  const shape = { count: 4096, hasPrev: true };
  const works = [fromDeclaration(decl, shape, { wg: 256 }), fromDeclaration(decl, shape, { wg: 64 })];
  try {
    const c = await compareKernels(engine, works, { budgetMs: 60, warmupMs: 0, minSamples: 3, clock: 'wall' });
    assert.is(c.clock, 'wall');
    assert.is(c.variants.length, 2);
    assert.is(c.ratios.length, 1);
    assert.ok(c.ratios[0]!.ratio > 0);
    for (let i = 1; i < c.order.length; i++) assert.is.not(c.order[i], c.order[i - 1], 'never the same variant twice in a row');
  } finally {
    for (const w of works) w.dispose();
  }
});

test.run();
