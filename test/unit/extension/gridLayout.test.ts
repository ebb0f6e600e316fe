import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SCROLL_HEIGHT, columnsFor, contentTopAt, moveIndex, positionOf, revealScrollTop, scrollHeightFor, scrollTopAt, totalHeight, visibleItems, type GridGeometry } from '../../../webview/gridLayout';

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

test('1,000,000 images: the scroll range is capped and maps onto every row, both ways', () => {
  const n = 1_000_000;
  const vh = 800;
  const content = totalHeight(n, g); // 200,000 rows of 250 px: 50 M px, past Chromium's ~33.5 M cap
  assert.ok(content > 33_500_000);
  const range = scrollHeightFor(content);
  assert.equal(range, MAX_SCROLL_HEIGHT);
  assert.ok(range < 17_000_000, 'under every browser cap');
  // The scrollbar at its end shows the last row; at its start the first.
  const endTop = contentTopAt(range - vh, content, vh);
  assert.equal(endTop, content - vh);
  const last = visibleItems(n, g, endTop, vh, 0);
  assert.equal(last.end, n, 'the last image is rendered at the end of the scrollbar');
  assert.ok(last.start > n - 5 * 5, `only the last rows (from ${last.start})`);
  assert.equal(visibleItems(n, g, contentTopAt(0, content, vh), vh, 0).start, 0);
  // Every row is reachable: revealing any image gives a scroll position inside the range that maps back.
  for (const index of [1, 123_457, 500_000, 999_998, n - 1]) {
    const top = revealScrollTop(index, g, 0, vh)!;
    const st = scrollTopAt(top, content, vh);
    assert.ok(st >= 0 && st <= range - vh, `scrollTop ${st} in range`);
    assert.ok(Math.abs(contentTopAt(st, content, vh) - top) < 1e-6, 'maps back');
    const shown = visibleItems(n, g, top, vh, 0);
    assert.ok(index >= shown.start && index < shown.end, `image ${index} shown`);
  }
  // A scrollbar moved by one pixel moves the content by the scale (≈ 6 px), never more than a row.
  const step = contentTopAt(1001, content, vh) - contentTopAt(1000, content, vh);
  assert.ok(step > 1 && step < 250, `one scrollbar pixel = ${step} px of content`);
});

test('below the cap, scroll position and content offset are the same', () => {
  const content = totalHeight(10_000, g);
  assert.equal(scrollHeightFor(content), content);
  assert.equal(contentTopAt(12_345, content, 800), 12_345);
  assert.equal(scrollTopAt(12_345, content, 800), 12_345);
});
