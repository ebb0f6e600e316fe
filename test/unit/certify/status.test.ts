// The new review status reaches the panel's filters and header counts, and the trust report keeps it
// out of the human-label statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilter, DEFAULT_FILTER, headerCounts } from '../../../webview/filters';
import { buildReport } from '../../../src/core/audit/report';
import { summary } from '../extension/fixtures';
import { pred, review, sidecar } from '../audit/fixtures';

test('panel filters: "auto-accepted" is a status of its own, counted in the header', () => {
  const imgs = [
    summary('a.jpg', { predicted: ['red'], status: 'auto-accepted', reviewLabels: ['red'] }),
    summary('b.jpg', { predicted: ['red'], status: 'accepted', reviewLabels: ['red'] }),
    summary('c.jpg', { predicted: ['green'] }),
  ];
  assert.deepEqual(applyFilter(imgs, { ...DEFAULT_FILTER, status: 'auto-accepted' }).map((i) => i.id), ['a.jpg']);
  const c = headerCounts(imgs, ['red', 'green']);
  assert.equal(c.byStatus['auto-accepted'], 1);
  assert.equal(c.perCategory.red, 2);
});

test('trust report: auto-accepted reviews are counted, never taken as human labels', () => {
  const p = () => pred({ classifier: 'zero-shot', top: 'cat', scores: { cat: 0.9, dog: 0.05, bird: 0.05 } });
  const images = [
    { relPath: 'a.png', sidecar: sidecar('a.png', { preds: [p()], review: review('auto-accepted', ['cat'], { classifier: 'zero-shot', labels: ['cat'] }) }) },
    { relPath: 'b.png', sidecar: sidecar('b.png', { preds: [p()], review: review('overridden', ['dog'], { classifier: 'zero-shot', labels: ['cat'] }) }) },
  ];
  const g = buildReport(images).groups[0];
  assert.equal(g.review.auto_accepted, 1);
  assert.equal(g.review.decided, 1);
  assert.equal(g.review.accuracy.n, 1);
  assert.equal(g.review.accuracy.k, 0, 'only the human override counts: the prediction was wrong there');
});

test('trust report: category-only verdicts (certification units) count for category_wrong, not for hallucination', async () => {
  const { done } = await import('../audit/fixtures');
  const p = () => pred({ classifier: 'zero-shot', top: 'cat', scores: { cat: 0.9, dog: 0.05, bird: 0.05 } });
  const entry = (ok: boolean) => {
    const e = done({ verdict: 'accurate', classifier: 'zero-shot', checkpoint: 'clip-B32', predicted_labels: ['cat'], category_correct: ok });
    delete e.verdict;
    return e;
  };
  const images = [true, true, false].map((ok, i) => ({ relPath: `${i}.png`, sidecar: sidecar(`${i}.png`, { preds: [p()], audit: [entry(ok)] }) }));
  const h = buildReport(images).groups[0].hallucination;
  assert.equal(h.category_wrong.n, 3);
  assert.equal(h.category_wrong.k, 1);
  assert.equal(h.judged, 0);
  assert.equal(h.audited, 0);
});
