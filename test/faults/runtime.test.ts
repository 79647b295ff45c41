// Faults at run time: shape mismatches name the op and the shapes; a tensor over the storage-binding
// limit is refused with the numbers; a broken WGSL kernel reports file:line:column; a NaN loss stops
// training naming the step and task and leaves the last checkpoint intact; a lost device is named, and a
// new engine resumes from the checkpoint to the uninterrupted run's results.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { getEngine, upload } from '../helpers.ts';
import { createEngine, nodeShaderSource } from '../../src/runtime/node.ts';
import { DeviceLostError, ShaderCompileError, ShapeError } from '../../src/runtime/errors.ts';
import { empty, tensor, tidy } from '../../src/tensor.ts';
import { add, mul } from '../../src/ops/elementwise.ts';
import { linear } from '../../src/ops/linear.ts';
import { conv2d } from '../../src/ops/conv.ts';
import { softmaxCrossEntropy } from '../../src/ops/loss.ts';
import { sum } from '../../src/ops/reduce.ts';
import { NonFiniteLossError } from '../../src/train/errors.ts';
import { positionLabel, type TrainerSnapshot, type TrainerState } from '../../src/train/state.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import { CheckpointDir, listCheckpoints, newestValidCheckpoint, readCheckpoint } from '../../src/io/checkpoint-dir.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';
import { runCli, tempDir, writeIdxSequence } from './_cli.ts';

test('shape mismatches name the op and both shapes', async () => {
  const engine = await getEngine();
  tidy(() => {
    const a = upload(engine, new Float32Array(6), [2, 3]), b = upload(engine, new Float32Array(4), [4]);
    assert.throws(() => add(a, b), (e: Error) => e instanceof ShapeError && e.message === 'add: cannot broadcast [2, 3] with [4]');
    assert.throws(() => mul(a, upload(engine, new Float32Array(4), [2, 2])), /mul: cannot broadcast \[2, 3\] with \[2, 2\]/);
    const w = upload(engine, new Float32Array(12), [3, 4]), bias = upload(engine, new Float32Array(3), [3]);
    assert.throws(() => linear(upload(engine, new Float32Array(10), [2, 5]), w, bias), /matmul nt: inner dimensions differ: A \[2, 5\], B \[3, 4\]/);
    const x = upload(engine, new Float32Array(2 * 3 * 8 * 8), [2, 3, 8, 8]);
    assert.throws(() => conv2d(x, upload(engine, new Float32Array(4 * 2 * 3 * 3), [4, 2, 3, 3]), null), /conv2d: input has 3 channels, weight \[4, 2, 3, 3\] expects 2/);
    assert.throws(() => softmaxCrossEntropy(a, tensor(engine, [0, 1, 1], [3], 'i32')), /softmaxCrossEntropy.*: 3 labels for 2 rows of logits/);
    assert.throws(() => sum(a, 2), /axis 2 out of range for rank 2/);
    assert.throws(() => a.reshape([4, 2]), /reshape: cannot view \[2, 3\] as \[4, 2\]/);
    assert.throws(() => tensor(engine, [1, 2, 3], [2, 2]), /3 values for shape \[2, 2\] \(4 elements\)/);
  });
});

test('a tensor over the storage-binding limit is refused with the numbers, before any allocation', async () => {
  const engine = await getEngine();
  const before = engine.stats().allocations;
  const limit = engine.maxBindingBytes;
  const rows = Math.floor(limit / 4 / 1024) + 1;
  assert.throws(() => empty(engine, [rows, 1024], 'f32', 'huge activations'), (e: Error) => e instanceof RangeError
    && e.message === `huge activations: shape [${rows}, 1024] needs ${((rows * 1024 * 4) / 2 ** 20).toFixed(1)} MiB, over this device's ${(limit / 2 ** 20).toFixed(0)} MiB storage-binding limit; split the work (e.g. a smaller batch)`);
  assert.throws(() => empty(engine, [-1, 3]), /invalid shape \[-1, 3\]/);
  assert.is(engine.stats().allocations, before);
});

test('a WGSL kernel that does not compile is reported with its file, line and column (also inside an appended snippet)', async () => {
  const sources: Record<string, string> = {
    test_broken: '@group(0) @binding(1) var<storage, read_write> out: array<f32>;\n\n@compute @workgroup_size(1)\nfn main() {\n  out[0] = undefined_name + 1.0;\n}\n',
    test_head: '@group(0) @binding(1) var<storage, read_write> out: array<f32>;\n',
    test_tail: '@compute @workgroup_size(1)\nfn main() {\n    out[0] = vec2<f32>(1.0, 2.0);\n}\n',
  };
  const engine = await createEngine({ shaderSource: (name) => sources[name] ?? nodeShaderSource(name) });
  try {
    const out = empty(engine, [4], 'f32', 'out');
    for (const [shader, where] of [[{ name: 'test_broken' }, /test_broken\.wgsl:5:12 error: .*undefined_name/], [{ name: 'test_head', append: ['test_tail'] }, /test_tail\.wgsl:3:\d+ error: .*vec2<f32>/]] as const) {
      engine.dispatch({ label: 'broken op', shader, buffers: [out.buffer], workgroups: [1] });
      try {
        await engine.submit();
        assert.unreachable('a broken kernel ran');
      } catch (e) {
        assert.instance(e, ShaderCompileError, String(e));
        assert.match((e as Error).message, /^WGSL kernel test_(broken|head) does not compile:\n/);
        assert.match((e as Error).message, where);
      }
    }
    out.dispose();
  } finally {
    engine.destroy();
  }
});

