import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coerceScore, validateCard, type PredictionMeta } from '../../../src/classifiers/vlm/validate';
import type { Prediction } from '../../../src/core/types';
import { MULTI, SET, flagKinds, goodCard } from './fixtures';

const META: PredictionMeta = {
  checkpoint: 'test-vlm @ 127.0.0.1:1',
  categoriesHash: 'abc123',
  imageSha256: 'f'.repeat(64),
  createdAt: '2025-01-01T00:00:00.000Z',
  promptVersion: 'routing-card-v1',
};

function ok(value: unknown, set = SET): Prediction {
  const r = validateCard(value, set, META);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.prediction;
}
const detail = (p: Prediction, kind: string) => (p.flags ?? []).filter((f) => f.kind === kind).map((f) => f.detail).join(' | ');

test('a consistent card becomes a prediction with no flags and the metadata recorded', () => {
  const p = ok(goodCard());
  assert.deepEqual(p.flags, []);
  assert.deepEqual(p.predicted_categories, [{ name: 'cat', score: 5, confidence: 'high', visual_evidence: 'A tabby cat sits on a sofa, facing the camera.' }]);
  assert.equal(p.fits_any, true);
  assert.equal(p.would_route_to, 'cat');
  assert.deepEqual(p.category_scores, { cat: 5, dog: 1, bird: 1 });
  assert.equal(p.classifier, 'vlm');
  assert.equal(p.checkpoint, META.checkpoint);
  assert.equal(p.dtype, 'n/a');
  assert.equal(p.revision, '');
  assert.equal(p.prompt_version, 'routing-card-v1');
  assert.equal(p.categories_hash, 'abc123');
  assert.equal(p.image_sha256, META.imageSha256);
  assert.equal(p.mode, 'single_label');
  assert.equal(p.created_at, META.createdAt);
});

test('not an object, or no category_scores, or no usable score: rejected (no prediction)', () => {
  assert.equal(validateCard([], SET, META).ok, false);
  assert.equal(validateCard({ predicted_categories: [] }, SET, META).ok, false);
  assert.equal(validateCard(goodCard({ category_scores: { lion: 5 } }), SET, META).ok, false);
  assert.equal(validateCard(goodCard({ category_scores: { cat: 'yes' } }), SET, META).ok, false);
});

test('hallucinated categories are dropped and flagged, everywhere', () => {
  const p = ok(
    goodCard({
      category_scores: { cat: 5, dog: 1, bird: 1, lion: 4 },
      predicted_categories: [
        { name: 'cat', score: 5, confidence: 'high', visual_evidence: 'A cat.' },
        { name: 'lion', score: 4, confidence: 'medium', visual_evidence: 'Mane.' },
      ],
    }),
  );
  assert.deepEqual(flagKinds(p).filter((k) => k === 'unknown_category').length, 2);
  assert.ok(!JSON.stringify([p.predicted_categories, p.category_scores, p.would_route_to]).includes('lion'));
  assert.deepEqual(p.predicted_categories.map((c) => c.name), ['cat']);
});

test('a category missing from category_scores is flagged and scored 1', () => {
  const p = ok(goodCard({ category_scores: { cat: 5, dog: 1 } }));
  assert.deepEqual(flagKinds(p), ['missing_category']);
  assert.equal(p.category_scores.bird, 1);
  assert.match(detail(p, 'missing_category'), /"bird".*scored 1/);
});

test('a missing score that predicted_categories gives is taken from there, and flagged', () => {
  const p = ok(goodCard({ category_scores: { dog: 1, bird: 1 } }));
  assert.deepEqual(flagKinds(p), ['missing_category']);
  assert.equal(p.category_scores.cat, 5);
  assert.match(detail(p, 'missing_category'), /used 5 from predicted_categories/);
});

test('scores outside 1–5 are clamped, non-integers rounded, numeric text accepted; all flagged', () => {
  const p = ok(goodCard({ category_scores: { cat: 7, dog: 2.5, bird: '1' } }));
  assert.deepEqual(p.category_scores, { cat: 5, dog: 3, bird: 1 });
  assert.deepEqual(flagKinds(p).filter((k) => k === 'bad_score').length, 3);
  assert.match(detail(p, 'bad_score'), /"cat" was 7 \(outside 1–5\); used 5/);
  assert.match(detail(p, 'bad_score'), /"dog" was 2.5 \(not an integer\); used 3/);
  const low = ok(goodCard({ category_scores: { cat: 5, dog: 0, bird: -3 } }));
  assert.deepEqual(low.category_scores, { cat: 5, dog: 1, bird: 1 });
});

