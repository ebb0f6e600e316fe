import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilter, currentLabels, DEFAULT_FILTER, headerCounts, NO_LABEL } from '../../../webview/filters';
import { summary } from './fixtures';

const imgs = [
  summary('b10.jpg', { predicted: ['red'], rawScore: 0.9, margin: 0.8, confidence: 'high' }),
  summary('b2.jpg', { predicted: ['green'], rawScore: 0.5, margin: 0.05, confidence: 'low', inReviewQueue: true }),
  summary('a.jpg', { predicted: ['red'], status: 'overridden', reviewLabels: ['blue'], rawScore: 0.7, margin: 0.3, confidence: 'medium' }),
  summary('c.jpg', { predicted: [], status: 'stale', reviewLabels: ['green'], rawScore: null, cardScore: 2, margin: null, confidence: null }),
  summary('d.jpg', { classified: false, predicted: [], rawScore: null, cardScore: null, margin: null, confidence: null, error: 'cannot decode' }),
];
const ids = (f: Partial<typeof DEFAULT_FILTER>) => applyFilter(imgs, { ...DEFAULT_FILTER, ...f }).map((i) => i.id);

test('name sort is natural', () => {
  assert.deepEqual(ids({}), ['a.jpg', 'b2.jpg', 'b10.jpg', 'c.jpg', 'd.jpg']);
});

test('score sort: highest first, unscored last', () => {
  assert.deepEqual(ids({ sort: 'score' }), ['b10.jpg', 'a.jpg', 'b2.jpg', 'c.jpg', 'd.jpg']);
});

test('margin sort: most uncertain first, no margin last', () => {
  assert.deepEqual(ids({ sort: 'margin' }), ['b2.jpg', 'a.jpg', 'b10.jpg', 'c.jpg', 'd.jpg']);
});

test('category filter uses the current labels (the human label once reviewed)', () => {
  assert.deepEqual(currentLabels(imgs[2]), ['blue']);
  assert.deepEqual(ids({ category: 'red' }), ['b10.jpg']);
  assert.deepEqual(ids({ category: 'blue' }), ['a.jpg']);
  assert.deepEqual(ids({ category: 'green' }), ['b2.jpg', 'c.jpg']);
  assert.deepEqual(ids({ category: NO_LABEL }), ['d.jpg']);
});

test('confidence, status, review queue and error filters', () => {
  assert.deepEqual(ids({ confidence: 'low' }), ['b2.jpg']);
  assert.deepEqual(ids({ confidence: 'none' }), ['c.jpg', 'd.jpg']);
  assert.deepEqual(ids({ status: 'stale' }), ['c.jpg']);
  assert.deepEqual(ids({ status: 'pending' }), ['b2.jpg', 'b10.jpg', 'd.jpg']);
  assert.deepEqual(ids({ reviewQueue: true }), ['b2.jpg']);
  assert.deepEqual(ids({ errorsOnly: true }), ['d.jpg']);
  assert.deepEqual(ids({ status: 'pending', category: 'red' }), ['b10.jpg']);
});

test('header counts per category and per status', () => {
  const c = headerCounts(imgs, ['red', 'green', 'blue']);
  assert.equal(c.total, 5);
  assert.deepEqual(c.perCategory, { red: 1, green: 2, blue: 1 });
  assert.equal(c.byStatus.pending, 3);
  assert.equal(c.byStatus.stale, 1);
  assert.equal(c.reviewQueue, 1);
  assert.equal(c.errors, 1);
  assert.equal(c.unclassified, 1);
});

// Its speed is measured by npm run bench:scale (open100k_s), not asserted here.
test('filtering and sorting 10,000 images: every sort orders the whole filtered set', () => {
  const many = Array.from({ length: 10_000 }, (_, i) =>
    summary(`img${i}.jpg`, { predicted: [['red', 'green', 'blue'][i % 3]], rawScore: (i * 7919) % 1000 / 1000, margin: (i * 104729) % 1000 / 1000 }),
  );
  const reds = many.filter((s) => s.predicted[0] === 'red');
  const byScore = applyFilter(many, { ...DEFAULT_FILTER, sort: 'score', category: 'red' });
  assert.equal(byScore.length, reds.length);
  assert.ok(byScore.every((s, i) => i === 0 || byScore[i - 1].rawScore! >= s.rawScore!), 'highest score first');
  const byMargin = applyFilter(many, { ...DEFAULT_FILTER, sort: 'margin', category: 'red' });
  assert.ok(byMargin.every((s, i) => i === 0 || byMargin[i - 1].margin! <= s.margin!), 'most uncertain first');
  assert.equal(applyFilter(many, { ...DEFAULT_FILTER, sort: 'name', category: 'red' })[0].id, 'img0.jpg');
  const c = headerCounts(many, ['red', 'green', 'blue']);
  assert.equal(c.total, 10_000);
  assert.equal(c.perCategory.red, reds.length);
});
