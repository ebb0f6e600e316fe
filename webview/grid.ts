// The virtualized thumbnail grid. Only the cards of visible rows (plus a little overscan) are in the
// DOM; cards that scroll out are detached and reused. The container is one focusable listbox whose
// aria-activedescendant follows the focused card. Past MAX_SCROLL_HEIGHT (a million images) the
// scroll range is scaled onto the content (gridLayout.ts): `top` is the content offset shown; the
// scrollbar maps onto it, and the wheel moves it pixel for pixel.
import type { ImageSummary } from '../src/shared/protocol';
import { createCard, updateCard, type CardState } from './card';
import { h } from './dom';
import {
  columnsFor,
  contentTopAt,
  revealScrollTop,
  rowHeight,
  scrollHeightFor,
  scrollTopAt,
  totalHeight,
  visibleItems,
  type GridGeometry,
} from './gridLayout';

export interface GridCallbacks {
  onCardClick(id: string, mods: { shift: boolean; toggle: boolean }): void;
  onNeedThumbs(ids: string[]): void;
  cardState(img: ImageSummary): CardState;
}

/** Space under the thumbnail: labels, score bar, badges, file name (must match review.css). */
export const CARD_CHROME = 92;
const GAP = 10;
const PADDING = 12;

export class VirtualGrid {
  readonly el: HTMLElement;
  private spacer: HTMLElement;
  private items: ImageSummary[] = [];
  private rendered = new Map<string, HTMLElement>();
  private pool: HTMLElement[] = [];
  private frame = 0;
  private width = 0;
  private height = 0;
  private focusIndex = -1;
  /** The content offset at the top of the viewport, and the scrollTop that shows it. */
  private top = 0;
  private shownScrollTop = 0;

  constructor(
    parent: HTMLElement,
    private readonly cb: GridCallbacks,
    private thumbSize: number,
  ) {
    this.spacer = h('div', { class: 'grid-spacer' });
    this.el = h('div', { class: 'grid', role: 'listbox', tabindex: '0', 'aria-multiselectable': 'true', 'aria-label': 'Images' }, this.spacer);
    parent.append(this.el);
    this.el.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.el.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    new ResizeObserver(() => {
      this.width = this.el.clientWidth;
      this.height = this.el.clientHeight;
      this.schedule();
    }).observe(this.el);
    this.el.addEventListener('click', (e) => {
      const card = (e.target as HTMLElement).closest<HTMLElement>('.card');
      if (!card?.dataset.id) return;
      this.el.focus({ preventScroll: true });
      this.cb.onCardClick(card.dataset.id, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
    });
    this.el.addEventListener('mousedown', (e) => {
      if (e.shiftKey) e.preventDefault(); // no text selection on shift-click
    });
  }

  setThumbSize(size: number): void {
    this.thumbSize = size;
    this.el.style.setProperty('--thumb', `${size}px`);
    this.el.style.setProperty('--card-w', `${this.geometry().cardWidth}px`);
    this.el.style.setProperty('--card-h', `${this.geometry().cardHeight}px`);
  }

  setItems(items: ImageSummary[], focusIndex: number): void {
    this.items = items;
    this.focusIndex = focusIndex;
    this.schedule();
  }

  geometry(): GridGeometry {
    return {
      width: this.width || this.el.clientWidth,
      cardWidth: this.thumbSize + 16,
      cardHeight: this.thumbSize + 16 + CARD_CHROME,
      gap: GAP,
      padding: PADDING,
    };
  }
  columns(): number {
    return columnsFor(this.geometry());
  }
  rowsPerPage(): number {
    return Math.max(1, Math.floor((this.height || this.el.clientHeight) / rowHeight(this.geometry())));
  }

  private contentHeight(): number {
    return totalHeight(this.items.length, this.geometry());
  }
  private viewport(): number {
    return this.el.clientHeight || 600;
  }

  /** The content offset shown now: follows the scrollbar when something else moved it. */
  private syncTop(): number {
    const st = this.el.scrollTop;
    if (Math.abs(st - this.shownScrollTop) > 1) {
      this.top = contentTopAt(st, this.contentHeight(), this.viewport());
      this.shownScrollTop = st;
    }
    return this.top;
  }

  /** Shows content offset `top` (clamped), moving the scrollbar to match. */
  scrollToContent(top: number): void {
    const content = this.contentHeight();
    const vh = this.viewport();
    this.top = Math.max(0, Math.min(top, content - vh));
    const spacer = `${scrollHeightFor(content)}px`;
    if (this.spacer.style.height !== spacer) this.spacer.style.height = spacer; // before scrollTop: no clamp to the old height
    const st = scrollTopAt(this.top, content, vh);
    this.el.scrollTop = st;
    this.shownScrollTop = this.el.scrollTop;
    this.schedule();
  }

  /** In a scaled range the wheel moves the content pixel for pixel, not by the scaled scrollbar. */
  private onWheel(e: WheelEvent): void {
    if (this.contentHeight() <= scrollHeightFor(this.contentHeight()) || e.ctrlKey || !e.deltaY) return;
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? this.viewport() : 1;
    this.scrollToContent(this.syncTop() + e.deltaY * unit);
  }

  /** Scrolls so that item `index` is fully visible. */
  reveal(index: number): void {
    if (index < 0) return;
    const top = revealScrollTop(index, this.geometry(), this.syncTop(), this.viewport());
    if (top !== null) this.scrollToContent(top);
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render(): void {
    const focusIndex = this.focusIndex;
    const g = this.geometry();
    const cols = columnsFor(g);
    const content = totalHeight(this.items.length, g);
    const spacer = `${scrollHeightFor(content)}px`;
    if (this.spacer.style.height !== spacer) this.spacer.style.height = spacer;
    const top = this.syncTop();
    // Cards sit at their content position, shifted so that content offset `top` is at the scrollTop.
    const shift = this.el.scrollTop - top;
    const { start, end } = visibleItems(this.items.length, g, top, this.viewport());
    // Centre the columns in the available width.
    const used = 2 * PADDING + cols * g.cardWidth + (cols - 1) * GAP;
    const offsetX = Math.max(0, Math.floor((g.width - used) / 2));
    const keep = new Set<string>();
    const missing: string[] = [];
    for (let i = start; i < end; i++) {
      const img = this.items[i];
      keep.add(img.id);
      let card = this.rendered.get(img.id);
      if (!card) {
        card = this.pool.pop() ?? createCard();
        this.rendered.set(img.id, card);
        this.el.append(card);
      }
      const x = offsetX + PADDING + (i % cols) * (g.cardWidth + GAP);
      const y = PADDING + Math.floor(i / cols) * rowHeight(g) + shift;
      const transform = `translate(${x}px, ${y}px)`;
      if (card.style.transform !== transform) card.style.transform = transform;
      card.id = `card-${i}`;
      const state = this.cb.cardState(img);
      updateCard(card, state);
      if (!state.thumb) missing.push(img.id);
    }
    for (const [id, card] of this.rendered) {
      if (keep.has(id)) continue;
      this.rendered.delete(id);
      card.remove();
      this.pool.push(card);
    }
    const focused = focusIndex >= 0 && focusIndex >= start && focusIndex < end ? `card-${focusIndex}` : null;
    if (focused) this.el.setAttribute('aria-activedescendant', focused);
    else this.el.removeAttribute('aria-activedescendant');
    if (missing.length) this.cb.onNeedThumbs(missing);
  }
}
