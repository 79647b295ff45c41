// Run: npx tsx examples/custom-kernel.ts [--quick]
//
// A new kernel declared from scratch — a fused per-feature scale and shift, y[r, c] = gain·x[r, c]·scale[c]
// + shift[c] (what a folded normalisation or a FiLM layer computes) — with its float64 reference, checked
// by checkKernel over its test shapes and seeds, a broken copy caught by the same check, and two of its
// specialisations timed against each other. docs/kernel-research.md explains each field.
//
// TypeScript through tsx, importing the package by its name, as a user of the package does: `webgpu-hat`
// resolves to this checkout itself (package self-reference through package.json "exports", to dist/,
// built by `npm install` through the `prepare` script, or `node scripts/build.mjs`); the types come from
// dist/types (examples/tsconfig.json type-checks this file against them).
//
// --quick (what test/examples.test.ts runs): one seed and a 300 ms bench.
import { createEngine } from 'webgpu-hat';
import { foldGrid, paramsLayout, type KernelDeclaration, type Problem } from 'webgpu-hat/kernels';
import { checkKernel } from 'webgpu-hat/testing';
import { compareKernels, formatComparison, fromDeclaration } from 'webgpu-hat/bench';

const quick = process.argv.includes('--quick');

/** rows × cols, row-major; the scale and shift have one value per column. */
interface ScaleShiftShape { rows: number; cols: number }

// The WGSL, as text (it could as well be read from a .wgsl file). Uniform params at binding 0, storage
// buffers from binding 1 in the declaration's order, the workgroup size an `override` the specialisation
// sets, and the flat index folded over two grid dimensions so a dispatch may pass 65,535 workgroups.
const WGSL = /* wgsl */ `
struct Params { count: u32, cols: u32, gain: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read> shift: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= params.count) { return; }
  let c = i % params.cols;
  y[i] = fma(params.gain * x[i], scale[c], shift[c]);
}
`;

/** Deterministic uniform floats in [lo, hi) (mulberry32), so a failing seed can be rerun exactly. */
function seeded(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  });
}

export const scaleShiftKernel: KernelDeclaration<ScaleShiftShape> = {
  name: 'scale-shift',
  summary: 'y[r, c] = gain·x[r, c]·scale[c] + shift[c]',
  kind: 'forward',
  wgsl: { text: WGSL, file: 'scale-shift' },
  // Only read for its defines, override constants and entry point when `wgsl` is set.
  shader: (spec) => ({ name: 'scale-shift', constants: { WG: Number(spec.wg) } }),
  bindings: [
    { name: 'params', binding: 0, access: 'uniform', type: 'u32' },
    { name: 'x', binding: 1, access: 'read', type: 'f32' },
    { name: 'scale', binding: 2, access: 'read', type: 'f32' },
    { name: 'shift', binding: 3, access: 'read', type: 'f32' },
    { name: 'y', binding: 4, access: 'read_write', type: 'f32' },
  ],
  // The one field list: the byte layout (offsets, padding, size) is computed from it and must match the
  // WGSL struct's order and types.
  params: [{ name: 'count', type: 'u32' }, { name: 'cols', type: 'u32' }, { name: 'gain', type: 'f32' }],
  paramValues: (sh, { gain = 1 }) => ({ count: sh.rows * sh.cols, cols: sh.cols, gain }),
  space: { wg: { values: [1, 64, 256], default: 256, doc: 'invocations per workgroup' } },
  heuristic: () => ({ wg: 256 }),
  shapeClass: (sh) => (sh.rows * sh.cols >= 1 << 16 ? 'large' : 'small'),
  // The dispatch rule: one invocation per element, workgroups folded into y past 65,535.
  workgroups: (sh, spec) => foldGrid(Math.ceil((sh.rows * sh.cols) / Number(spec.wg))),
  sizes: (sh) => ({ x: sh.rows * sh.cols, scale: sh.cols, shift: sh.cols, y: sh.rows * sh.cols }),
  // The float64 reference: what the kernel should compute, from the same inputs, without float32 rounding.
  reference: ({ shape: sh, inputs, scalars }: Problem<ScaleShiftShape>) => {
    const { x, scale, shift } = inputs as Record<string, Float32Array>;
    return { y: Float64Array.from(x, (v, i) => scalars.gain! * v * scale[i % sh.cols]! + shift[i % sh.cols]!) };
  },
  generate: (sh, seed) => ({
    shape: sh,
    inputs: { x: seeded(sh.rows * sh.cols, seed * 3 + 1, -4, 4), scale: seeded(sh.cols, seed * 3 + 2), shift: seeded(sh.cols, seed * 3 + 3) },
    scalars: { gain: 0.5 + seed },
  }),
  flops: (sh) => 3 * sh.rows * sh.cols,
  bytes: (sh) => 4 * (2 * sh.rows * sh.cols + 2 * sh.cols),
  // Sizes around the workgroup (1, 7, 63, 65, 257), a column count that does not divide anything, and a
  // grid past 65,535 workgroups (one invocation each) to prove the folded index.
  shapes: [
    { shape: { rows: 1, cols: 1 } },
    { shape: { rows: 7, cols: 9 } },
    { shape: { rows: 63, cols: 65 } },
    { shape: { rows: 257, cols: 3 } },
    { shape: { rows: 64, cols: 400 } },
    { shape: { rows: 70001, cols: 1 }, spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ],
  // Two roundings (the gain product, then the fused multiply-add), relative to the terms' size.
  tolerance: () => ({ rtol: 1e-6, atol: 1e-6 }),
  describeShape: (sh) => `${sh.rows}x${sh.cols}`,
};

const engine = await createEngine();
try {
  const layout = paramsLayout(scaleShiftKernel.params);
  console.log(`params: ${JSON.stringify(layout.offsets)} (byte offsets), ${layout.size} bytes`);

  const seeds = quick ? [1] : [1, 2, 3];
  const result = await checkKernel(engine, scaleShiftKernel, { seeds });
  console.log(`check: ${result.summary}`);

  // A broken copy: the bounds test dropped, so the last workgroup writes past the end of y.
  const broken = { ...scaleShiftKernel, wgsl: { text: WGSL.replace('if (i >= params.count) { return; }', ''), file: 'scale-shift-unguarded' } };
  const caught = await checkKernel(engine, broken, { seeds: [1] });
  console.log(`check of a copy without the bounds test: ${caught.summary.split('\n')[0]}`);

  // Two specialisations in one interleaved run, on a layer-sized problem.
  const shape = { rows: 64, cols: 2000 };
  const variants = [fromDeclaration(scaleShiftKernel, shape, { wg: 256 }), fromDeclaration(scaleShiftKernel, shape, { wg: 64 })];
  try {
    console.log(formatComparison(await compareKernels(engine, variants, { budgetMs: quick ? 300 : 2000 })));
  } finally {
    for (const v of variants) v.dispose();
  }
  if (!result.ok || caught.ok) process.exitCode = 1;
} finally {
  engine.destroy();
}