test('non-numeric scores are rejected, treated as missing, flagged', () => {
  const p = ok(goodCard({ category_scores: { cat: 5, dog: 'high', bird: null } }));
  assert.deepEqual(p.category_scores, { cat: 5, dog: 1, bird: 1 });
  assert.match(detail(p, 'bad_score'), /"dog" was "high" \(not a number\); rejected/);
  assert.equal(flagKinds(p).filter((k) => k === 'bad_score').length, 2);
  assert.deepEqual(coerceScore(true), { rejected: 'not a number' });
  assert.deepEqual(coerceScore('4'), { value: 4, fixes: ['given as text'] });
});

test('single-label split keeps the highest score and is flagged', () => {
  const p = ok(
    goodCard({
      category_scores: { cat: 4, dog: 5, bird: 1 },
      predicted_categories: [
        { name: 'cat', score: 4, confidence: 'medium', visual_evidence: 'Pointed ears.' },
        { name: 'dog', score: 5, confidence: 'high', visual_evidence: 'A dog on a leash.' },
      ],
      would_route_to: 'dog',
    }),
  );
  assert.deepEqual(flagKinds(p), ['single_label_split']);
  assert.deepEqual(p.predicted_categories.map((c) => c.name), ['dog']);
  assert.equal(p.would_route_to, 'dog');
  assert.match(detail(p, 'single_label_split'), /kept "dog"/);
});

test('forced classification: a pick with max score ≤ 2 becomes fits_any false, review, flagged', () => {
  const p = ok(
    goodCard({
      category_scores: { cat: 2, dog: 1, bird: 1 },
      predicted_categories: [{ name: 'cat', score: 2, confidence: 'low', visual_evidence: 'Maybe fur.' }],
      fits_any: true,
      would_route_to: 'cat',
    }),
  );
  assert.ok(flagKinds(p).includes('forced_classification'));
  assert.equal(p.fits_any, false);
  assert.equal(p.would_route_to, 'review');
  assert.deepEqual(p.predicted_categories, []);
  assert.ok(flagKinds(p).includes('inconsistent_fits_any'));
  assert.ok(flagKinds(p).includes('inconsistent_route'));
});

test('confidence and route are recomputed from the scores; disagreements flagged', () => {
  const p = ok(
    goodCard({
      category_scores: { cat: 3, dog: 1, bird: 1 },
      predicted_categories: [{ name: 'cat', score: 3, confidence: 'high', visual_evidence: 'Whiskers, partly hidden.' }],
      would_route_to: 'cat',
    }),
  );
  assert.deepEqual(flagKinds(p), ['inconsistent_confidence', 'inconsistent_route']);
  assert.equal(p.predicted_categories[0].confidence, 'low');
  assert.equal(p.would_route_to, 'review');
  assert.equal(p.fits_any, true);
});

test('score 5 said "medium" stays medium (ambiguity); score 4 said "high" becomes medium', () => {
  const a = ok(goodCard({ predicted_categories: [{ name: 'cat', score: 5, confidence: 'medium', visual_evidence: 'Blurry cat.' }] }));
  assert.equal(a.predicted_categories[0].confidence, 'medium');
  assert.deepEqual(a.flags, []);
  const b = ok(goodCard({ category_scores: { cat: 4, dog: 1, bird: 1 }, predicted_categories: [{ name: 'cat', score: 4, confidence: 'high', visual_evidence: 'A cat.' }] }));
  assert.equal(b.predicted_categories[0].confidence, 'medium');
  assert.deepEqual(flagKinds(b), ['inconsistent_confidence']);
});

