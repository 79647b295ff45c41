// safetensors by hand: a file written byte by byte reads back, our files parse by hand, the reference's
// names come out (fc1.weight, efc1.weight [tasks, units], last.0.weight, mask.fc1 [1, units]), a trained
// network survives export → import exactly, the export command works on a checkpoint directory, and
// malformed files and mismatched networks get errors naming what is wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { getEngine } from '../helpers.ts';
import { decodeSafetensors, encodeSafetensors, f32, SafetensorsError } from '../../src/io/safetensors.ts';
import { fromReferenceTensors, toReferenceTensors } from '../../src/io/reference-names.ts';
import { loadNetworkTensors, readNetworkTensors } from '../../src/nn/parameters.ts';
import { positionLabel, type TrainerSnapshot } from '../../src/train/state.ts';
import { CheckpointDir } from '../../src/io/checkpoint-dir.ts';
import { createTrainer } from '../../src/approaches/registry.ts';
import { HatNetwork } from '../../src/nn/network.ts';
import { clusterTasks, smallConfig } from '../train/fixtures.ts';
import { runCliAsync, tempDir } from '../faults/_cli.ts';

/** A safetensors file built by hand from the spec, not by our encoder. */
function handWritten(header: Record<string, unknown>, data: number[] | Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const raw = data instanceof Uint8Array ? data : new Uint8Array(Float32Array.from(data).buffer);
  const out = new Uint8Array(8 + json.length + raw.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(raw, 8 + json.length);
  return out;
}

/** Our file, parsed by hand: header length, JSON, offsets into little-endian floats. */
function parseByHand(bytes: Uint8Array): Map<string, { shape: number[]; values: number[] }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const out = new Map<string, { shape: number[]; values: number[] }>();
  for (const [name, e] of Object.entries(header) as [string, { dtype: string; shape: number[]; data_offsets: [number, number] }][]) {
    if (name === '__metadata__') continue;
    assert.is(e.dtype, 'F32');
    const values: number[] = [];
    for (let o = e.data_offsets[0]; o < e.data_offsets[1]; o += 4) values.push(view.getFloat32(8 + n + o, true));
    out.set(name, { shape: e.shape, values });
  }
  return out;
}

test('a hand-written file reads back; our files parse by hand (8-byte LE length, padded JSON header, LE data)', () => {
  const bytes = handWritten({ __metadata__: { format: 'pt' }, b: { dtype: 'F32', shape: [2], data_offsets: [24, 32] }, a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] } }, [1, 2, 3, 4, 5, 6, -7.5, 1e-3]);
  const f = decodeSafetensors(bytes, 'hand.safetensors');
  assert.equal(f.metadata, { format: 'pt' });
  assert.equal(f.tensors.get('a')!.shape, [2, 3]);
  assert.equal(Array.from(f.tensors.get('a')!.data), [1, 2, 3, 4, 5, 6]);
  assert.equal(Array.from(f.tensors.get('b')!.data), [-7.5, Math.fround(1e-3)]);
  const ours = encodeSafetensors([['x', f32([3], Float32Array.from([0.5, -2, 3]))], ['empty', f32([0, 4], new Float32Array(0))]], { producer: 'test' });
  const headerLength = Number(new DataView(ours.buffer).getBigUint64(0, true));
  assert.is(headerLength % 8, 0, 'header padded to 8 bytes');
  const parsed = parseByHand(ours);
  assert.equal(parsed.get('x'), { shape: [3], values: [0.5, -2, 3] });
  assert.equal(parsed.get('empty'), { shape: [0, 4], values: [] });
});

