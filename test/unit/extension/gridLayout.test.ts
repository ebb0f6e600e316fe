import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnsFor, moveIndex, positionOf, revealScrollTop, totalHeight, visibleItems, type GridGeometry } from '../../../webview/gridLayout';

const g: GridGeometry = { width: 1000, cardWidth: 180, cardHeight: 240, gap: 10, padding: 10 };

test('columns fit the width, at least one', () => {
  assert.equal(columnsFor(g), 5); // 5*180 + 4*10 + 2*10 = 960 <= 1000
  assert.equal(columnsFor({ ...g, width: 50 }), 1);
  assert.equal(columnsFor({ ...g, width: 960 }), 5);
  assert.equal(columnsFor({ ...g, width: 959 }), 4);
});

test('10,000 images: only a screenful of rows is rendered', () => {
  const n = 10_000;
  assert.equal(totalHeight(n, g), 2 * 10 + 2000 * 250 - 10);
  const top = visibleItems(n, g, 0, 800);
  assert.equal(top.start, 0);
  assert.ok(top.end - top.start <= 5 * 7, `renders ${top.end - top.start}`);
  const mid = visibleItems(n, g, 250_000, 800);
  assert.ok(mid.start > 4000 && mid.end < 5100, JSON.stringify(mid));
  assert.equal(mid.start % 5, 0);
  const end = visibleItems(n, g, totalHeight(n, g) - 800, 800);
  assert.equal(end.end, n);
  assert.ok(end.end - end.start <= 40);
});

test('an empty grid renders nothing', () => {
  assert.deepEqual(visibleItems(0, g, 0, 800), { start: 0, end: 0 });
  assert.equal(totalHeight(0, g), 0);
});

test('positions and reveal', () => {
  assert.deepEqual(positionOf(0, g), { x: 10, y: 10 });
  assert.deepEqual(positionOf(7, g), { x: 10 + 2 * 190, y: 10 + 250 });
  assert.equal(revealScrollTop(0, g, 0, 800), null);
  const r = revealScrollTop(50, g, 0, 800)!; // row 10 at y=2510
  assert.ok(r + 800 >= 2510 + 240 && r <= 2510);
  assert.equal(revealScrollTop(0, g, 1000, 800), 0);
});

test('moves: arrows, j/k, home/end and the short last row', () => {
  const cols = 5;
  assert.equal(moveIndex(0, 'left', 12, cols), 0);
  assert.equal(moveIndex(0, 'right', 12, cols), 1);
  assert.equal(moveIndex(4, 'next', 12, cols), 5);
  assert.equal(moveIndex(5, 'prev', 12, cols), 4);
  assert.equal(moveIndex(2, 'down', 12, cols), 7);
  assert.equal(moveIndex(7, 'down', 12, cols), 11, 'lands on the last item of a short row');
  assert.equal(moveIndex(11, 'down', 12, cols), 11);
  assert.equal(moveIndex(7, 'up', 12, cols), 2);
  assert.equal(moveIndex(2, 'up', 12, cols), 2);
  assert.equal(moveIndex(3, 'end', 12, cols), 11);
  assert.equal(moveIndex(9, 'home', 12, cols), 0);
  assert.equal(moveIndex(0, 'pageDown', 100, cols, 3), 15);
  assert.equal(moveIndex(-1, 'down', 12, cols), 0);
  assert.equal(moveIndex(0, 'down', 0, cols), -1);
});
