import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickSelect, EMPTY_SELECTION, moveSelect, reconcile, selectAll, targetsOf } from '../../../webview/selection';

const order = ['a', 'b', 'c', 'd', 'e'];
const sel = (s: { selected: ReadonlySet<string> }) => [...s.selected].sort();

test('click selects one; ctrl-click toggles; shift-click selects the range from the anchor', () => {
  let s = clickSelect(EMPTY_SELECTION, 'b', order, { shift: false, toggle: false });
  assert.deepEqual(sel(s), ['b']);
  s = clickSelect(s, 'd', order, { shift: false, toggle: true });
  assert.deepEqual(sel(s), ['b', 'd']);
  s = clickSelect(s, 'b', order, { shift: false, toggle: true });
  assert.deepEqual(sel(s), ['d']);
  // The anchor is the last plainly or ctrl-clicked card ('b').
  s = clickSelect(s, 'e', order, { shift: true, toggle: false });
  assert.deepEqual(sel(s), ['b', 'c', 'd', 'e']);
  assert.equal(s.focus, 'e');
  s = clickSelect(s, 'a', order, { shift: true, toggle: false });
  assert.deepEqual(sel(s), ['a', 'b']);
  s = clickSelect(s, 'e', order, { shift: false, toggle: false });
  assert.deepEqual(sel(s), ['e']);
});

test('keyboard moves select the focus; shift extends', () => {
  let s = moveSelect(EMPTY_SELECTION, 'b', order, false);
  s = moveSelect(s, 'c', order, true);
  s = moveSelect(s, 'd', order, true);
  assert.deepEqual(sel(s), ['b', 'c', 'd']);
  s = moveSelect(s, 'a', order, false);
  assert.deepEqual(sel(s), ['a']);
});

test('select all in filter, and targets in filter order', () => {
  const s = selectAll(moveSelect(EMPTY_SELECTION, 'c', order, false), ['e', 'c', 'a']);
  assert.equal(s.focus, 'c');
  assert.deepEqual(targetsOf(s, ['a', 'c', 'e']), ['a', 'c', 'e']);
  assert.deepEqual(targetsOf({ ...EMPTY_SELECTION, focus: 'b' }, order), ['b']);
});

test('when the focused image leaves the filter, the next one takes its place', () => {
  let s = moveSelect(EMPTY_SELECTION, 'b', order, false);
  s = reconcile(s, order, ['a', 'c', 'd', 'e']);
  assert.equal(s.focus, 'c');
  assert.deepEqual(sel(s), ['c']);
  s = moveSelect(s, 'e', ['a', 'c', 'd', 'e'], false);
  s = reconcile(s, ['a', 'c', 'd', 'e'], ['a', 'c', 'd']);
  assert.equal(s.focus, 'd', 'last one falls back to the new last');
  assert.equal(reconcile(s, ['a', 'c', 'd'], []).focus, null);
});
