import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyPrediction, applyReview, newSidecar, restoreReview, isPredictionCurrent } from '../../../src/core/sidecar';
import { readSidecar, updateSidecar, writeSidecar, sidecarPath, SidecarCorruptError } from '../../../src/core/sidecarStore';
import type { Prediction } from '../../../src/core/types';
const SHA = 'abc'.padEnd(64, '0');

function pred(labels: string[], over: Partial<Prediction> = {}): Prediction {
  return {
    predicted_categories: labels.map((name) => ({ name, score: 5, confidence: 'high', visual_evidence: 'x' })),
    fits_any: labels.length > 0,
    category_scores: { cat: labels.includes('cat') ? 5 : 1, dog: labels.includes('dog') ? 5 : 1 },
    would_route_to: labels[0] ?? 'review',
    decision_basis: 'b',
    classifier: 'zero-shot',
    checkpoint: 'ck',
    revision: 'r',
    dtype: 'fp32',
    categories_hash: 'h1',
    mode: 'single_label',
    created_at: '2026-01-01T00:00:00Z',
    image_sha256: SHA,
    warnings: [],
    ...over,
  };
}
const img = { name: 'a.jpg', sha256: SHA, size: 3 };

test('a human override survives re-classification and is marked stale when the prediction changes', () => {
  let sc = applyPrediction(newSidecar(img), pred(['cat']));
  sc = applyReview(sc, { action: 'label', labels: ['dog'] }, { by: 'ann' });
  assert.equal(sc.review.status, 'overridden');
  sc = applyPrediction(sc, pred(['dog'], { created_at: '2026-01-02T00:00:00Z' }));
  assert.equal(sc.review.status, 'stale');
  assert.deepEqual(sc.review.labels, ['dog']);
  assert.equal(sc.review.by, 'ann');
  assert.equal(sc.review.history.at(-1)?.action, 'stale');
  assert.match(sc.review.history.at(-1)!.reason!, /cat.*dog/);
});

test('re-classification with the same labels keeps an accepted review accepted', () => {
  let sc = applyPrediction(newSidecar(img), pred(['cat']));
  sc = applyReview(sc, { action: 'accept' }, { by: 'ann' });
  assert.deepEqual([sc.review.status, sc.review.labels], ['accepted', ['cat']]);
  sc = applyPrediction(sc, pred(['cat']));
  assert.equal(sc.review.status, 'accepted');
});

test('edited categories make a decided review stale even when the label is unchanged', () => {
  let sc = applyPrediction(newSidecar(img), pred(['cat']));
  sc = applyReview(sc, { action: 'reject' }, { by: 'ann' });
  assert.deepEqual([sc.review.status, sc.review.labels], ['rejected', []]);
  sc = applyPrediction(sc, pred(['cat'], { categories_hash: 'h2' }));
  assert.equal(sc.review.status, 'stale');
  assert.match(sc.review.history.at(-1)!.reason!, /categories changed/);
});

test('labelling with exactly the predicted labels counts as accepted; undo restores the previous review', () => {
  let sc = applyPrediction(newSidecar(img), pred(['cat']));
  const before = sc.review;
  sc = applyReview(sc, { action: 'label', labels: ['cat'] }, { by: 'bo', note: 'sure' });
  assert.equal(sc.review.status, 'accepted');
  assert.equal(sc.review.note, 'sure');
  sc = restoreReview(sc, before);
  assert.deepEqual(sc.review, { status: 'pending', labels: [], history: [] });
});

test('another classifier\'s prediction does not make a review stale', () => {
  let sc = applyPrediction(newSidecar(img), pred(['cat']));
  sc = applyReview(sc, { action: 'accept' }, { by: 'ann', classifier: 'zero-shot' });
  sc = applyPrediction(sc, pred(['dog'], { classifier: 'vlm' }));
  assert.equal(sc.review.status, 'accepted');
  assert.ok(sc.predictions['zero-shot'] && sc.predictions.vlm);
});

test('a prediction is current only for the same model, revision, dtype, categories and image', () => {
  const sc = applyPrediction(newSidecar(img), pred(['cat']));
  const key = { classifier: 'zero-shot' as const, checkpoint: 'ck', revision: 'r', dtype: 'fp32', categoriesHash: 'h1', sha256: SHA };
  assert.equal(isPredictionCurrent(sc, key), true);
  for (const change of [{ checkpoint: 'x' }, { revision: 'x' }, { dtype: 'q8' }, { categoriesHash: 'x' }, { sha256: 'x' }]) {
    assert.equal(isPredictionCurrent(sc, { ...key, ...change }), false, JSON.stringify(change));
  }
  assert.equal(isPredictionCurrent(null, key), false);
});

test('store: writes are atomic, keep unknown fields, and leave no temp files', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'it-store-'));
  const image = path.join(dir, 'a.jpg');
  const sc = { ...applyPrediction(newSidecar(img), pred(['cat'])), custom_field: { keep: true } };
  await writeSidecar(image, sc);
  await Promise.all(Array.from({ length: 20 }, (_, i) => updateSidecar(image, (cur) => ({ ...cur!, counter: ((cur!.counter as number) ?? 0) + 1, [`k${i}`]: i }))));
  const back = await readSidecar(image);
  assert.equal(back!.counter, 20, 'concurrent updates serialise, none is lost');
  assert.deepEqual(back!.custom_field, { keep: true });
  assert.deepEqual((await fs.readdir(dir)).sort(), ['a.jpg.labels.json']);
});

test('store: a corrupt sidecar is reported and left byte-for-byte untouched', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'it-store-'));
  const image = path.join(dir, 'b.jpg');
  await fs.writeFile(sidecarPath(image), '{"schema": "image-triage/sidecar", broken');
  await assert.rejects(readSidecar(image), (e: Error) => e instanceof SidecarCorruptError && /invalid JSON/.test(e.message) && /left untouched/.test(e.message));
  await assert.rejects(updateSidecar(image, () => newSidecar(img)), SidecarCorruptError);
  assert.equal(await fs.readFile(sidecarPath(image), 'utf8'), '{"schema": "image-triage/sidecar", broken');
  await fs.writeFile(sidecarPath(image), JSON.stringify({ ...newSidecar(img), schema: 'other' }));
  await assert.rejects(readSidecar(image), (e: SidecarCorruptError) => e.jsonPath === '/schema' && /\/schema must be equal to constant/.test(e.message));
  // The example: an empty prediction used to pass and crash routing later with a TypeError.
  await fs.writeFile(sidecarPath(image), JSON.stringify({ ...newSidecar(img), predictions: { 'zero-shot': {} } }));
  await assert.rejects(readSidecar(image), (e: SidecarCorruptError) => e.jsonPath === '/predictions/zero-shot' && /required property/.test(e.message));
});
