import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose } from '../helpers.ts';
import { checkKernel, failureError } from '../../src/testing/check-kernel.ts';
import { builtinKernel, kernelRuns, listKernels, overrideKernel, withKernelOverrides } from '../../src/kernels/registry.ts';
import { foldGrid, type KernelDeclaration } from '../../src/kernels/declaration.ts';
import { KernelBindingError, KernelMismatchError, KernelOutOfBoundsError, KernelUnwrittenError, UnknownKernelError } from '../../src/kernels/errors.ts';
import { ShaderCompileError } from '../../src/runtime/errors.ts';
import { hatLinearForward } from '../../src/kernels/hat.ts';
import { linearForwardRef } from '../../src/kernels/reference/hat.ts';

// A researcher's own gated matmul: one invocation per output, the built-in's params and bindings, the
// gate and dropout snippets included by name. The mutants below are made from it by text substitution.
const NAIVE = `struct Params { m: u32, n: u32, k: u32, tiles_n: u32, epi_f: vec4<f32>, epi_u: vec4<u32> }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> h: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read> emb: array<f32>;
#include "hat_common"
#include "dropout_hash"
override GATED: bool = true;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * 64u + gid.x;
  if (i >= params.m * params.n) { return; }
  let row = i / params.n;
  let col = i % params.n;
  var acc = 0.0;
  for (var k = 0u; k < params.k; k++) { acc += x[row * params.k + k] * w[col * params.k + k]; }
  var v = max(acc + bias[col], 0.0);
  if (params.epi_u.y != 0u) { v = select(0.0, v * params.epi_f.z, dropout_keep(params.epi_u.x, i, params.epi_f.y)); }
  var gate = 1.0;
  if (GATED) { gate = hat_sigmoid(params.epi_f.x * emb[col]); }
  h[i] = v * gate;
}
`;

/** The naive kernel as an override: its own dispatch rule (64 outputs a workgroup) and no tile space. */
function naive(text: string, file = 'my_gated_matmul'): Partial<KernelDeclaration> {
  return {
    wgsl: { text, file },
    space: {},
    workgroups: (s: { m: number; n: number }) => foldGrid(Math.ceil((s.m * s.n) / 64)),
  };
}

const SHAPES = builtinKernel('gated-matmul').shapes.filter((c) => !c.heavy);

function mutant(find: string, replace: string): string {
  assert.ok(NAIVE.includes(find), `the mutant's pattern ${find} is in the kernel`);
  return NAIVE.replace(find, replace);
}

test('the registry lists every declared kernel with its variants and unfused twin', () => {
  const names = listKernels().map((k) => k.name);
  for (const n of ['gated-matmul', 'masked-weight-grad', 'gated-conv2d', 'embedding-grad', 'embedding-step', 'matmul', 'conv2d']) assert.ok(names.includes(n), n);
  const gated = listKernels().find((k) => k.name === 'gated-matmul')!;
  assert.is(gated.unfusedTwin, 'hat.hatLinearForwardUnfused');
  assert.ok(gated.variants.length >= 2);
  assert.ok(gated.space.core!.includes('matmul_sg'));
});

test("a user's naive gated matmul passes over the sweep, and the override runs inside hatLinearForward", async () => {
  const engine = await getEngine();
  await withKernelOverrides(engine, { 'gated-matmul': naive(NAIVE) }, async () => {
    const result = await checkKernel(engine, 'gated-matmul', { shapes: SHAPES, seeds: [1, 2] });
    assert.ok(result.ok, result.summary);
    // The binding function dispatches the override, and the run is recorded as such.
    const [B, IN, OUT] = [9, 13, 11];
    const xs = randomArray(B * IN, 1), ws = randomArray(OUT * IN, 2), bs = randomArray(OUT, 3), es = randomArray(OUT, 4);
    const x = upload(engine, xs, [B, IN]), w = upload(engine, ws, [OUT, IN]), b = upload(engine, bs, [OUT]), e = upload(engine, es, [OUT]);
    const h = hatLinearForward(x, w, b, { embedding: e, s: 3 });
    assertClose(await h.float32(), linearForwardRef(Float32Array.from(xs), Float32Array.from(ws), Float32Array.from(bs), Float32Array.from(es), 3, 0, 0, B, IN, OUT), 'override through hatLinearForward', { rtol: 1e-5, atol: 1e-6 });
    const run = kernelRuns(engine).find((r) => r.name === 'gated-matmul')!;
    assert.is(run.wgsl, 'override');
    for (const t of [x, w, b, e, h]) t.dispose();
  });
  // Restored afterwards: the built-in runs again, chosen by the shipped default.
  const result = await checkKernel(engine, 'gated-matmul', { shapes: SHAPES.slice(0, 2), seeds: [1] });
  assert.ok(result.ok, result.summary);
});

test('the override is checked against the built-in kernel as well as the reference', async () => {
  const engine = await getEngine();
  const result = await checkKernel(engine, { ...builtinKernel('gated-matmul'), ...naive(NAIVE) } as KernelDeclaration, { against: 'gated-matmul', shapes: SHAPES.slice(0, 4), seeds: [3] });
  assert.ok(result.ok, result.summary);
  assert.is(result.against, 'gated-matmul');
});