test('fits_any false although the scores fit: recomputed, flagged, evidence missing flagged', () => {
  const p = ok(goodCard({ predicted_categories: [], fits_any: false, would_route_to: 'review' }));
  assert.equal(p.fits_any, true);
  assert.deepEqual(p.predicted_categories, [{ name: 'cat', score: 5, confidence: 'medium', visual_evidence: '' }]);
  assert.deepEqual(flagKinds(p), ['inconsistent_prediction', 'evidence_missing', 'inconsistent_fits_any', 'inconsistent_route']);
  assert.equal(p.would_route_to, 'cat');
});

test('multi-label: every score ≥ 4 is predicted; a score-3 pick is corrected and flagged', () => {
  const p = ok(
    {
      category_scores: { cat: 5, dog: 4, bird: 3 },
      predicted_categories: [
        { name: 'cat', score: 5, confidence: 'high', visual_evidence: 'A cat on the left.' },
        { name: 'dog', score: 4, confidence: 'medium', visual_evidence: 'A dog on the right.' },
        { name: 'bird', score: 3, confidence: 'low', visual_evidence: 'Something in the sky.' },
      ],
      fits_any: true,
      would_route_to: 'cat',
      decision_basis: 'Both a cat and a dog are visible.',
    },
    MULTI,
  );
  assert.deepEqual(p.predicted_categories.map((c) => c.name), ['cat', 'dog']);
  assert.deepEqual(flagKinds(p), ['inconsistent_prediction']);
  assert.equal(p.mode, 'multi_label');
  assert.equal(p.would_route_to, 'cat');
});

test('decision_basis is cut to 30 words and flagged', () => {
  const long = Array.from({ length: 45 }, (_, i) => `word${i}`).join(' ');
  const p = ok(goodCard({ decision_basis: long }));
  assert.deepEqual(flagKinds(p), ['basis_truncated']);
  assert.equal(p.decision_basis.replace('…', '').split(' ').length, 30);
  assert.ok(p.decision_basis.endsWith('…'));
  const missing = ok(goodCard({ decision_basis: 42 }));
  assert.deepEqual(flagKinds(missing), ['basis_missing']);
  assert.equal(missing.decision_basis, '');
});

test('visual_evidence is plain text of bounded length; model strings are never interpreted', () => {
  const evil = '<img src=x onerror=alert(1)>\u202e\u0000 ${process.exit(1)} ' + 'x'.repeat(1000);
  const p = ok(goodCard({ predicted_categories: [{ name: 'cat', score: 5, confidence: 'high', visual_evidence: evil }] }));
  const ev = p.predicted_categories[0].visual_evidence;
  assert.ok(ev.length <= 300);
  assert.ok(ev.startsWith('<img src=x onerror=alert(1)> ${process.exit(1)}'));
  assert.ok(!/[\u0000-\u001f\u202e]/.test(ev));
  assert.deepEqual(flagKinds(p), ['evidence_truncated']);
});

test('names differing only in case are read as the category and flagged', () => {
  const p = ok(goodCard({ category_scores: { Cat: 5, dog: 1, bird: 1 }, predicted_categories: [{ name: 'CAT', score: 5, confidence: 'high', visual_evidence: 'A cat.' }] }));
  assert.deepEqual(p.predicted_categories.map((c) => c.name), ['cat']);
  assert.deepEqual(flagKinds(p), ['renamed_category', 'renamed_category']);
});

test('a category named "__proto__" is data, not a prototype', () => {
  const set = { ...SET, categories: [{ name: '__proto__', description: 'odd' }, { name: 'dog', description: 'A dog.' }] };
  const value = JSON.parse('{"category_scores": {"__proto__": 5, "dog": 1}, "predicted_categories": [{"name": "__proto__", "score": 5, "confidence": "high", "visual_evidence": "x"}], "fits_any": true, "would_route_to": "__proto__", "decision_basis": "x"}');
  const p = ok(value, set);
  assert.deepEqual(Object.keys(p.category_scores), ['__proto__', 'dog']);
  assert.equal(p.would_route_to, '__proto__');
  assert.deepEqual(p.flags, []);
});

test('prior flags (from repair) come first', () => {
  const r = validateCard(goodCard(), SET, META, [{ kind: 'repaired_json', detail: 'x' }]);
  assert.ok(r.ok);
  assert.deepEqual(flagKinds(r.prediction), ['repaired_json']);
});
