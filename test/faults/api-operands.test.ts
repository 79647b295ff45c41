// The library API refuses wrong operands with named errors instead of computing garbage: a typed array
// gives its tensor's dtype, an int32 tensor in a float op is a DTypeError, a bias of the wrong length a
// ShapeError, a disposed tensor a DisposedTensorError (a disposed buffer may already belong to another
// tensor). A kernel that fails to compile or validate is reported by the op that caused it, and the
// engine goes on working for the next op.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getEngine, upload } from '../helpers.ts';
import { createEngine, nodeShaderSource } from '../../src/runtime/node.ts';
import { DisposedTensorError, DTypeError, GpuValidationError, ShaderCompileError, ShapeError } from '../../src/runtime/errors.ts';
import { empty, tensor, tidy, type Tensor } from '../../src/tensor.ts';
import * as ops from '../../src/ops/index.ts';
import * as kernels from '../../src/kernels/index.ts';
import { parameter } from '../../src/autograd.ts';

const named = (kind: new (...a: never[]) => Error, message: RegExp) => (e: Error) => {
  assert.instance(e, kind, `${e.name}: ${e.message}`);
  assert.match(e.message, message);
  return true;
};

test('a typed array gives the tensor its dtype; a dtype that disagrees with the array is refused', async () => {
  const engine = await getEngine();
  tidy(() => {
    assert.is(tensor(engine, Int32Array.of(1, -2, 3), [3]).dtype, 'i32');
    assert.is(tensor(engine, Uint32Array.of(1, 2, 3), [3]).dtype, 'u32');
    assert.is(tensor(engine, Float32Array.of(1, 2, 3), [3]).dtype, 'f32');
    assert.is(tensor(engine, [1, 2, 3], [3]).dtype, 'f32');
    assert.is(tensor(engine, [1, 2, 3], [3], 'i32').dtype, 'i32');
    assert.throws(() => tensor(engine, Int32Array.of(1, 2), [2], 'f32'), named(DTypeError, /^tensor: Int32Array values cannot make a tensor of dtype f32 \(pass dtype 'i32'/));
    assert.throws(() => tensor(engine, Float32Array.of(1.5, 2), [2], 'i32', 'labels'), named(DTypeError, /^labels: Float32Array values cannot make a tensor of dtype i32/));
  });
  const t = tensor(engine, Int32Array.of(7, -8), [2]);
  assert.equal(Array.from(await t.data()), [7, -8]);
  t.dispose();
});

test('an int32 tensor in a float op is a DTypeError naming the op and the operand', async () => {
  const engine = await getEngine();
  tidy(() => {
    const i = tensor(engine, Int32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    const f = upload(engine, [1, 2, 3, 4, 5, 6], [2, 3]);
    const w = upload(engine, new Float32Array(12), [4, 3]);
    const b = upload(engine, new Float32Array(4), [4]);
    assert.throws(() => ops.add(i, f), named(DTypeError, /^add: a is i32, expected f32$/));
    assert.throws(() => ops.mul(f, i), named(DTypeError, /^mul: b is i32, expected f32$/));
    assert.throws(() => ops.relu(i), named(DTypeError, /^relu: x is i32/));
    assert.throws(() => ops.sum(i), named(DTypeError, /^sum: x is i32/));
    assert.throws(() => ops.matmul(i, upload(engine, new Float32Array(12), [3, 4])), named(DTypeError, /^matmul: a is i32, expected f32$/));
    // The raw kernel too (the library's kernels.matmul, below the ops).
    assert.throws(() => kernels.matmul(engine, 'nn', i, upload(engine, new Float32Array(12), [3, 4])), named(DTypeError, /^matmul nn: operand A .* is i32; the GEMM takes f32$/));
    assert.throws(() => ops.linear(i, w, b), named(DTypeError, /^linear: x is i32/));
    assert.throws(() => ops.linear(f, w, tensor(engine, Int32Array.of(0, 0, 0, 0), [4])), named(DTypeError, /^linear: bias is i32/));
    assert.throws(() => ops.softmaxCrossEntropy(f, upload(engine, [0, 1], [2])), named(DTypeError, /^softmaxCrossEntropy: labels is f32, expected i32$/));
  });
});

test('ops.matmul is a·b with gradients (the kernel\'s numbers)', async () => {
  const engine = await getEngine();
  const a = parameter(upload(engine, [1, 2, 3, 4, 5, 6], [2, 3]));
  const b = parameter(upload(engine, [1, 0, 2, 1, 0, 1], [3, 2]));
  const y = ops.matmul(a, b);
  assert.equal(y.shape, [2, 2]);
  assert.equal(Array.from(await y.float32()), [5, 5, 14, 11]);
  const loss = ops.sum(y);
  const { backward } = await import('../../src/autograd.ts');
  backward(loss);
  assert.equal(Array.from(await a.grad!.float32()), [1, 3, 1, 1, 3, 1]);
  assert.equal(Array.from(await b.grad!.float32()), [5, 5, 7, 7, 9, 9]);
  assert.throws(() => ops.matmul(a, a), named(ShapeError, /matmul nn: inner dimensions differ/));
  for (const t of [a, b, y, loss]) t.dispose();
});

test('a bias of the wrong length is a ShapeError naming the op (linear, conv2d and the HAT layers)', async () => {
  const engine = await getEngine();
  tidy(() => {
    const x = upload(engine, new Float32Array(6), [2, 3]);
    const w = upload(engine, new Float32Array(12), [4, 3]);
    assert.throws(() => ops.linear(x, w, upload(engine, new Float32Array(3), [3])), named(ShapeError, /^linear: bias has shape \[3\], expected \[4\] \(one per output of weight \[4, 3\]\)$/));
    assert.throws(() => ops.linear(x, w, upload(engine, new Float32Array(4), [1, 4])), named(ShapeError, /^linear: bias has shape \[1, 4\]/));
    const e = upload(engine, new Float32Array(4), [4]);
    const gate = { embedding: e, s: 1, dropout: 0, seed: 1, maskPost: null, maskPre: null, fused: true };
    assert.throws(() => ops.hatLinear(x, w, upload(engine, new Float32Array(5), [5]), gate), named(ShapeError, /^hatLinear: bias has shape \[5\], expected \[4\]/));
    assert.throws(() => ops.hatLinear(x, w, upload(engine, new Float32Array(4), [4]), { ...gate, embedding: upload(engine, new Float32Array(3), [3]) }), named(ShapeError, /^hatLinear: embedding has 3 values, expected 4/));
    assert.throws(() => ops.plainLinear(x, w, upload(engine, new Float32Array(2), [2]), { p: 0, seed: 1 }), named(ShapeError, /bias has shape \[2\], expected \[4\]/));
    const img = upload(engine, new Float32Array(2 * 3 * 5 * 5), [2, 3, 5, 5]);
    const k = upload(engine, new Float32Array(4 * 3 * 3 * 3), [4, 3, 3, 3]);
    assert.throws(() => ops.conv2d(img, k, upload(engine, new Float32Array(3), [3])), named(ShapeError, /^conv2d: bias has shape \[3\], expected \[4\]/));
  });
});

test('an op given a disposed tensor throws DisposedTensorError instead of reading a buffer another tensor now owns', async () => {
  const engine = await getEngine();
  const x = upload(engine, [1, 2, 3, 4, 5, 6], [2, 3]);
  const w = upload(engine, new Float32Array(12).fill(1), [4, 3]);
  const bias = upload(engine, [1, 1, 1, 1], [4]);
  bias.dispose();
  // The pool hands the freed buffer to the next tensor of its size.
  const other = upload(engine, [100, 100, 100, 100], [4]);
  assert.throws(() => ops.linear(x, w, bias), named(DisposedTensorError, /^linear: tensor tensor \[4\] was already disposed$/));
  const y = ops.linear(x, w, other);
  assert.equal(Array.from(await y.float32()), [106, 106, 106, 106, 115, 115, 115, 115]);
  x.dispose();
  for (const [name, call] of [
    ['add', () => ops.add(x, w)], ['relu', () => ops.relu(x)], ['sum', () => ops.sum(x)], ['matmul', () => ops.matmul(w, x)],
    ['dropout', () => ops.dropout(x, 0.5, 1)], ['reshape', () => ops.reshape(x, [3, 2])],
  ] as [string, () => Tensor][]) {
    assert.throws(call, named(DisposedTensorError, new RegExp(`^${name}: tensor .* was already disposed`)), name);
  }
  for (const t of [w, other, y]) t.dispose();
});

test('after a kernel fails to compile, the next unrelated op still works (the error stays with the op that caused it)', async () => {
  const sources: Record<string, string> = {
    test_broken: '@group(0) @binding(1) var<storage, read_write> out: array<f32>;\n\n@compute @workgroup_size(1)\nfn main() {\n  out[0] = undefined_name + 1.0;\n}\n',
    test_vec4: '@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>>;\n\n@compute @workgroup_size(1)\nfn main() {\n  out[0] = vec4<f32>(1.0);\n}\n',
  };
  const engine = await createEngine({ shaderSource: (name) => sources[name] ?? nodeShaderSource(name) });
  try {
    const out = empty(engine, [4], 'f32', 'out');
    engine.dispatch({ label: 'broken op', shader: { name: 'test_broken' }, buffers: [out.buffer], workgroups: [1] });
    try {
      await engine.submit();
      assert.unreachable('a broken kernel ran');
    } catch (e) {
      assert.instance(e, ShaderCompileError, String(e));
    }
    for (let round = 0; round < 2; round++) {
      const a = upload(engine, [1, 2, 3], [3]), b = upload(engine, [10, 20, 30], [3]);
      const y = ops.add(a, b);
      assert.equal(Array.from(await y.float32()), [11, 22, 33], `round ${round}`);
      for (const t of [a, b, y]) t.dispose();
    }
    // A dispatch WebGPU rejects (a buffer too small for the kernel's binding) is named; the engine goes on.
    const tiny = engine.device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE, label: 'tiny' });
    engine.dispatch({ label: 'bad binding', shader: { name: 'test_vec4' }, buffers: [tiny], workgroups: [1] });
    await engine.submit().then(() => assert.unreachable('a bad dispatch ran'), (e: Error) => named(GpuValidationError, /bad binding/)(e));
    tiny.destroy();
    const a = upload(engine, [1, 2], [2]);
    const y = ops.scale(a, 3);
    assert.equal(Array.from(await y.float32()), [3, 6]);
    out.dispose();
  } finally {
    engine.destroy();
  }
});

test.run();