const MUTANTS: { name: string; text: string; kind: string; error: new (...a: never[]) => Error; message: RegExp }[] = [
  { name: 'writes nothing', text: mutant('h[i] = v * gate;', '_ = arrayLength(&h); _ = v * gate;'), kind: 'unwritten', error: KernelUnwrittenError, message: /output h\[0\]: never written/ },
  { name: 'skips the last element', text: mutant('if (i >= params.m * params.n) { return; }', 'if (i + 1u >= params.m * params.n) { return; }'), kind: 'unwritten', error: KernelUnwrittenError, message: /never written/ },
  { name: 'has no gate', text: mutant('if (GATED) { gate = hat_sigmoid(params.epi_f.x * emb[col]); }', 'if (GATED) { gate = 1.0 + 0.0 * emb[col]; }'), kind: 'mismatch', error: KernelMismatchError, message: /got .*, expected/ },
  { name: 'reads W transposed', text: mutant('w[col * params.k + k]', 'w[k * params.n + col]'), kind: 'mismatch', error: KernelMismatchError, message: /got .*, expected/ },
  { name: 'writes past the end', text: mutant('if (i >= params.m * params.n) { return; }', 'if (i >= params.m * params.n + 1u) { return; }'), kind: 'out-of-bounds', error: KernelOutOfBoundsError, message: /written past the end/ },
];

for (const m of MUTANTS) {
  test(`a mutant that ${m.name} is caught, naming the shape, index and values`, async () => {
    const engine = await getEngine();
    await withKernelOverrides(engine, { 'gated-matmul': naive(m.text, 'mutant') }, async () => {
      const result = await checkKernel(engine, 'gated-matmul', { shapes: SHAPES, seeds: [1] });
      assert.not.ok(result.ok, `${m.name} passed`);
      const f = result.failures[0]!;
      assert.is(f.kind, m.kind, result.summary);
      assert.is(f.output, 'h');
      assert.match(result.summary, /gated-matmul \d+x\d+x\d+ seed 1, output h\[\d+\]/);
      assert.match(result.summary, m.message);
      const error = failureError(result)!;
      assert.instance(error, m.error);
      if (m.name === 'skips the last element') {
        // The first case is 1×1×1: its only element is the last one.
        assert.is(f.index, 0);
      }
    });
  });
}

test('WGSL that does not compile gives ShaderCompileError naming the file and line; the engine stays usable', async () => {
  const engine = await getEngine();
  const broken = NAIVE.replace('var acc = 0.0;', 'var acc = 0.0 +;');
  const line = broken.split('\n').findIndex((l) => l.includes('0.0 +;')) + 1;
  await withKernelOverrides(engine, { 'gated-matmul': naive(broken, 'my_broken_kernel') }, async () => {
    try {
      await checkKernel(engine, 'gated-matmul', { shapes: SHAPES.slice(0, 1), seeds: [1] });
      assert.unreachable('compiled');
    } catch (e) {
      assert.instance(e, ShaderCompileError);
      assert.match((e as Error).message, new RegExp(`my_broken_kernel\\.wgsl:${line}:`));
    }
  });
  const after = await checkKernel(engine, 'gated-matmul', { shapes: SHAPES.slice(0, 3), seeds: [1] });
  assert.ok(after.ok, after.summary);
});

test('bindings that do not match the declaration, an unknown kernel and a bad specialisation are named errors', async () => {
  const engine = await getEngine();
  assert.throws(() => overrideKernel(engine, 'gated-matmul', naive(NAIVE.replace('var<storage, read_write> h', 'var<storage, read> h'))), (e: Error) => e instanceof KernelBindingError && /binding\(3\) h is read, the declaration says h is read_write/.test(e.message));
  assert.throws(() => overrideKernel(engine, 'gated-matmul', naive(NAIVE.replace('@binding(5) var<storage, read> emb', '@binding(6) var<storage, read> emb'))), (e: Error) => e instanceof KernelBindingError && /binding\(6\) emb is not in the declaration/.test(e.message));
  assert.throws(() => overrideKernel(engine, 'gated-matmull', NAIVE), (e: Error) => e instanceof UnknownKernelError && /gated-matmull: no such kernel/.test(e.message));
  try {
    await checkKernel(engine, 'no-such-kernel');
    assert.unreachable('ran');
  } catch (e) {
    assert.instance(e, UnknownKernelError);
  }
  const after = await checkKernel(engine, 'embedding-step', { seeds: [1] });
  assert.ok(after.ok, after.summary);
});

test('a WGSL-only override keeps the built-in bindings, params, dispatch and reference', async () => {
  const engine = await getEngine();
  // The embedding step, rewritten as text (same maths); the built-in's workgroups rule and WG constant apply.
  const text = `struct Params { count: u32, clip_mode: u32, lr: f32, bound: f32, max_norm: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> emb: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read> clip: array<f32>;
override WG: u32 = 256;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  if (i >= params.count) { return; }
  var c = 1.0;
  if (params.clip_mode == 1u) { c = clip[0]; }
  if (params.clip_mode == 2u) { c = min(1.0, params.max_norm / (clip[0] + 1e-6)); }
  emb[i] = clamp(emb[i] - params.lr * c * grad[i], -params.bound, params.bound);
}
`;
  await withKernelOverrides(engine, { 'embedding-step': text }, async () => {
    const result = await checkKernel(engine, 'embedding-step', { seeds: [1, 2] });
    assert.ok(result.ok, result.summary);
  });
});

test.run();
