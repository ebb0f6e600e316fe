import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCard, ensemble, l2normalise, modelScores, softmax, toCardScore } from '../../../src/classifiers/zeroShot/scoring';
import { fitLine } from '../../../src/classifiers/zeroShot/logitScale';
import type { CategorySet } from '../../../src/core/types';

test('prompt ensembling: normalise each prompt, average, renormalise', () => {
  const a = new Float32Array([3, 0]); // → (1,0)
  const b = new Float32Array([0, 10]); // → (0,1)
  const e = ensemble([a, b]);
  assert.ok(Math.abs(e[0] - Math.SQRT1_2) < 1e-6 && Math.abs(e[1] - Math.SQRT1_2) < 1e-6);
  // Unnormalised averaging would have pointed almost entirely at b.
  const n = l2normalise(new Float32Array([1.5, 5]));
  assert.ok(n[1] > 0.9);
});

test('CLIP scores are a softmax of 100·cos; SigLIP scores a sigmoid of cos·scale+bias', () => {
  const clip = modelScores([0.3, 0.28, 0.1], 'softmax', 100);
  assert.ok(Math.abs(clip.reduce((x, y) => x + y, 0) - 1) < 1e-9);
  const expected = softmax([30, 28, 10]);
  clip.forEach((p, i) => assert.ok(Math.abs(p - expected[i]) < 1e-12));
  const sig = modelScores([0.1, -0.05], 'sigmoid', 10, -0.5);
  assert.ok(Math.abs(sig[0] - 1 / (1 + Math.exp(-0.5))) < 1e-12);
  assert.ok(Math.abs(sig[1] - 1 / (1 + Math.exp(1))) < 1e-12);
});

test('score → 1..5 thresholds', () => {
  assert.deepEqual([0.05, 0.1, 0.3, 0.5, 0.69, 0.7, 0.99].map(toCardScore), [1, 2, 3, 4, 4, 5, 5]);
});

test('the logit scale fit recovers scale and bias exactly', () => {
  const c = [0.1, 0.2, -0.05, 0.31];
  const f = fitLine(c, c.map((x) => 117.3 * x - 12.9));
  assert.ok(Math.abs(f.scale - 117.3) < 1e-9 && Math.abs(f.bias + 12.9) < 1e-9);
});

const set: CategorySet = { mode: 'single_label', categories: ['red', 'green', 'blue'].map((name) => ({ name, description: name })), templates: ['a photo of {name}'] };
const closest = (i: number) => ({ prompt: `a photo of ${set.categories[i].name}`, cosine: 0.3 });

test('a clear winner becomes a high-confidence card routed to its category, with truthful evidence', () => {
  const { card, details, warnings } = buildCard({ set, cosines: [0.3, 0.1, 0.1], scores: [0.96, 0.02, 0.02], kind: 'softmax', scale: 100, closest, modelLabel: 'CLIP' });
  assert.deepEqual(card.predicted_categories.map((p) => [p.name, p.score, p.confidence]), [['red', 5, 'high']]);
  assert.equal(card.would_route_to, 'red');
  assert.equal(card.fits_any, true);
  assert.deepEqual(card.category_scores, { red: 5, green: 1, blue: 1 });
  assert.match(card.predicted_categories[0].visual_evidence, /Closest prompt "a photo of red"/);
  assert.match(card.decision_basis, /uncalibrated/);
  assert.ok(card.decision_basis.split(/\s+/).length <= 31);
  assert.deepEqual(warnings, []);
  assert.equal(details.top5[0].name, 'red');
});

test('softmax: nothing fits when the best score is weak: fits_any false, route review, low top-1 warning', () => {
  const six: CategorySet = { ...set, categories: ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({ name, description: name })) };
  const { card, warnings } = buildCard({ set: six, cosines: [0, 0, 0, 0, 0, 0], scores: [0.19, 0.17, 0.16, 0.16, 0.16, 0.16], kind: 'softmax', scale: 100, closest, modelLabel: 'CLIP' });
  assert.equal(card.fits_any, false);
  assert.equal(card.would_route_to, 'review');
  assert.deepEqual(card.predicted_categories, []);
  assert.match(warnings[0], /below 0.2/);
});

test('multi_label predicts every category at score ≥ 4; a close race is medium confidence', () => {
  const multi = { ...set, mode: 'multi_label' as const };
  const { card } = buildCard({ set: multi, cosines: [0.3, 0.3, 0], scores: [0.9, 0.8, 0.001], kind: 'sigmoid', scale: 10, closest, modelLabel: 'SigLIP' });
  assert.deepEqual(card.predicted_categories.map((p) => [p.name, p.confidence]), [['red', 'medium'], ['green', 'medium']]);
  assert.equal(card.would_route_to, 'red');
});
