// The virtualized thumbnail grid. Only the cards of visible rows (plus a little overscan) are in the
// DOM; cards that scroll out are detached and reused. The container is one focusable listbox whose
// aria-activedescendant follows the focused card.
import type { ImageSummary } from '../src/shared/protocol';
import { createCard, updateCard, type CardState } from './card';
import { h } from './dom';
import { columnsFor, revealScrollTop, rowHeight, totalHeight, visibleItems, type GridGeometry } from './gridLayout';

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

  constructor(
    parent: HTMLElement,
    private readonly cb: GridCallbacks,
    private thumbSize: number,
  ) {
    this.spacer = h('div', { class: 'grid-spacer' });
    this.el = h('div', { class: 'grid', role: 'listbox', tabindex: '0', 'aria-multiselectable': 'true', 'aria-label': 'Images' }, this.spacer);
    parent.append(this.el);
    this.el.addEventListener('scroll', () => this.schedule(), { passive: true });
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

  /** Scrolls so that item `index` is fully visible. */
  reveal(index: number): void {
    if (index < 0) return;
    const top = revealScrollTop(index, this.geometry(), this.el.scrollTop, this.el.clientHeight);
    if (top !== null) this.el.scrollTop = top;
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
    this.spacer.style.height = `${totalHeight(this.items.length, g)}px`;
    const { start, end } = visibleItems(this.items.length, g, this.el.scrollTop, this.el.clientHeight || 600);
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
      const y = PADDING + Math.floor(i / cols) * rowHeight(g);
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
