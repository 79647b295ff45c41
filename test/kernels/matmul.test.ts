import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose, skip } from '../helpers.ts';
import { matmul, biasReluEpilogue, chooseVariant, type MatmulForm, type MatmulVariant } from '../../src/kernels/matmul.ts';
import { kernelOn } from '../../src/kernels/registry.ts';
import { assertKernel } from '../../src/testing/check-kernel.ts';
import { matmulRef, operandShapes } from '../reference/matmul.ts';
import { Engine } from '../../src/runtime/engine.ts';
import { nodeShaderSource } from '../../src/runtime/node.ts';
import { create } from 'webgpu';

const FORMS: MatmulForm[] = ['nn', 'nt', 'tn'];

async function check(engine: Engine, form: MatmulForm, M: number, N: number, K: number, opts: { variant?: MatmulVariant; scalar?: boolean; seed?: number } = {}) {
  const [sa, sb] = operandShapes(form, M, N, K);
  const seed = opts.seed ?? M * 1000003 + N * 1009 + K;
  const a = Float32Array.from(randomArray(M * K, seed));
  const b = Float32Array.from(randomArray(K * N, seed + 1));
  const ta = upload(engine, a, sa), tb = upload(engine, b, sb);
  const c = matmul(engine, form, ta, tb, { variant: opts.variant, scalar: opts.scalar });
  const got = await c.float32();
  assertClose(got, matmulRef(form, a, b, M, N, K), `${form} ${M}x${N}x${K}${opts.scalar ? ' scalar' : ''}${opts.variant ? ' ' + JSON.stringify(opts.variant) : ''}`, { rtol: 1e-5 * Math.sqrt(K), atol: 1e-6 * Math.sqrt(K) });
  for (const t of [ta, tb, c]) t.dispose();
}

// The declarations' sweeps: 1, 7, 63, 65, 257, tile multiples and odd mixes in every form (odd shapes take
// the scalar loader and hang over every tile edge; multiples of 4 the vec4 loader), and one shape whose
// grid of 70,001 workgroups is folded into y; outputs NaN-filled and guarded (checkKernel).
test('matmul and matmul-bias-relu agree with float64 over their sweeps (the variant shipped for this adapter)', async () => {
  const engine = await getEngine();
  await assertKernel(engine, 'matmul', { seeds: [1, 2] });
  await assertKernel(engine, 'matmul-bias-relu', { seeds: [3] });
});

test('the scalar loader where vec4 loads are possible, and the register-block core at a GPU-style and the CPU block', async () => {
  const engine = await getEngine();
  const vec4Shapes = [[4, 4, 4], [68, 132, 20], [64, 200, 76], [132, 68, 260]].flatMap(([m, n, k]) => FORMS.map((form) => ({ shape: { form, m: m!, n: n!, k: k! } })));
  await assertKernel(engine, 'matmul', { shapes: vec4Shapes, spec: { loader: 'scalar' }, seeds: [5] });
  const small = [[70, 90, 36], [37, 29, 11]].flatMap(([m, n, k]) => FORMS.map((form) => ({ shape: { form, m: m!, n: n!, k: k! } })));
  for (const v of [{ core: 'matmul', tm: 4, tn: 4, wx: 16, wy: 16 }, { core: 'matmul', tm: 16, tn: 16, wx: 4, wy: 4 }]) {
    await assertKernel(engine, 'matmul', { shapes: small, spec: v, seeds: [6] });
  }
});

test('matmul() itself: every form on odd shapes and a pinned variant', async () => {
  const engine = await getEngine();
  for (const form of FORMS) for (const [M, N, K] of [[7, 63, 65], [68, 132, 20]] as const) {
    await check(engine, form, M, N, K);
    await check(engine, form, M, N, K, { scalar: true, variant: { core: 'matmul', tm: 4, tn: 4, wx: 16, wy: 16 } });
  }
});

// The subgroup core needs a device with `subgroups` (sizes 8): built here, since the shared engine may not ask for it.
test('the subgroup core (CPU adapters), both loaders, every form, and what chooseVariant picks there', async (context) => {
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  const info = adapter?.info as (GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number }) | undefined;
  if (!adapter || !adapter.features.has('subgroups') || info?.subgroupMinSize !== 8 || info?.subgroupMaxSize !== 8) {
    const sizes = info?.subgroupMinSize === undefined ? 'no subgroup sizes' : `subgroups of ${info.subgroupMinSize}–${info.subgroupMaxSize}`;
    return skip(context, `the adapter (${info?.description || info?.vendor || 'none'}) has ${adapter?.features.has('subgroups') ? sizes : 'no subgroups feature'}, the subgroup core needs exactly 8`);
  }
  const device = await adapter.requestDevice({ requiredFeatures: ['subgroups' as GPUFeatureName] });
  const engine = new Engine(device, { vendor: info.vendor, architecture: info.architecture, description: info.description, device: info.device, isCpu: true }, nodeShaderSource, gpu);
  try {
    assert.is(chooseVariant(engine, 'nt').core, 'matmul_sg');
    const variants: MatmulVariant[] = [{ core: 'matmul_sg', tm: 4, tn: 32, wx: 8, wy: 2 }, { core: 'matmul_sg', tm: 8, tn: 64, wx: 8, wy: 1 }];
    for (const variant of variants) await assertKernel(engine, 'matmul', { spec: { ...variant }, seeds: [7], shapes: kernelOn(engine, 'matmul').shapes.filter((c) => !c.heavy) });
    for (const form of FORMS) await check(engine, form, 68, 132, 20, { variant: variants[0] });
  } finally {
    engine.destroy();
  }
});

test('bias + ReLU epilogue (and bias alone)', async () => {
  const engine = await getEngine();
  for (const form of FORMS) for (const [M, N, K] of [[7, 63, 65], [64, 128, 32]] as const) for (const relu of [true, false]) {
    const [sa, sb] = operandShapes(form, M, N, K);
    const a = Float32Array.from(randomArray(M * K, 11)), b = Float32Array.from(randomArray(K * N, 12)), bias = Float32Array.from(randomArray(N, 13));
    const ta = upload(engine, a, sa), tb = upload(engine, b, sb), tbias = upload(engine, bias, [N]);
    const c = matmul(engine, form, ta, tb, { epilogue: biasReluEpilogue(tbias, relu) });
    const ref = matmulRef(form, a, b, M, N, K).map((v, i) => { const x = v + bias[i % N]!; return relu ? Math.max(x, 0) : x; });
    assertClose(await c.float32(), ref, `${form} ${M}x${N}x${K} bias relu=${relu}`, { rtol: 1e-5 * Math.sqrt(K), atol: 1e-6 * Math.sqrt(K) });
    for (const t of [ta, tb, tbias, c]) t.dispose();
  }
});

test('writes into a given out tensor and rejects mismatched shapes', async () => {
  const engine = await getEngine();
  const ta = upload(engine, randomArray(12, 1), [3, 4]), tb = upload(engine, randomArray(20, 2), [4, 5]);
  const out = upload(engine, new Float64Array(15), [3, 5]);
  const c = matmul(engine, 'nn', ta, tb, { out });
  assert.is(c, out);
  assertClose(await c.float32(), matmulRef('nn', await ta.float32(), await tb.float32(), 3, 5, 4), 'nn into out');
  assert.throws(() => matmul(engine, 'nt', ta, tb), /inner dimensions/);
  for (const t of [ta, tb, out]) t.dispose();
});

test.run();
