// `image-triage model info`: what a user needs to trust a checkpoint, and a self-test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../../support/cli';
import { tempDir, tinyModel } from '../../support/fixtures';

test('model info --json prints the checkpoint facts, files per dtype and a passing self-test', async () => {
  const dir = await tinyModel('siglip');
  const r = await cli(['model', 'info', dir, '--json', '--cache-dir', await tempDir()]);
  assert.equal(r.code, 0, r.err);
  const info = JSON.parse(r.out);
  for (const k of ['checkpoint', 'revision', 'score_kind', 'text_max_tokens', 'image_size', 'logit_scale', 'logit_bias', 'logit_source']) assert.ok(k in info, `${k} present`);
  assert.equal(info.checkpoint, dir);
  assert.match(info.revision, /^local-[0-9a-f]{12}$/);
  assert.equal(info.score_kind, 'sigmoid');
  assert.equal(info.text_max_tokens, 64);
  assert.deepEqual(info.image_size, { height: 32, width: 32 });
  assert.equal(info.resampling, 'bicubic');
  assert.ok(Math.abs(info.logit_scale - 117.330765) < 1e-2 && Math.abs(info.logit_bias + 12.932437) < 1e-2);
  assert.equal(info.logit_source, 'joint-model');
  assert.deepEqual(info.files.q8.files.map((f: { path: string }) => f.path).sort(), ['onnx/model_quantized.onnx', 'onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx']);
  assert.ok(info.files.fp32.bytes > 0 && info.files.fp16.files.length === 3);
  assert.equal(info.self_test.ok, true);
  assert.equal(info.self_test.text_embedding_size, info.self_test.image_embedding_size);
});

test('model info (text) for CLIP: softmax, 77 tokens, the logit source; --logit-scale is honoured and shown', async () => {
  const r = await cli(['model', 'info', await tinyModel('clip'), '--cache-dir', await tempDir(), '--logit-scale', '50']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /softmax scores \(uncalibrated/);
  assert.match(r.out, /text tokens: +77/);
  assert.match(r.out, /logit scale: +50 \(source: flags\)/);
  assert.match(r.out, /self-test: .* OK/);
  const bad = await cli(['model', 'info']);
  assert.equal(bad.code, 1);
  assert.match((await cli(['--help'])).out, /image-triage model info <hub id\|dir> \[--json\]/);
});
