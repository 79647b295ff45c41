import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, randomArray, upload, assertClose, skip } from '../helpers.ts';
import { matmul, biasReluEpilogue, chooseVariant, variantTile, type MatmulForm, type MatmulVariant } from '../../src/kernels/matmul.ts';
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

// Odd shapes take the scalar loader; they hang over every tile edge.
const ODD = [[1, 1, 1], [7, 63, 65], [257, 65, 7], [65, 257, 63], [3, 5, 2], [33, 17, 129]];
// Multiples of 4 take the vec4 loader, still not multiples of the tile.
const VEC4 = [[4, 4, 4], [68, 132, 20], [64, 200, 76], [132, 68, 260]];

test('all forms, odd shapes (scalar loads)', async () => {
  const engine = await getEngine();
  for (const form of FORMS) for (const [M, N, K] of ODD) await check(engine, form, M!, N!, K!);
});

test('all forms, multiples of 4 (vec4 loads) and the same shapes forced scalar', async () => {
  const engine = await getEngine();
  for (const form of FORMS) for (const [M, N, K] of VEC4) {
    await check(engine, form, M!, N!, K!);
    await check(engine, form, M!, N!, K!, { scalar: true });
  }
});

test('the register-block core at a GPU-style small block and the CPU block agree', async () => {
  const engine = await getEngine();
  const variants: MatmulVariant[] = [{ core: 'matmul', tm: 4, tn: 4, wx: 16, wy: 16 }, { core: 'matmul', tm: 16, tn: 16, wx: 4, wy: 4 }];
  for (const variant of variants) for (const form of FORMS) {
    await check(engine, form, 70, 90, 36, { variant });
    await check(engine, form, 37, 29, 11, { variant });
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
    for (const variant of variants) for (const form of FORMS) {
      for (const [M, N, K] of VEC4) await check(engine, form, M!, N!, K!, { variant });
      for (const [M, N, K] of ODD) await check(engine, form, M!, N!, K!, { variant });
    }
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

test('a grid of more than 65,535 workgroups is folded into y', async () => {
  const engine = await getEngine();
  // 4×4 outputs per workgroup, one invocation each: M = 280,004 rows → 70,001 workgroups (grid 35,001 × 2).
  const variant: MatmulVariant = { core: 'matmul', tm: 4, tn: 4, wx: 1, wy: 1 };
  const [bm, bn] = variantTile(variant);
  const M = 280004, N = 3, K = 5;
  const workgroups = Math.ceil(M / bm) * Math.ceil(N / bn);
  assert.is(workgroups, 70001);
  assert.ok(engine.grid(workgroups)[1]! > 1);
  for (const form of FORMS) await check(engine, form, M, N, K, { variant });
});

test.run();
