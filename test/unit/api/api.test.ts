// The library API that Node users and other extensions call: classify, label, similarity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, label, similarity } from '../../../src/api';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

test('classify returns every label with its score, best first, summing to 1 for CLIP, with the checkpoint', async () => {
  const model = await tinyModel('clip');
  const cacheDir = await tempDir('api-');
  const red = await solidColorPng('red', 40);
  const out = await classify(red, ['blue', 'red', 'green'], { model, cacheDir, template: 'a photo of {name}' });
  assert.deepEqual(out.map((o) => o.label), ['red', ...out.slice(1).map((o) => o.label)]);
  assert.equal(out.length, 3);
  assert.ok(out[0].score > 0.9);
  assert.ok(Math.abs(out.reduce((s, o) => s + o.score, 0) - 1) < 1e-6);
  assert.ok(out.every((o, i) => i === 0 || o.score <= out[i - 1].score));
  assert.equal(out[0].checkpoint, model);
  assert.equal(await label(await solidColorPng('green', 40), ['red', 'green', 'blue'], { model, cacheDir }), 'green');
  await assert.rejects(classify(red, ['red'], { model, cacheDir }), /at least two labels/);
});

test('similarity is the cosine of the image embeddings: same colour ≈ 1, different colours ≈ 0', async () => {
  const model = await tinyModel('clip');
  const cacheDir = await tempDir('api-');
  const same = await similarity(await solidColorPng('red', 30), await solidColorPng('red', 90), { model, cacheDir });
  const diff = await similarity(await solidColorPng('red', 30), await solidColorPng('blue', 30), { model, cacheDir });
  assert.ok(same > 0.99, `same ${same}`);
  assert.ok(diff < 0.1, `diff ${diff}`);
});
