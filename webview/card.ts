// One thumbnail card in the grid: thumbnail, label(s), score bar, confidence badge, review status.
// Cards are recycled by the grid; `updateCard` only touches what changed.
import type { ImageSummary } from '../src/shared/protocol';
import { currentLabels } from './filters';
import { h, pct, replace, setText } from './dom';

export interface CardState {
  img: ImageSummary;
  thumb: { uri?: string; error?: string } | undefined;
  selected: boolean;
  focused: boolean;
  changedOnDisk: boolean;
  /** The label change a re-scoring preview would make ("red → green"), if any. */
  change?: string;
}

interface CardEl extends HTMLElement {
  _state?: CardState;
}

export function createCard(): HTMLElement {
  const el = h(
    'div',
    { class: 'card', role: 'option' },
    h('div', { class: 'thumb' }),
    h('div', { class: 'card-labels' }),
    h('div', { class: 'scorebar', 'aria-hidden': 'true' }, h('div', { class: 'fill' })),
    h('div', { class: 'card-meta' }, h('span', { class: 'badge conf' }), h('span', { class: 'badge status' })),
    h('div', { class: 'card-name' }),
  );
  return el;
}

function scoreValue(img: ImageSummary): number | null {
  if (img.rawScore !== null) return img.rawScore;
  if (img.cardScore !== null) return img.cardScore / 5;
  return null;
}

function labelsText(img: ImageSummary): string {
  if (!img.classified && img.status === 'pending') return img.error ? 'error' : 'not classified yet';
  const labels = currentLabels(img);
  if (labels.length) return labels.join(', ');
  return img.status === 'rejected' ? 'none of these' : 'nothing fits';
}

export function accessibleName(img: ImageSummary): string {
  const parts = [img.name, labelsText(img)];
  if (img.status === 'overridden' && img.predicted.length) parts.push(`predicted ${img.predicted.join(', ')}`);
  if (img.confidence) parts.push(`${img.confidence} confidence`);
  parts.push(img.status);
  if (img.vlmDisagrees) parts.push('the VLM disagreed with zero-shot');
  if (img.error) parts.push('has an error');
  return parts.join(', ');
}

export function updateCard(el: HTMLElement, s: CardState): void {
  const card = el as CardEl;
  const prev = card._state;
  const { img } = s;
  if (!prev || prev.selected !== s.selected || prev.focused !== s.focused || prev.changedOnDisk !== s.changedOnDisk || prev.img !== img) {
    card.classList.toggle('selected', s.selected);
    card.classList.toggle('focused', s.focused);
    card.classList.toggle('changed', s.changedOnDisk);
    card.classList.toggle('has-error', !!img.error);
    card.setAttribute('aria-selected', String(s.selected));
  }
  if (!prev || prev.img !== img || prev.change !== s.change) {
    card.classList.toggle('would-change', !!s.change);
    card.dataset.id = img.id;
    card.dataset.status = img.status;
    card.setAttribute('aria-label', accessibleName(img));
    card.title = img.id;
    const [thumbEl, labelsEl, bar, meta, nameEl] = Array.from(card.children) as HTMLElement[];
    void thumbEl;
    const labels = currentLabels(img);
    const chips = labels.map((l) => h('span', { class: 'chip' }, l));
    if (!labels.length) chips.push(h('span', { class: 'chip muted' }, labelsText(img)));
    if (img.status === 'overridden' && img.predicted.length) chips.push(h('span', { class: 'was' }, `was ${img.predicted.join(', ')}`));
    if (img.vlmDisagrees) chips.push(h('span', { class: 'disagree-mark', title: 'The VLM disagreed with zero-shot (the VLM’s label is shown)' }, '≠ zero-shot'));
    if (s.change) chips.unshift(h('span', { class: 'change-mark', title: 'The preview would change this label (nothing written yet)' }, s.change));
    replace(labelsEl, ...chips);
    const v = scoreValue(img);
    const fill = bar.firstElementChild as HTMLElement;
    fill.style.width = v === null ? '0%' : pct(v);
    bar.classList.toggle('empty', v === null);
    const [conf, status] = Array.from(meta.children) as HTMLElement[];
    setText(conf, img.confidence ?? (img.classified ? 'no fit' : '—'));
    conf.className = `badge conf conf-${img.confidence ?? 'none'}`;
    setText(status, img.status);
    status.className = `badge status status-${img.status}`;
    setText(nameEl, img.name);
  }
  if (!prev || prev.thumb !== s.thumb || prev.img.id !== img.id) {
    const thumbEl = card.firstElementChild as HTMLElement;
    const current = thumbEl.firstElementChild;
    if (s.thumb?.uri) {
      if (current instanceof HTMLImageElement) {
        if (current.getAttribute('src') !== s.thumb.uri) current.src = s.thumb.uri;
      } else {
        replace(thumbEl, h('img', { src: s.thumb.uri, alt: '', decoding: 'async', draggable: 'false' }));
      }
    } else {
      const text = s.thumb?.error ? 'no preview' : '';
      replace(thumbEl, h('div', { class: s.thumb?.error ? 'thumb-placeholder error' : 'thumb-placeholder loading', title: s.thumb?.error ?? '' }, text));
    }
  }
  card._state = s;
}
