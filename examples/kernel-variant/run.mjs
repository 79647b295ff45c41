// Run: node examples/kernel-variant/run.mjs [--quick]
//
// A gated-matmul variant (my-gated-matmul.wgsl, beside this file) taken through what a kernel researcher
// does with it: check it against the float64 reference over the kernel's test shapes, time it against
// the built-in in one interleaved run, then train split-MNIST with it and with the built-in and print
// both accuracies. docs/kernel-research.md walks through the same steps on the command line.
//
// Plain JavaScript importing the package by its name, as a user of the package does: `webgpu-hat`
// resolves to this checkout itself (package self-reference through package.json "exports", to dist/,
// which `npm install` builds through the `prepare` script, or `node scripts/build.mjs`). The same file
// runs unchanged from an installed copy of the package (node_modules/webgpu-hat/examples/).
//
// --quick (what test/examples.test.ts runs): one seed for the check, a 300 ms bench, and the first two
// tasks with a 32-unit network for one epoch. Without it: three seeds, a 2 s bench, all five tasks with
// 100-unit layers for two epochs (under a minute on lavapipe, the CPU adapter).
import { readFileSync } from 'node:fs';
import { createEngine, createTrainer, nodeData, resolveTrainConfig } from 'webgpu-hat';
import { builtinKernel, overrideKernel, parseKernelFile, withKernelOverrides, withText } from 'webgpu-hat/kernels';
import { checkKernel } from 'webgpu-hat/testing';
import { compareKernels, formatComparison, fromDeclaration, fromUnfusedTwin } from 'webgpu-hat/bench';

const quick = process.argv.includes('--quick');
const KERNEL = 'gated-matmul';
const path = new URL('./my-gated-matmul.wgsl', import.meta.url);
const text = readFileSync(path, 'utf8');
// The name compiler errors and reports give the file (the runtime names shaders without `.wgsl`).
const file = 'my-gated-matmul';
// `kernel show` writes into the first line the specialisation axes the text is written for (those that
// choose its files: the register-block core and the scalar loader). The tiles and workgroup shape are not
// in the file: `withText` gives the declaration to install, which runs every call at the built-in's choice
// for its shape with the file's axes fixed (as `kernel check` and `train --kernel` do).
const header = parseKernelFile(text);
if (!header || header.name !== KERNEL) throw new Error(`${path.pathname}: no "// webgpu-hat kernel ${KERNEL} spec {...}" line`);
const builtin = builtinKernel(KERNEL);
const mineDecl = withText(builtin, text, file, header.spec, header.files);

const engine = await createEngine();
try {
  // 1. Correct: the variant in the built-in's place, every test shape, outputs NaN-filled and guarded.
  // Each test case runs at its own specialisation (the one the built-in would run for its shape).
  const restore = overrideKernel(engine, KERNEL, mineDecl);
  const check = await checkKernel(engine, KERNEL, { seeds: quick ? [1] : [1, 2, 3] });
  restore();
  console.log(`check: ${check.summary}`);
  if (!check.ok) process.exit(1);

  // 2. Fast: the variant against the built-in on a layer of the MLP HAT trains (batch 64, 784 → 400),
  // in one interleaved run, both at the built-in's choice for this shape with the file's core and loader
  // (what `kernel bench` runs), so the ratio measures the epilogue alone; and against the unfused twin
  // (a plain GEMM, then bias-ReLU, dropout and gate as separate passes, each at the registry's choice).
  const shape = { form: 'nt', m: 64, n: 400, k: 784, gated: true };
  const benchSpec = mineDecl.shippedDefault(engine, shape);
  const variants = [
    fromDeclaration({ ...builtin, ...mineDecl }, shape, benchSpec, { name: `${file}.wgsl` }),
    fromDeclaration(builtin, shape, benchSpec, { name: `${KERNEL} (built-in)` }),
    fromUnfusedTwin(builtin, shape, { name: `${builtin.unfusedTwin} (unfused twin)` }),
  ];
  try {
    const comparison = await compareKernels(engine, variants, { budgetMs: quick ? 300 : 2000 });
    console.log(`bench ${builtin.describeShape(shape)}, spec ${JSON.stringify(benchSpec)}:\n${formatComparison(comparison)}`);
  } finally {
    for (const v of variants) v.dispose();
  }

  // 3. Same accuracy: split-MNIST with the variant, then with the built-in, from the same seed.
  const tasks = nodeData.splitMnist().slice(0, quick ? 2 : 5);
  const config = resolveTrainConfig({ approach: 'hat', hidden: quick ? [32, 32] : [100, 100], epochs: quick ? 1 : 2, seed: 0 });
  const train = async () => {
    const trainer = createTrainer(engine, tasks, config);
    try {
      return await trainer.run();
    } finally {
      trainer.dispose();
    }
  };
  const mine = await withKernelOverrides(engine, { [KERNEL]: mineDecl }, train);
  const ours = await train();
  // After the last task: the test accuracy of every task learned, the task given.
  const last = (r) => r.accuracy[r.accuracy.length - 1];
  const mean = (row) => row.reduce((a, b) => a + b, 0) / row.length;
  const show = (row) => row.map((a) => (100 * a).toFixed(1)).join(' ');
  console.log(`split-MNIST, ${tasks.length} tasks, hidden ${config.hidden.join(',')}, ${config.epochs} epoch(s):`);
  for (const [name, result] of [[`${file}.wgsl`, mine], [`${KERNEL} (built-in)`, ours]]) {
    console.log(`  ${name.padEnd(24)} accuracy per task % ${show(last(result))}  mean ${(100 * mean(last(result))).toFixed(2)} %`);
  }
  // Equal kernels up to rounding train to the same accuracy; a difference of more than a point or two
  // at this size means the variant changed what the layer computes.
  const gap = Math.abs(mean(last(mine)) - mean(last(ours)));
  if (gap > 0.02) {
    console.error(`the variant's mean accuracy differs from the built-in's by ${(100 * gap).toFixed(2)} points`);
    process.exitCode = 1;
  }
} finally {
  engine.destroy();
}
