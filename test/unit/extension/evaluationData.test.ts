// The dashboard's evaluation: present when sub-folders name categories (the same numbers as
// `image-triage eval`), absent for a flat folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSidecar } from '../../../src/core/sidecar';
import { evaluationData } from '../../../src/extension/panel/trustData';
import type { Sidecar } from '../../../src/core/types';
import { pred } from '../audit/fixtures';

function img(relPath: string, top: string): { relPath: string; sidecar: Sidecar } {
  const scores = { cat: top === 'cat' ? 0.8 : 0.1, dog: top === 'dog' ? 0.8 : 0.1, bird: top === 'bird' ? 0.8 : 0.1 };
  return { relPath, sidecar: { ...newSidecar({ name: relPath, sha256: relPath, size: 1 }), predictions: { 'zero-shot': pred({ classifier: 'zero-shot', top, scores }) } } };
}

const inputs = (images: { relPath: string; sidecar: Sidecar }[]) => ({ images });

test('folder-name truth gives the evaluation with its charts; unmatched folders are named', () => {
  const ev = evaluationData(inputs([img('Cat/1.png', 'cat'), img('Cat/2.png', 'dog'), img('dog/3.png', 'dog'), img('misc/4.png', 'cat')]), 'pets');
  assert.ok(ev);
  const g = ev.report.groups[0];
  assert.equal(g.n, 3);
  assert.equal(g.top1, 2 / 3);
  assert.deepEqual(g.confusion, [[1, 1, 0], [0, 1, 0], [0, 0, 0]]);
  assert.deepEqual(ev.report.unmatched_folders, [{ folder: 'misc', images: 1 }]);
  assert.deepEqual(ev.charts[0].map((c) => c.title), ['Per-class F1', 'Confusion matrix', 'Reliability diagram', 'Accuracy vs coverage']);
});

test('a flat folder (no folder-name truth) has no evaluation', () => {
  assert.equal(evaluationData(inputs([img('1.png', 'cat'), img('2.png', 'dog')]), 'pets'), null);
});
