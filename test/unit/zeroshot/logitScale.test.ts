// SigLIP's logit scale and bias without the joint model where possible: known table → user's flags
// or setting → onnx/model_quantized.onnx read once → a clear error; the source is in every prediction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { knownSiglip, logitScaleFor } from '../../../src/classifiers/zeroShot/logitScale';
import type { Towers } from '../../../src/classifiers/zeroShot/modelLoader';
import { ZeroShotClassifier } from '../../../src/classifiers/zeroShot';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

function fakeTowers(checkpoint: string, isLocal: boolean, joint?: () => never): { towers: Towers; jointCalls: () => number } {
  let calls = 0;
  const towers = {
    modelType: 'siglip',
    checkpoint,
    revision: 'r',
    dtype: 'fp32',
    isLocal,
    preprocess: { resize: { height: 4, width: 4 } },
    jointLogits: async () => {
      calls++;
      return joint ? joint() : { logits: [], text: [], image: new Float32Array() };
    },
  } as unknown as Towers;
  return { towers, jointCalls: () => calls };
}

test('known checkpoints come from the table, keyed by hub id (google and its Xenova port), without the joint model', async () => {
  for (const id of ['google/siglip-base-patch16-224', 'Xenova/siglip-base-patch16-224']) {
    assert.deepEqual(knownSiglip(id), { scale: 117.330765, bias: -12.932437 });
    const f = fakeTowers(id, false);
    const l = await logitScaleFor(f.towers, await tempDir(), { scale: 50, bias: 1, from: 'flags' });
    assert.deepEqual(l, { scale: 117.330765, bias: -12.932437, source: 'known-checkpoint' });
    assert.equal(f.jointCalls(), 0);
  }
});

test('for anything else the user\'s scale and bias are used before any joint model', async () => {
  const f = fakeTowers('someone/siglip-custom', false);
  assert.deepEqual(await logitScaleFor(f.towers, await tempDir(), { scale: 90.5, bias: -10, from: 'setting' }), { scale: 90.5, bias: -10, source: 'setting' });
  assert.equal(f.jointCalls(), 0);
  await assert.rejects(logitScaleFor(f.towers, await tempDir(), { scale: 4.76, from: 'flags' }), /SigLIP needs both --logit-scale and --logit-bias/);
  await assert.rejects(logitScaleFor(f.towers, await tempDir(), { scale: -1, bias: 0, from: 'flags' }), /--logit-scale must be a positive number/);
});

test('with no table entry, no user values and no readable joint model, the error names both ways out', async () => {
  const f = fakeTowers('someone/siglip-large', false, () => {
    throw new Error('Could not locate file: onnx/model_quantized.onnx');
  });
  await assert.rejects(logitScaleFor(f.towers, await tempDir()), (e: Error) => {
    assert.match(e.message, /--logit-scale .* --logit-bias/);
    assert.match(e.message, /imageTriage\.logitScale/);
    assert.match(e.message, /onnx\/model_quantized\.onnx/);
    return true;
  });
});

test('a local SigLIP without onnx/model.onnx measures scale and bias from model_quantized.onnx, once (then cached)', async () => {
  const dir = path.join(await tempDir('noJoint-'), 'm');
  await fs.cp(await tinyModel('siglip'), dir, { recursive: true });
  await fs.rm(path.join(dir, 'onnx/model.onnx'));
  const cache = await tempDir();
  const c = await ZeroShotClassifier.create({ kind: 'zero-shot', model: dir, dtype: 'fp32', cacheDir: cache });
  assert.equal(c.logit.source, 'joint-model');
  assert.ok(Math.abs(c.logit.scale - 117.330765) < 1e-2 && Math.abs(c.logit.bias + 12.932437) < 1e-2, JSON.stringify(c.logit));
  await c.dispose();
  const calib = path.join(cache, 'calibration');
  const [file] = await fs.readdir(calib);
  const before = (await fs.stat(path.join(calib, file))).mtimeMs;
  const again = await ZeroShotClassifier.create({ kind: 'zero-shot', model: dir, dtype: 'fp32', cacheDir: cache });
  assert.deepEqual(again.logit, c.logit, 'the same values, from the calibration cache');
  assert.equal((await fs.stat(path.join(calib, file))).mtimeMs, before, 'not measured again');
  await again.dispose();
  // Without the joint file (the fingerprint changes with it) there is nothing left to read: the error says what to do.
  await fs.rm(path.join(dir, 'onnx/model_quantized.onnx'));
  await assert.rejects(ZeroShotClassifier.create({ kind: 'zero-shot', model: dir, dtype: 'fp32', cacheDir: await tempDir() }), /--logit-scale/);
});

test('classify --logit-scale/--logit-bias: the values and their source are recorded in the prediction', async () => {
  const root = await tempDir('flags-');
  await fs.writeFile(path.join(root, 'red.png'), await solidColorPng('red', 32));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: ['red', 'blue'].map((n) => ({ name: n, description: n })) }));
  const r = await cli(['classify', root, '--model', await tinyModel('siglip'), '--cache-dir', await tempDir(), '--logit-scale', '100', '--logit-bias', '-10']);
  assert.equal(r.code, 0, r.err);
  const zs = JSON.parse(await fs.readFile(path.join(root, 'red.png.labels.json'), 'utf8')).predictions['zero-shot'].zero_shot;
  assert.deepEqual([zs.logit_scale, zs.logit_bias, zs.logit_source], [100, -10, 'flags']);
  const bad = await cli(['classify', root, '--model', await tinyModel('siglip'), '--cache-dir', await tempDir(), '--logit-scale', 'abc']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--logit-scale must be a number/);
});
