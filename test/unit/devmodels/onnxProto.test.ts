// The hand-written ONNX protobuf writer and number helpers, checked against onnxruntime itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DT, Msg } from '../../../src/devmodels/onnxProto';
import { GraphBuilder } from '../../../src/devmodels/graphBuilder';
import { float16Bits, quantizeU8, seededNormal } from '../../../src/devmodels/numeric';

test('varints: small, multi-byte and negative (10-byte two\'s complement)', () => {
  const bytes = (m: Msg) => [...Buffer.concat(m.parts)];
  assert.deepEqual(bytes(new Msg().int(1, 1)), [0x08, 0x01]);
  assert.deepEqual(bytes(new Msg().int(1, 300)), [0x08, 0xac, 0x02]);
  assert.deepEqual(bytes(new Msg().int(1, -1)), [0x08, ...new Array(9).fill(0xff), 0x01]);
  const nested = new Msg().msg(2, new Msg().str(1, 'ab'));
  assert.deepEqual(bytes(nested), [0x12, 4, 0x0a, 2, 0x61, 0x62]);
  assert.equal(nested.length, 6);
});

test('a built graph runs in onnxruntime with attributes, negative axes and initializers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-proto-'));
  try {
    for (const fp16Weights of [false, true]) {
      const g = new GraphBuilder('t', { fp16Weights });
      const x = g.input('x', DT.FLOAT, ['batch', 3]);
      const w = g.f32([3, 2], [1, 0, 0, 1, 1, 1], 'w');
      const y = g.op('Softmax', [g.op('MatMul', [x, w])], { axis: -1 });
      const n = g.op('LayerNormalization', [x, g.f32([3], [1, 1, 1]), g.f32([3], [0, 0, 0])], { axis: -1, epsilon: 1e-5 });
      g.output('y', y, DT.FLOAT, ['batch', 2]);
      g.output('n', n, DT.FLOAT, ['batch', 3]);
      const path = join(dir, `m${fp16Weights}.onnx`);
      g.write(path);
      const s = await ort.InferenceSession.create(path);
      assert.deepEqual(s.inputNames, ['x']);
      assert.deepEqual(s.outputNames, ['y', 'n']);
      const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([0, 0, 0, 2, 0, 0]), [2, 3]) });
      const yv = [...(out.y.data as Float32Array)];
      assert.ok(Math.abs(yv[0] - 0.5) < 1e-6 && Math.abs(yv[2] - 1 / (1 + Math.exp(-2))) < 1e-4, `${yv}`);
      const nv = [...(out.n.data as Float32Array)];
      assert.ok(Math.abs(nv[3] - Math.SQRT2) < 1e-3, `${nv}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('float16 bits round correctly, including subnormals and overflow', () => {
  assert.equal(float16Bits(1), 0x3c00);
  assert.equal(float16Bits(-2), 0xc000);
  assert.equal(float16Bits(65504), 0x7bff);
  assert.equal(float16Bits(1e6), 0x7c00);
  assert.equal(float16Bits(2 ** -24), 0x0001);
  assert.equal(float16Bits(1e-9), 0);
  assert.equal(float16Bits(1 + 2 ** -11), 0x3c00, 'ties round to even');
});

test('seeded normals are reproducible with the requested std; uint8 quantisation round-trips', () => {
  const a = seededNormal(100001, 0.02, 7);
  assert.deepEqual(a.subarray(0, 5), seededNormal(5, 0.02, 7));
  let s = 0;
  let s2 = 0;
  for (const v of a) {
    s += v;
    s2 += v * v;
  }
  const std = Math.sqrt(s2 / a.length - (s / a.length) ** 2);
  assert.ok(Math.abs(std - 0.02) < 0.0005, `std ${std}`);
  const q = quantizeU8(a);
  let maxErr = 0;
  for (let i = 0; i < a.length; i++) maxErr = Math.max(maxErr, Math.abs((q.data[i] - q.zeroPoint) * q.scale - a[i]));
  assert.ok(maxErr <= q.scale / 2 + 1e-7, `max error ${maxErr} vs scale ${q.scale}`);
  assert.equal(quantizeU8(Float32Array.of(0, 0)).data[0] - quantizeU8(Float32Array.of(0, 0)).zeroPoint, 0);
});