const meta = (s: TrainerSnapshot) => ({ benchmark: 'clusters', config: {}, taskNames: [], label: positionLabel(s.state), seq: 0, createdAt: '' });

test('NaN in the loss: stops naming step and task; the last checkpoint on disk is untouched and finite', async () => {
  const engine = await getEngine();
  const dir = tempDir('nan');
  const trainer = createTrainer(engine, clusterTasks(2, 5, 128), smallConfig({ epochs: 2 }));
  try {
    const ck = new CheckpointDir(dir);
    let lastBytes: Buffer | null = null, batches = 0;
    const err = await trainer.run({
      batch: (t) => {
        if (t !== 1 || ++batches !== 6) return;
        lastBytes = readFileSync(listCheckpoints(dir)[0]!.path);
        const w = trainer.net.layers[0]!.weight;
        engine.upload(w.buffer, new Float32Array(w.size).fill(Number.NaN)); // a blown-up step, simulated
      },
    }, { checkpoint: (s) => { ck.write({ ...s, meta: meta(s) }); } }).then(() => null, (e) => e);
    assert.instance(err, NonFiniteLossError, String(err));
    // ReLU (WGSL max) turns NaN inputs into 0, so the loss may stay finite: the parameters' norm is checked
    // every epoch (and every value read for a checkpoint); each check names the step and task.
    assert.match(err.message, /^(the (training|validation) loss|the parameters|parameter fc1\.weight\[0\]) became (NaN|non-finite).* at step \d+ \(task 2 "clusters-1", epoch 2\); lower --lr$/);
    assert.is(err.task, 1);
    const newest = listCheckpoints(dir)[0]!;
    assert.ok(lastBytes && Buffer.compare(readFileSync(newest.path), lastBytes) === 0, 'the newest checkpoint changed after the NaN');
    const c = readCheckpoint(newest.path);
    assert.is(c.meta.label, 'task 2 epoch 1');
    for (const [name, t] of c.tensors) assert.ok(t.data.every(Number.isFinite), `${name} holds a non-finite value`);
  } finally {
    trainer.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('NaN through the CLI (absurd --lr): exit 1, step and task named, the last good checkpoint named and loadable', () => {
  const dir = tempDir('nan-cli');
  try {
    const seq = writeIdxSequence(dir, { tasks: 1, train: 600, test: 50 });
    const r = runCli(['train', '--benchmark', seq, '--hidden', '8', '--epochs', '3', '--batch', '32', '--lr', '1e30', '--checkpoint-dir', join(dir, 'ck'), '--out', join(dir, 'r.json')]);
    assert.is(r.status, 1, r.stderr);
    const m = /webgpu-hat: NonFiniteLossError: (the (training|validation) loss became (NaN|-?Infinity)|the parameters became non-finite \(norm (NaN|Infinity)\)).* at step (\d+) \(task 1 "pair-0", epoch \d\); lower --lr\. The last good checkpoint, (\S+), is intact/.exec(r.stderr);
    assert.ok(m, r.stderr);
    const c = readCheckpoint(m![6]!);
    for (const [name, t] of c.tensors) assert.ok(t.data.every(Number.isFinite), `${name} holds a non-finite value`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('device lost mid-run: DeviceLostError names it; a new engine resumes from the checkpoint to the same results', async () => {
  const tasks = clusterTasks(2, 5, 128);
  const config = smallConfig({ epochs: 2, seed: 2 });
  const shared = await getEngine();
  const ref = createTrainer(shared, tasks, config);
  let expected;
  try { expected = (await ref.run()).accuracy; } finally { ref.dispose(); }
  const dir = tempDir('lost');
  const first = await createEngine();
  const trainer = createTrainer(first, tasks, config);
  try {
    const ck = new CheckpointDir(dir);
    let batches = 0;
    const err = await trainer.run({ batch: (t) => { if (t === 1 && ++batches === 3) first.device.destroy(); } }, { checkpoint: (s) => { ck.write({ ...s, meta: meta(s) }); } }).then(() => null, (e) => e);
    assert.instance(err, DeviceLostError, String(err?.stack ?? err));
    assert.match(err.message, /^WebGPU device lost \(destroyed\): .*task 2.*Create a new engine to continue; state saved in checkpoints is unaffected\.$/);
  } finally {
    trainer.dispose();
    first.destroy();
  }
  const second = await createEngine();
  const resumed = createTrainer(second, tasks, config);
  try {
    const found = newestValidCheckpoint<TrainerState>(dir)!;
    assert.match(found.checkpoint.meta.label, /^(task 2 epoch \d|after task 1)$/);
    const r = await resumed.run({}, { resume: found.checkpoint });
    assert.equal(r.accuracy, expected);
  } finally {
    resumed.dispose();
    second.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
