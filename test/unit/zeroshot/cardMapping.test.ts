// The per-score-kind card mappings: SigLIP's sigmoid (absolute, and low for real models) must route
// the real-model example (right text at sigmoid 0.17) to its category, a near tie to review, and
// nothing-fits to fits_any false; a categories file can override the thresholds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCard, logitOf } from '../../../src/classifiers/zeroShot/scoring';
import { parseCategories, categoriesHash, CategoriesError } from '../../../src/core/categories';
import type { CategorySet } from '../../../src/core/types';

const names = ['two_cats', 'two_dogs', 'a_car', 'a_plane'];
const set: CategorySet = { mode: 'single_label', categories: names.map((name) => ({ name, description: name })), templates: ['a photo of {name}'] };
const closest = (i: number) => ({ prompt: `a photo of ${names[i]}`, cosine: 0.1 });
const sig = (scores: number[], s: CategorySet = set) => buildCard({ set: s, cosines: scores.map(() => 0), scores, kind: 'sigmoid', scale: 117.330765, bias: -12.932437, closest, modelLabel: 'SigLIP' });

test('SigLIP single_label: the right category at sigmoid 0.17 with every alternative ≤ 0.01 is chosen, score ≥ 4, routed, no warning', () => {
  const { card, warnings, details } = sig([0.17, 0.01, 0.004, 0.00001]);
  assert.deepEqual(card.predicted_categories.map((p) => p.name), ['two_cats']);
  assert.ok(card.category_scores.two_cats >= 4, `score ${card.category_scores.two_cats}`);
  assert.equal(card.fits_any, true);
  assert.equal(card.would_route_to, 'two_cats');
  assert.deepEqual(warnings, []);
  assert.equal(details.card_mapping?.id, 'sigmoid-logit-v1');
  assert.equal(details.card_mapping?.source, 'default');
});

test('SigLIP: the right category at 0.17 with a runner-up at 0.15 is chosen with low confidence and routed to review', () => {
  const { card } = sig([0.17, 0.15, 0.001, 0.001]);
  assert.deepEqual(card.predicted_categories.map((p) => [p.name, p.confidence]), [['two_cats', 'low']]);
  assert.equal(card.would_route_to, 'review');
});

test('SigLIP: every category ≤ 0.001 gives fits_any false, route review, and the sigmoid warning', () => {
  const { card, warnings } = sig([0.001, 0.0008, 0.0001, 0.00002]);
  assert.equal(card.fits_any, false);
  assert.equal(card.would_route_to, 'review');
  assert.match(warnings.join('\n'), /Best sigmoid logit -6\.91 .* below -5/);
});

test('the sigmoid mapping reads logits: the real-model logit −1.60 is card score 4; a clear positive (logit ≥ 0) is 5 with high confidence', () => {
  assert.ok(Math.abs(logitOf(0.17) + 1.586) < 1e-3);
  const { card } = sig([0.6, 0.0001, 0.0001, 0.0001]);
  assert.deepEqual(card.predicted_categories.map((p) => [p.score, p.confidence]), [[5, 'high']]);
});

test('thresholds in the categories file override the mapping, are recorded in the card mapping and change the hash', () => {
  const base = { mode: 'single_label', categories: names.map((name) => ({ name, description: `a photo of ${name}` })) };
  const plain = parseCategories(JSON.stringify(base)).set;
  const { set: strict } = parseCategories(JSON.stringify({ ...base, thresholds: { sigmoid: { logit_scores: [-6, -4, -1, 1] } } }));
  assert.deepEqual(strict.thresholds, { sigmoid: { logit_scores: [-6, -4, -1, 1] } });
  assert.notEqual(categoriesHash(strict), categoriesHash(plain));
  // With the stricter thresholds 0.17 (logit −1.59) is only a 3: still chosen, but low confidence → review.
  const { card, details } = sig([0.17, 0.001, 0.001, 0.001], strict);
  assert.equal(card.category_scores.two_cats, 3);
  assert.equal(card.would_route_to, 'review');
  assert.equal(details.card_mapping?.source, 'categories file');
  assert.deepEqual((details.card_mapping?.thresholds as { logit_scores: number[] }).logit_scores, [-6, -4, -1, 1]);
});

test('bad thresholds are refused with field-named errors', () => {
  const base = { mode: 'single_label', categories: names.map((name) => ({ name, description: name })) };
  const bad = { softmax: { scores: [0.5, 0.2, 0.3, 0.9], high_margin: 2 }, sigmoid: { min_margin: 'x', logit_scores: [1, 2, 3] }, softmx: {} };
  assert.throws(() => parseCategories(JSON.stringify({ ...base, thresholds: bad })), (e: unknown) => {
    const problems = (e as CategoriesError).problems.join('\n');
    for (const f of ['thresholds.softmax.scores', 'thresholds.softmax.high_margin', 'thresholds.sigmoid.min_margin', 'thresholds.sigmoid.logit_scores', 'thresholds.softmx']) assert.ok(problems.includes(f), `${f} named in:\n${problems}`);
    return true;
  });
});
