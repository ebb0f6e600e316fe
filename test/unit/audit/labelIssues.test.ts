import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosine, nearDuplicates, suspectLabels } from '../../../src/core/audit/labelIssues';
import { DESCRIPTION_IGNORED_THRESHOLD, descriptionProbe } from '../../../src/core/audit/probe';
import { close } from './fixtures';

test('suspect labels: ranked by self-confidence, flagged by per-class thresholds (worked by hand)', () => {
  const items = [
    { id: 'a', labels: ['cat'], scores: { cat: 0.8, dog: 0.15, bird: 0.05 } },
    { id: 'b', labels: ['cat'], scores: { cat: 0.6, dog: 0.3, bird: 0.1 } },
    { id: 'c', labels: ['dog'], scores: { cat: 0.3, dog: 0.6, bird: 0.1 } },
    { id: 'd', labels: ['dog'], scores: { cat: 0.5, dog: 0.4, bird: 0.1 } },
    { id: 'e', labels: ['dog'], scores: { cat: 0.1, dog: 0.85, bird: 0.05 } },
    { id: 'f', labels: ['cat'], scores: { cat: 0.2, dog: 0.1, bird: 0.7 } },
    { id: 'g', labels: ['bird'], scores: { cat: 0.2, dog: 0.2, bird: 0.6 } },
    { id: 'h', labels: ['unknown-cat'], scores: { cat: 0.2, dog: 0.2, bird: 0.6 } },
  ];
  const r = suspectLabels(items);
  // Thresholds: cat (.8 + .6 + .2)/3 = .533333; dog (.6 + .4 + .85)/3 = .616667; bird .6.
  assert.ok(close(r.thresholds.cat, 0.533333, 1e-6) && close(r.thresholds.dog, 0.616667, 1e-6) && close(r.thresholds.bird, 0.6, 1e-12));
  // 'h' has no scored label and is skipped.
  assert.equal(r.checked, 7);
  // Self-confidence ascending; ties (.6: b, c, g) by id.
  assert.deepEqual(r.ranked.map((x) => [x.id, x.self_confidence]), [['f', 0.2], ['d', 0.4], ['b', 0.6], ['c', 0.6], ['g', 0.6], ['a', 0.8], ['e', 0.85]]);
  // f: only bird (.7 >= .6) reaches its threshold, and bird is not the label → flagged.
  // d: cat .5 < .533, dog .4 < .617 → nothing confident → not flagged (merely low).
  // c: dog .6 < .617 → not flagged.
  assert.deepEqual(r.ranked.filter((x) => x.flagged).map((x) => x.id), ['f']);
  assert.equal(r.flagged, 1);
  assert.deepEqual(r.ranked[0], { id: 'f', labels: ['cat'], label: 'cat', self_confidence: 0.2, predicted: 'bird', predicted_score: 0.7, flagged: true });
  assert.equal(suspectLabels(items, { limit: 2 }).ranked.length, 2);
  // Multi-label: the least likely human label counts.
  const m = suspectLabels([{ id: 'x', labels: ['cat', 'dog'], scores: { cat: 0.9, dog: 0.3 } }]);
  assert.equal(m.ranked[0].label, 'dog');
  assert.equal(m.ranked[0].self_confidence, 0.3);
});

test('cosine and near duplicates above a threshold; pairs with different human labels are flagged', () => {
  assert.ok(close(cosine([1, 0], [1, 1]), Math.SQRT1_2, 1e-12));
  assert.equal(cosine([0, 0], [1, 1]), 0);
  assert.throws(() => cosine([1], [1, 2]));
  const items = [
    { id: 'p1', embedding: [1, 0, 0], labels: ['cat'] },
    { id: 'p2', embedding: [0.99, 0.1, 0], labels: ['dog'] }, // cos = .99/√(.9901) = 0.994937
    { id: 'p3', embedding: [2, 0, 0], labels: ['cat'] }, // identical direction to p1: 1
    { id: 'q', embedding: [0, 1, 0], labels: null },
    { id: 'r', embedding: [0, 0.96, 0.28], labels: ['dog'] }, // with q: .96
  ];
  const pairs = nearDuplicates(items, 0.95);
  assert.deepEqual(
    pairs.map((p) => [p.a, p.b, Number(p.cosine.toFixed(6)), p.different_labels]),
    [
      ['p1', 'p3', 1, false],
      ['p1', 'p2', 0.994937, true],
      ['p2', 'p3', 0.994937, true],
      ['q', 'r', 0.96, false], // q has no human label: not flagged
    ],
  );
  assert.equal(nearDuplicates(items, 0.999).length, 1);
});

test('description probe: change rates with Wilson intervals and the ignored-descriptions warning', () => {
  // 10 records: names-only changes 1 (r0); shuffled changes 1 (r1) → 10% < 20% → warning.
  const recs = Array.from({ length: 10 }, (_, i) => ({
    id: `r${i}`,
    original: ['cat'],
    namesOnly: i === 0 ? ['dog'] : ['cat'],
    shuffled: i === 1 ? [] : ['cat'],
  }));
  const r = descriptionProbe(recs);
  assert.equal(r.threshold, DESCRIPTION_IGNORED_THRESHOLD);
  assert.equal(r.threshold, 0.2);
  assert.deepEqual([r.names_only_changed.k, r.names_only_changed.n, r.names_only_changed.rate], [1, 10, 0.1]);
  assert.deepEqual([r.shuffled_changed.k, r.shuffled_changed.n, r.shuffled_changed.rate], [1, 10, 0.1]);
  assert.equal(r.descriptions_ignored, true);
  assert.match(r.warning!, /Descriptions look ignored.*1 of 10.*10\.0%.*below 20\.0%.*Small sample/);
  assert.deepEqual(r.changed_ids, { names_only: ['r0'], shuffled: ['r1'] });
  // Multi-label sets compare as sets.
  const ok = descriptionProbe([
    { id: 'a', original: ['x', 'y'], shuffled: ['y', 'x'] },
    { id: 'b', original: ['x'], shuffled: ['y'] },
  ]);
  assert.equal(ok.shuffled_changed.rate, 0.5);
  assert.equal(ok.descriptions_ignored, false);
  assert.equal(ok.warning, null);
  assert.equal(ok.names_only_changed.rate, null, 'no names-only runs: no rate');
});
