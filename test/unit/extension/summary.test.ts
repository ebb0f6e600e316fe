import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewRev, summarize } from '../../../src/core/imageSummary';
import { applyReview } from '../../../src/core/sidecar';
import { prediction, sidecarWith } from './fixtures';

test('an image without a sidecar is pending and unclassified', () => {
  const s = summarize('sub/a.jpg', null);
  assert.equal(s.name, 'a.jpg');
  assert.equal(s.status, 'pending');
  assert.equal(s.classified, false);
  assert.equal(s.rawScore, null);
  assert.equal(s.rev, 'none');
});

test('a classified image carries labels, scores and margin from the prediction', () => {
  const s = summarize('a.jpg', sidecarWith('a.jpg', prediction('red', 0.8)));
  assert.deepEqual(s.predicted, ['red']);
  assert.equal(s.classified, true);
  assert.equal(s.cardScore, 5);
  assert.equal(s.rawScore, 0.8);
  assert.ok(Math.abs(s.margin! - 0.7) < 1e-9);
  assert.equal(s.confidence, 'high');
  assert.equal(s.inReviewQueue, false);
  assert.equal(s.checkpoint, 'tiny-clip');
});

test('nothing fits puts the image in the review queue', () => {
  const s = summarize('a.jpg', sidecarWith('a.jpg', prediction(null, 0.34)));
  assert.deepEqual(s.predicted, []);
  assert.equal(s.fitsAny, false);
  assert.equal(s.inReviewQueue, true);
  assert.equal(s.confidence, null);
});

test('errors and unreadable sidecars are surfaced', () => {
  const sc = sidecarWith('a.jpg');
  sc.errors['zero-shot'] = { classifier: 'zero-shot', checkpoint: 'tiny', message: 'cannot decode', at: 'now' };
  assert.match(summarize('a.jpg', sc).error!, /cannot decode/);
  assert.match(summarize('a.jpg', null, 'Sidecar x is corrupt').error!, /corrupt/);
});

test('rev changes whenever the review changes', () => {
  const sc = sidecarWith('a.jpg', prediction('red'));
  const after = applyReview(sc, { action: 'accept' }, { by: 't' });
  assert.notEqual(reviewRev(sc.review), reviewRev(after.review));
  assert.equal(reviewRev(structuredClone(after.review)), reviewRev(after.review));
  assert.equal(summarize('a.jpg', after).status, 'accepted');
  assert.deepEqual(summarize('a.jpg', after).reviewLabels, ['red']);
});

test('rev tells apart reviews that differ in one character, label order or a history entry', () => {
  const base = { status: 'accepted' as const, labels: ['red'], history: [] };
  const revs = new Set([
    reviewRev(base),
    reviewRev({ ...base, labels: ['rea'] }),
    reviewRev({ ...base, labels: ['red', 'blue'] }),
    reviewRev({ ...base, labels: ['blue', 'red'] }),
    reviewRev({ ...base, status: 'overridden' as const }),
    reviewRev({ ...base, history: [{ action: 'accept', status: 'accepted', labels: ['red'], by: 'a', at: 't' }] } as never),
  ]);
  assert.equal(revs.size, 6);
  assert.match(reviewRev(base), /^[0-9a-f]{16}$/);
});
