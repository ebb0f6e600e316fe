// The webview's side of search and the re-scoring preview: a search is a filter (its matches among
// the other filters' images, best first; nothing while it runs), a preview can show only its changes,
// and the bar's sentences say what was searched, what was not, and what would change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilter, DEFAULT_FILTER } from '../../../webview/filters';
import { changeText, narrow, previewDetails, previewHeadline, previewState, searchState, searchSummary } from '../../../webview/explore';
import { keyAction } from '../../../webview/keyboard';
import type { RescorePreview } from '../../../src/shared/exploreData';
import { summary } from './fixtures';

const imgs = [
  summary('a.jpg', { predicted: ['red'] }),
  summary('b.jpg', { predicted: ['green'], status: 'accepted', reviewLabels: ['green'] }),
  summary('c.jpg', { predicted: ['red'] }),
  summary('d.jpg', { predicted: ['blue'] }),
];
const result = { results: [{ id: 'c.jpg', score: 0.9 }, { id: 'b.jpg', score: 0.5 }, { id: 'a.jpg', score: 0.1 }], searched: 3, missing: ['d.jpg'], missingCount: 1, checkpoint: 'tiny (fp32)' };

test('a search is a filter: its matches, best first, within the other filters; nothing while it runs', () => {
  const all = applyFilter(imgs, DEFAULT_FILTER);
  assert.deepEqual(narrow(all, searchState({ text: 'red' }, result), null).map((i) => i.id), ['c.jpg', 'b.jpg', 'a.jpg']);
  const pending = applyFilter(imgs, { ...DEFAULT_FILTER, status: 'pending' });
  assert.deepEqual(narrow(pending, searchState({ text: 'red' }, result), null).map((i) => i.id), ['c.jpg', 'a.jpg']);
  assert.deepEqual(narrow(all, searchState({ text: 'red' }), null), []);
  assert.deepEqual(narrow(all, null, null).map((i) => i.id), ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
});

test('the search bar names the query, the checkpoint and the images not searched', () => {
  const s = searchSummary(searchState({ text: 'red' }, result));
  assert.equal(s, 'Top 3 of 3 images for “red”, most similar first (cosine, tiny (fp32)). 1 image not searched (no cached embedding: classify it first): d.jpg. Esc clears.');
  assert.match(searchSummary(searchState({ like: 'x/c.jpg' }), () => 'c.jpg'), /^Searching for images like c\.jpg…$/);
  assert.equal(searchSummary(searchState({ text: 'red' }, { ...result, results: [], refused: 'Classify first.' })), 'Classify first.');
});

test('the preview: headline count, only-the-changes filter, before → after', () => {
  const p: RescorePreview = { previewId: 3, source: 'panel', edit: { name: 'red', description: 'crimson' }, checkpoint: 'tiny (fp32)', rescored: 4, missing: 0, ms: 2,
    changes: [{ id: 'a.jpg', before: ['red'], after: ['blue'] }, { id: 'c.jpg', before: ['red'], after: [] }] };
  assert.equal(previewHeadline(p), '2 images would change label');
  assert.match(previewDetails(p), /^Re-scored 4 images with the description of “red” edited in 2 ms \(tiny \(fp32\)\)\. Nothing is written until you apply\.$/);
  const st = previewState(p);
  assert.deepEqual(narrow(imgs, null, st).map((i) => i.id), ['a.jpg', 'c.jpg']);
  assert.deepEqual(narrow(imgs, null, { ...st, onlyChanges: false }).length, 4);
  assert.equal(changeText(p.changes[0]), 'red → blue');
  assert.equal(changeText(p.changes[1]), 'red → nothing fits');
});

test('/ focuses the search box, m is more like this', () => {
  const k = (key: string) => keyAction({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false });
  assert.deepEqual(k('/'), { kind: 'search' });
  assert.deepEqual(k('m'), { kind: 'moreLikeThis' });
});
