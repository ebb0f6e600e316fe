// The cascade's rule (which zero-shot cards go to the VLM) and the one rule for which prediction counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CASCADE_WHEN, isUncertain, parseCascadeRule, topCardScore } from '../../../src/core/cascadeRule';
import { effectivePrediction, vlmDisagrees, zeroShotFingerprint } from '../../../src/core/effectivePrediction';
import { primaryPrediction } from '../../../src/core/sidecar';
import type { Confidence, Prediction } from '../../../src/core/types';

function pred(classifier: 'zero-shot' | 'vlm', o: { label?: string; score?: number; confidence?: Confidence; fits?: boolean; at?: string; sha?: string; hash?: string } = {}): Prediction {
  const fits = o.fits ?? true;
  const label = o.label ?? 'cat';
  const score = o.score ?? 5;
  return {
    classifier,
    checkpoint: classifier === 'vlm' ? 'm @ host' : 'clip',
    revision: '',
    dtype: 'fp32',
    categories_hash: o.hash ?? 'h1',
    mode: 'single_label',
    created_at: o.at ?? '2026-01-01T00:00:00.000Z',
    image_sha256: o.sha ?? 'a'.repeat(64),
    warnings: [],
    predicted_categories: fits ? [{ name: label, score, confidence: o.confidence ?? 'high', visual_evidence: '' }] : [],
    fits_any: fits,
    category_scores: { cat: label === 'cat' ? score : 1, dog: label === 'dog' ? score : 1 },
    would_route_to: fits && (o.confidence ?? 'high') !== 'low' ? label : 'review',
    decision_basis: '',
  };
}

test('the default rule: nothing fits, or low confidence, or the best score is 3 or less', () => {
  const rule = parseCascadeRule();
  assert.equal(rule.text, DEFAULT_CASCADE_WHEN);
  assert.equal(isUncertain(pred('zero-shot', { score: 5, confidence: 'high' }), rule), false);
  assert.equal(isUncertain(pred('zero-shot', { score: 4, confidence: 'medium' }), rule), false);
  assert.equal(isUncertain(pred('zero-shot', { score: 4, confidence: 'low' }), rule), true);
  assert.equal(isUncertain(pred('zero-shot', { score: 3, confidence: 'medium' }), rule), true);
  assert.equal(isUncertain(pred('zero-shot', { fits: false }), rule), true);
});

test('rule terms parse, combine with "or", and a bad term is named', () => {
  const medium = parseCascadeRule(' confidence<=medium ');
  assert.equal(isUncertain(pred('zero-shot', { confidence: 'medium' }), medium), true);
  assert.equal(isUncertain(pred('zero-shot', { confidence: 'high', score: 3 }), medium), false);
  const s4 = parseCascadeRule('score<=4,route=review');
  assert.equal(isUncertain(pred('zero-shot', { score: 4, confidence: 'medium' }), s4), true);
  assert.equal(isUncertain(pred('zero-shot', { score: 5 }), s4), false);
  assert.equal(isUncertain(pred('zero-shot', { score: 5 }), parseCascadeRule('always')), true);
  assert.equal(topCardScore(pred('zero-shot', { fits: false, score: 2 })), 2, 'nothing predicted: the best category score');
  assert.throws(() => parseCascadeRule('confidence=maybe'), /unknown cascade rule term "confidence=maybe".*terms: fits_any=false/);
  assert.throws(() => parseCascadeRule(' , '), /empty/);
});

test('the effective prediction is the VLM\'s where it ran, unless it was made for other bytes or categories than a newer zero-shot card', () => {
  const zs = pred('zero-shot', { label: 'dog', at: '2026-01-02T00:00:00.000Z' });
  const vlm = pred('vlm', { label: 'cat', at: '2026-01-01T00:00:00.000Z' });
  assert.equal(effectivePrediction({ predictions: { 'zero-shot': zs, vlm } }), vlm, 'VLM wins although older');
  assert.equal(primaryPrediction({ predictions: { 'zero-shot': zs, vlm } } as never), vlm);
  assert.equal(effectivePrediction({ predictions: { 'zero-shot': zs } }), zs);
  assert.equal(effectivePrediction({ predictions: { vlm } }), vlm);
  assert.equal(effectivePrediction({ predictions: { 'zero-shot': zs, vlm: { ...vlm, categories_hash: 'h0' } } }), zs, 'categories changed since the VLM ran');
  assert.equal(effectivePrediction({ predictions: { 'zero-shot': zs, vlm: { ...vlm, image_sha256: 'b'.repeat(64) } } }), zs, 'image changed since the VLM ran');
  assert.equal(effectivePrediction(null), undefined);
  assert.equal(vlmDisagrees({ predictions: { 'zero-shot': zs, vlm } }), true);
  assert.equal(vlmDisagrees({ predictions: { 'zero-shot': pred('zero-shot', { label: 'cat', score: 3 }), vlm } }), false, 'same label, other scores: agree');
  assert.equal(vlmDisagrees({ predictions: { vlm } }), false);
});

test('the zero-shot fingerprint changes with the card and the model, not with the time it was made', () => {
  const a = pred('zero-shot', { score: 3 });
  assert.equal(zeroShotFingerprint(a), zeroShotFingerprint({ ...a, created_at: '2030-01-01T00:00:00.000Z' }));
  assert.notEqual(zeroShotFingerprint(a), zeroShotFingerprint(pred('zero-shot', { score: 4 })));
  assert.notEqual(zeroShotFingerprint(a), zeroShotFingerprint({ ...a, checkpoint: 'siglip' }));
  assert.notEqual(zeroShotFingerprint(a), zeroShotFingerprint({ ...a, category_scores: { cat: 3, dog: 2 } }));
});
