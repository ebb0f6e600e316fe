// Virtualization math for the thumbnail grid. Pure: unit tested. Only rows that intersect the
// viewport (plus a little overscan) are ever put in the DOM.

export interface GridGeometry {
  /** Width of the scroll container's content box, CSS px. */
  width: number;
  cardWidth: number;
  cardHeight: number;
  gap: number;
  padding: number;
}

export function columnsFor(g: GridGeometry): number {
  const usable = g.width - 2 * g.padding + g.gap;
  return Math.max(1, Math.floor(usable / (g.cardWidth + g.gap)));
}

export function rowHeight(g: GridGeometry): number {
  return g.cardHeight + g.gap;
}

export function rowCount(items: number, cols: number): number {
  return Math.ceil(items / Math.max(1, cols));
}

export function totalHeight(items: number, g: GridGeometry): number {
  const rows = rowCount(items, columnsFor(g));
  return rows === 0 ? 0 : 2 * g.padding + rows * rowHeight(g) - g.gap;
}

/**
 * Browsers cap an element's height (Chromium near 33.5 million CSS px, Firefox near 17.9 million), so a
 * grid taller than this gets a scroll range of this height, mapped linearly onto the content: the
 * scrollbar reaches every row, at any size. Below it, scroll position and content offset are equal.
 */
export const MAX_SCROLL_HEIGHT = 8_000_000;

/** The scroll range's height for a content height: the content's, capped. */
export function scrollHeightFor(content: number, max = MAX_SCROLL_HEIGHT): number {
  return Math.min(content, max);
}

/** The content offset shown at a scroll position (identity unless the range is scaled). */
export function contentTopAt(scrollTop: number, content: number, viewport: number, max = MAX_SCROLL_HEIGHT): number {
  if (content <= max) return scrollTop;
  const range = max - viewport;
  const span = content - viewport;
  if (range <= 0 || span <= 0) return 0;
  return Math.min(span, Math.max(0, (scrollTop * span) / range));
}

/** The scroll position that shows a content offset (the inverse of contentTopAt). */
export function scrollTopAt(contentTop: number, content: number, viewport: number, max = MAX_SCROLL_HEIGHT): number {
  if (content <= max) return contentTop;
  const range = max - viewport;
  const span = content - viewport;
  if (range <= 0 || span <= 0) return 0;
  return Math.min(range, Math.max(0, (contentTop * range) / span));
}

/** Indices [start, end) of the items to render for a scroll position. */
export function visibleItems(
  items: number,
  g: GridGeometry,
  scrollTop: number,
  viewportHeight: number,
  overscanRows = 2,
): { start: number; end: number } {
  const cols = columnsFor(g);
  const rh = rowHeight(g);
  const rows = rowCount(items, cols);
  const top = Math.max(0, scrollTop - g.padding);
  const firstRow = Math.max(0, Math.floor(top / rh) - overscanRows);
  const lastRow = Math.min(rows - 1, Math.floor((top + Math.max(0, viewportHeight)) / rh) + overscanRows);
  if (rows === 0 || lastRow < firstRow) return { start: 0, end: 0 };
  return { start: firstRow * cols, end: Math.min(items, (lastRow + 1) * cols) };
}

export function positionOf(index: number, g: GridGeometry): { x: number; y: number } {
  const cols = columnsFor(g);
  return {
    x: g.padding + (index % cols) * (g.cardWidth + g.gap),
    y: g.padding + Math.floor(index / cols) * rowHeight(g),
  };
}

/** The scrollTop that brings item `index` fully into view, or null when it already is. */
export function revealScrollTop(index: number, g: GridGeometry, scrollTop: number, viewportHeight: number): number | null {
  const { y } = positionOf(index, g);
  const top = y - g.padding;
  const bottom = y + g.cardHeight + g.padding;
  if (top < scrollTop) return Math.max(0, top);
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return null;
}

export type MoveDirection = 'left' | 'right' | 'up' | 'down' | 'next' | 'prev' | 'home' | 'end' | 'pageUp' | 'pageDown';

/** Where the focus goes from `index` for a move, in a grid of `count` items with `cols` columns. */
export function moveIndex(index: number, dir: MoveDirection, count: number, cols: number, rowsPerPage = 1): number {
  if (count === 0) return -1;
  const clamp = (i: number) => Math.min(count - 1, Math.max(0, i));
  if (index < 0) return dir === 'end' ? count - 1 : 0;
  switch (dir) {
    case 'left':
    case 'prev':
      return clamp(index - 1);
    case 'right':
    case 'next':
      return clamp(index + 1);
    case 'up':
      return index - cols >= 0 ? index - cols : index;
    case 'down':
      // Moving down from the row above a short last row lands on the last item.
      return index + cols < count ? index + cols : Math.floor(index / cols) < rowCount(count, cols) - 1 ? count - 1 : index;
    case 'home':
      return 0;
    case 'end':
      return count - 1;
    case 'pageUp':
      return clamp(index - cols * Math.max(1, rowsPerPage));
    case 'pageDown':
      return clamp(index + cols * Math.max(1, rowsPerPage));
  }
}