test('malformed safetensors are refused naming the file and the problem', () => {
  const good = handWritten({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, [1, 2]);
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 5), /^m\.st: truncated: 5 bytes, no room for the 8-byte header length$/],
    [good.subarray(0, good.length - 4), /^m\.st: truncated: tensor a ends at data byte 8, but the file holds only 4 data bytes$/],
    [(() => { const b = good.slice(); b[0] = 200; return b; })(), /^m\.st: truncated: the header says it is \d+ bytes long, but only \d+ bytes follow$/],
    [handWritten({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor a: unsupported dtype "F16"/],
    [handWritten({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, [1, 2]), /tensor a: shape \[3\] needs 12 bytes, data_offsets \[0, 8\] give 8/],
    [handWritten({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, [1, 2]), /data bytes 0\.\.4 belong to no tensor/],
    [handWritten({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, [1, 2]), /4 data bytes after the last tensor belong to none/],
    [(() => { const b = good.slice(); b[9] = 0x7b; b[10] = 0x7b; return b; })(), /the \d+-byte JSON header does not parse/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => decodeSafetensors(bytes, 'm.st'), (e: Error) => e instanceof SafetensorsError && message.test(e.message), String(message));
  }
});

async function trainedTrainer() {
  const engine = await getEngine();
  const trainer = createTrainer(engine, clusterTasks(2, 6, 64), smallConfig({ epochs: 1 }));
  await trainer.trainTask(0);
  await trainer.finishTask(0);
  return trainer;
}

test('export → import round trip with the reference names: every value and every accuracy identical', async () => {
  const trainer = await trainedTrainer();
  const fresh = new HatNetwork(trainer.engine, { ...(trainer.net as HatNetwork).config, seed: 99 });
  try {
    const ours = await readNetworkTensors(trainer.net);
    const ref = toReferenceTensors(ours);
    const names = ref.map(([n]) => n);
    assert.equal(names, ['fc1.weight', 'fc1.bias', 'efc1.weight', 'fc2.weight', 'fc2.bias', 'efc2.weight', 'last.0.weight', 'last.0.bias', 'last.1.weight', 'last.1.bias', 'mask.fc1', 'mask.fc2']);
    const byName = new Map(ref);
    assert.equal(byName.get('fc1.weight')!.shape, [32, 16]);
    assert.equal(byName.get('efc2.weight')!.shape, [2, 32]);
    assert.equal(Array.from(byName.get('efc2.weight')!.data.subarray(32, 64)), Array.from(ours.get('efc2.1')!.data), 'row t of efc2.weight is task t');
    assert.equal(byName.get('mask.fc1')!.shape, [1, 32]);
    assert.equal(byName.get('last.1.weight')!.shape, [2, 32]);
    const bytes = encodeSafetensors(ref, { format: 'pt' });
    const back = fromReferenceTensors(decodeSafetensors(bytes, 'model.safetensors').tensors);
    loadNetworkTensors(fresh, back, 'model.safetensors');
    const again = await readNetworkTensors(fresh);
    assert.equal([...again.keys()].sort(), [...ours.keys()].sort());
    for (const [name, t] of ours) assert.equal(Array.from(again.get(name)!.data), Array.from(t.data), name);
    // The imported network predicts exactly as the trained one.
    const other = createTrainer(trainer.engine, trainer.tasks, trainer.config);
    try {
      loadNetworkTensors(other.net, back, 'model.safetensors');
      for (const t of [0, 1]) assert.equal(await other.evaluate(t, trainer.tasks[t]!.test), await trainer.evaluate(t, trainer.tasks[t]!.test));
    } finally {
      other.dispose();
    }
    // Mismatches are named.
    const wrong = new Map(back);
    wrong.set('fc2.weight', { shape: [32, 31], data: new Float32Array(32 * 31) });
    assert.throws(() => loadNetworkTensors(fresh, wrong, 'w.safetensors'), /^w\.safetensors: tensor fc2\.weight has shape \[32, 31\], this network needs \[32, 32\]$/);
    const missing = new Map(back);
    missing.delete('last.1.bias');
    assert.throws(() => loadNetworkTensors(fresh, missing, 'm.safetensors'), /^m\.safetensors: tensor last\.1\.bias is missing$/);
    const extra = new Map(back);
    extra.set('fc3.weight', { shape: [1], data: new Float32Array(1) });
    assert.throws(() => loadNetworkTensors(fresh, extra, 'x.safetensors'), /x\.safetensors: tensor fc3\.weight is not in this network/);
  } finally {
    fresh.dispose();
    trainer.dispose();
  }
});

test('webgpu-hat export --checkpoint DIR --out FILE writes the reference names from the newest checkpoint', async () => {
  const trainer = await trainedTrainer();
  const dir = tempDir('export');
  try {
    const ck = new CheckpointDir(join(dir, 'ck'));
    const snap: TrainerSnapshot = await trainer.snapshot({ task: 1, step: 0, rngDraws: 0, inTask: null, results: { accuracy: [[1]], maskUsage: [[0]], epochs: [], trainMs: 0, trainedSamples: 0 } });
    ck.write({ ...snap, meta: { benchmark: 'clusters', config: { ...trainer.config }, taskNames: ['a', 'b'], label: positionLabel(snap.state), seq: 0, createdAt: '' } });
    const out = join(dir, 'model.safetensors');
    const r = await runCliAsync(['export', '--checkpoint', join(dir, 'ck'), '--out', out]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote 12 tensors .* \(after task 1\) to .*model\.safetensors/);
    const f = decodeSafetensors(new Uint8Array(readFileSync(out)), out);
    assert.equal(Array.from(f.tensors.get('fc1.weight')!.data), Array.from(snap.tensors.get('fc1.weight')!.data));
    assert.equal(f.tensors.get('efc1.weight')!.shape, [2, 32]);
    assert.equal(f.metadata.format, 'pt');
    assert.equal(JSON.parse(f.metadata.tasks!), ['a', 'b']);
  } finally {
    trainer.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
