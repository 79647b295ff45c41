// Every fused kernel equals its unfused twin: checkKernel({ against: 'unfused' }) runs both on the
// declaration's generated problems over the shapes the twin serves, and a fused kernel that drops its
// gate is caught by the comparison.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine } from '../helpers.ts';
import { checkKernel } from '../../src/testing/check-kernel.ts';
import { builtinKernel, listKernels, withKernelOverrides } from '../../src/kernels/registry.ts';
import { UNFUSED_TWINS, unfusedTwinOf } from '../../src/kernels/twins.ts';
import { NoUnfusedTwinError } from '../../src/kernels/errors.ts';

test('every kernel whose declaration names an unfused twin has a runnable one, and no other', () => {
  const named = listKernels().filter((k) => k.unfusedTwin).map((k) => k.name).sort();
  assert.equal(Object.keys(UNFUSED_TWINS).sort(), named);
  assert.is(unfusedTwinOf(builtinKernel('gated-matmul')).name, 'hat.hatLinearForwardUnfused');
  assert.throws(() => unfusedTwinOf(builtinKernel('matmul')), (e: Error) => e instanceof NoUnfusedTwinError && /kernel matmul: no unfused twin \(kernels with one: gated-matmul/.test(e.message));
});

for (const name of Object.keys(UNFUSED_TWINS)) {
  test(`${name} equals its unfused twin on the shapes the twin computes`, async () => {
    const engine = await getEngine();
    const decl = builtinKernel(name);
    const served = decl.shapes.filter((c) => !c.heavy && UNFUSED_TWINS[name]!.serves(c.shape));
    assert.ok(served.length > 0, `${name}: the twin computes none of the test shapes`);
    const result = await checkKernel(engine, name, { against: 'unfused', shapes: served, seeds: [1, 2], stopAtFirstFailure: false });
    assert.ok(result.ok, result.summary);
    assert.is(result.cases, 2 * served.length);
    assert.is(result.against, `unfused twin ${decl.unfusedTwin}`);
  });
}

test('a fused kernel that is not its twin is caught by the comparison (its gate switched off)', async () => {
  const engine = await getEngine();
  const decl = builtinKernel('gated-matmul');
  const shapes = decl.shapes.filter((c) => !c.heavy && c.shape.gated).slice(0, 3);
  // The built-in shader with its gate switched off (GATED = false): GEMM, bias, ReLU and dropout stay right.
  await withKernelOverrides(engine, { 'gated-matmul': { shader: (spec, shape) => ({ ...decl.shader(spec, { ...(shape as object), gated: false }) }) } }, async () => {
    const result = await checkKernel(engine, 'gated-matmul', { against: 'unfused', shapes, seeds: [1] });
    assert.not.ok(result.ok, 'a kernel without the gate passed against the twin');
    assert.match(result.summary, /^gated-matmul \d+x\d+x\d+ seed 1, output h\[\d+\]: got .*, expected/);
  });
});

test('checking against the twin on shapes it does not compute is refused, not passed with no cases', async () => {
  const engine = await getEngine();
  const plain = builtinKernel('gated-matmul').shapes.filter((c) => !c.shape.gated);
  assert.ok(plain.length > 0);
  try {
    await checkKernel(engine, 'gated-matmul', { against: 'unfused', shapes: plain });
    assert.unreachable('no error');
  } catch (e) {
    assert.match((e as Error).message, /none of the shapes is one its unfused twin hat\.hatLinearForwardUnfused computes/);
  }
});

test.run();
