// The shape-faithful CLIP generator, at a reduced size (the full model is too slow for unit tests),
// through the same code as `npm run bench:model`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { type ClipArch, type HfClipConfig, clipArchFromConfig, clipParamCounts } from '../../../src/devmodels/clipArch';
import { DEFAULT_BENCH_SOURCE, type BenchModelResult, generateBenchModel } from '../../../src/devmodels/benchModel';
import { verifyBenchModel } from '../../../src/devmodels/benchModelVerify';

const SMALL: ClipArch = {
  projectionDim: 16,
  text: { vocab: 49408, positions: 77, width: 32, layers: 2, heads: 4, mlp: 64, eps: 1e-5 },
  vision: { width: 64, layers: 2, heads: 4, mlp: 128, patch: 32, imageSize: 224, channels: 3, eps: 1e-5 },
};

let dir: string;
let result: BenchModelResult;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-model-'));
  result = await generateBenchModel(join(dir, 'clip-small'), { arch: SMALL, seed: 1 });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function session(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(join(dir, 'clip-small', 'onnx', file));
}

test('parameter count of the real openai/clip-vit-base-patch32 config is 151,277,313', async () => {
  const cfg = JSON.parse(await readFile(join(DEFAULT_BENCH_SOURCE, 'config.json'), 'utf8')) as HfClipConfig;
  const arch = clipArchFromConfig(cfg);
  assert.deepEqual(arch.vision, { width: 768, layers: 12, heads: 12, mlp: 3072, patch: 32, imageSize: 224, channels: 3, eps: 1e-5 });
  assert.deepEqual(arch.text, { vocab: 49408, positions: 77, width: 512, layers: 12, heads: 8, mlp: 2048, eps: 1e-5 });
  assert.deepEqual(clipParamCounts(arch), { vision: 87_849_216, text: 63_428_096, logitScale: 1, total: 151_277_313 });
});

test('writes fp32 and q8 files whose parameters match the module-structure count', async () => {
  const names = result.files.map((f) => f.path.split(/[\\/]/).pop());
  assert.deepEqual(names, [
    'text_model.onnx',
    'vision_model.onnx',
    'model.onnx',
    'text_model_quantized.onnx',
    'vision_model_quantized.onnx',
    'model_quantized.onnx',
  ]);
  const want = clipParamCounts(SMALL);
  assert.deepEqual(result.files.map((f) => f.params), [want.text, want.vision, want.total, want.text, want.vision, want.total]);
  const [text, vision, joint, textQ, visionQ] = result.files;
  assert.ok(text.bytes >= want.text * 4 && text.bytes < want.text * 4 * 1.05, 'fp32 stores 4 bytes per parameter');
  assert.ok(joint.bytes >= text.bytes + vision.bytes - 1e5, 'the joint model holds both towers');
  assert.ok(textQ.bytes < text.bytes / 3 && visionQ.bytes < vision.bytes / 3, 'q8 stores ~1 byte per weight');
  const cfg = JSON.parse(await readFile(join(dir, 'clip-small', 'config.json'), 'utf8')) as HfClipConfig;
  assert.equal(cfg.vision_config.num_hidden_layers, 2, 'config.json describes the generated architecture');
  const tok = await readFile(join(dir, 'clip-small', 'tokenizer.json'), 'utf8');
  assert.equal(tok, await readFile(join(DEFAULT_BENCH_SOURCE, 'tokenizer.json'), 'utf8'));
});

test('input and output names match the Xenova/clip-vit-base-patch32 export; q8 uses integer kernels', async () => {
  for (const suffix of ['', '_quantized']) {
    const text = await session(`text_model${suffix}.onnx`);
    assert.deepEqual([...text.inputNames].sort(), ['attention_mask', 'input_ids']);
    assert.deepEqual(text.outputNames, ['text_embeds', 'last_hidden_state']);
    const vision = await session(`vision_model${suffix}.onnx`);
    assert.deepEqual(vision.inputNames, ['pixel_values']);
    assert.deepEqual(vision.outputNames, ['image_embeds', 'last_hidden_state']);
    const joint = await session(`model${suffix}.onnx`);
    assert.deepEqual([...joint.inputNames].sort(), ['attention_mask', 'input_ids', 'pixel_values']);
    assert.deepEqual(joint.outputNames, ['logits_per_image', 'logits_per_text', 'text_embeds', 'image_embeds']);
  }
  const q = await readFile(join(dir, 'clip-small', 'onnx', 'vision_model_quantized.onnx'));
  for (const op of ['DynamicQuantizeLinear', 'MatMulInteger', 'ConvInteger']) assert.ok(q.includes(op), op);
});

test('text pooling at the EOS token ignores padding; image embeddings do not depend on the batch', async () => {
  const text = await session('text_model.onnx');
  const ids = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
  const alone = await text.run({ input_ids: ids([[49406, 320, 2368, 49407]]), attention_mask: ids([[1, 1, 1, 1]]) });
  const padded = await text.run({
    input_ids: ids([[49406, 320, 2368, 49407, 49407, 49407], [49406, 320, 1125, 539, 320, 49407]]),
    attention_mask: ids([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]]),
  });
  assert.deepEqual(padded.text_embeds.dims, [2, 16]);
  const a = alone.text_embeds.data as Float32Array;
  const p = padded.text_embeds.data as Float32Array;
  for (let i = 0; i < 16; i++) assert.ok(Math.abs(a[i] - p[i]) < 1e-5, `dim ${i}: ${a[i]} vs ${p[i]}`);

  const vision = await session('vision_model.onnx');
  const px = Float32Array.from({ length: 2 * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.013));
  const both = await vision.run({ pixel_values: new ort.Tensor('float32', px, [2, 3, 224, 224]) });
  const second = await vision.run({ pixel_values: new ort.Tensor('float32', px.slice(3 * 224 * 224), [1, 3, 224, 224]) });
  assert.deepEqual(both.last_hidden_state.dims, [2, 50, 64]);
  const b = (both.image_embeds.data as Float32Array).subarray(16);
  const s = second.image_embeds.data as Float32Array;
  for (let i = 0; i < 16; i++) assert.ok(Math.abs(b[i] - s[i]) < 1e-5);

  // The quantised tower computes nearly the same embedding.
  const visionQ = await session('vision_model_quantized.onnx');
  const q = (await visionQ.run({ pixel_values: new ort.Tensor('float32', px.slice(3 * 224 * 224), [1, 3, 224, 224]) })).image_embeds.data as Float32Array;
  let dot = 0, nq = 0, ns = 0;
  for (let i = 0; i < 16; i++) [dot, nq, ns] = [dot + q[i] * s[i], nq + q[i] * q[i], ns + s[i] * s[i]];
  assert.ok(dot / Math.sqrt(nq * ns) > 0.95, `q8 vs fp32 cosine ${dot / Math.sqrt(nq * ns)}`);
});

test('loads through transformers.js (towers fp32/q8 and the zero-shot pipeline) with finite outputs', async () => {
  const timings = await verifyBenchModel(join(dir, 'clip-small'), { batch: 3, repeats: 1 });
  assert.deepEqual(timings.map((t) => t.dtype), ['fp32', 'q8']);
  for (const t of timings) {
    assert.deepEqual(t.visionDims, [3, 16]);
    assert.deepEqual(t.textDims, [3, 16]);
    assert.ok(t.visionBatchS > 0 && t.textBatchS > 0 && t.pipelineS > 0);
  }
});
