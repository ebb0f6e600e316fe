// The detail pane for the focused image: large image, decision buttons, review, every prediction
// with its scores and checkpoint, errors. Re-rendered only when what it shows changed.
import type { PredictionError } from '../src/core/types';
import type { ImageSummary } from '../src/shared/protocol';
import { h, replace } from './dom';
import { errorSection, predictionSections, reviewSection } from './detailSections';
import type { Detail, Store } from './store';
import { currentLabels } from './filters';

export interface DetailActions {
  accept(): void;
  reject(): void;
  assign(index: number): void;
  openSidecar(id: string): void;
  moreLikeThis(id: string): void;
}

export class DetailPane {
  readonly el: HTMLElement;
  private key: unknown[] = [];
  /** What the head's nodes are built from; anything else in it (labels, classified) is patched in place. */
  private headKey: unknown[] = [];
  private btns?: { accept: HTMLElement; like: HTMLElement; assign: HTMLElement[] };
  /** Title, path, banner and buttons; then the image and the sections (layout-neutral wrappers). */
  private readonly head = h('div', { class: 'detail-head' });
  private readonly body = h('div', { class: 'detail-body' });

  constructor(parent: HTMLElement, private readonly actions: DetailActions) {
    this.el = h('aside', { class: 'detail', 'aria-label': 'Image details', tabindex: '-1' });
    parent.append(this.el);
    this.el.addEventListener('click', (e) => {
      const btn = (e.target as HTMLElement).closest<HTMLElement>('[data-act]');
      if (!btn) return;
      const act = btn.dataset.act;
      if (act === 'accept') this.actions.accept();
      else if (act === 'reject') this.actions.reject();
      else if (act === 'assign') this.actions.assign(Number(btn.dataset.index));
      else if (act === 'sidecar' && btn.dataset.id) this.actions.openSidecar(btn.dataset.id);
      else if (act === 'like' && btn.dataset.id) this.actions.moreLikeThis(btn.dataset.id);
    });
  }

  render(store: Store): void {
    const img = store.focused;
    const detail = img && store.detail?.id === img.id ? store.detail : null;
    const changed = img ? store.changedOnDisk.has(img.id) : false;
    const key = [img, detail, changed, store.categories, store.mode];
    if (key.every((k, i) => k === this.key[i])) return;
    const headKey = [img?.id, img?.name, changed, store.categories, store.mode];
    const headSame = headKey.every((k, i) => k === this.headKey[i]);
    this.key = key;
    this.headKey = headKey;
    if (!img) {
      replace(this.el, h('p', { class: 'empty' }, store.images.size ? 'No image matches the filter.' : 'No images in this folder yet.'));
      return;
    }
    // When the same image's summary or detail changed (a decision landing, its sidecar arriving), the
    // title and the buttons stay the same nodes, their state patched: a press that straddles the
    // redraw is not lost.
    if (headSame && this.head.isConnected && this.body.isConnected) {
      this.patchButtons(store, img);
      replace(this.body, ...this.body_(store, img, detail));
      return;
    }
    replace(this.head, ...this.head_(store, img, changed));
    replace(this.body, ...this.body_(store, img, detail));
    if (!this.head.isConnected || !this.body.isConnected) replace(this.el, this.head, this.body);
  }

  private head_(store: Store, img: ImageSummary, changed: boolean): Node[] {
    const out: Node[] = [h('h2', { class: 'detail-title', title: img.id }, img.name)];
    if (img.id !== img.name) out.push(h('div', { class: 'detail-path' }, img.id));
    if (changed) {
      out.push(h('p', { class: 'banner', role: 'status' }, 'This sidecar changed on disk (another program, the CLI or git). The panel shows the version on disk now.'));
    }
    out.push(this.buttons(store, img));
    return out;
  }

  private body_(store: Store, img: ImageSummary, detail: Detail | null): Node[] {
    const out: Node[] = [];
    const imgBox = h('div', { class: 'detail-image' });
    if (detail?.src) imgBox.append(h('img', { src: detail.src, alt: `Image ${img.name}` }));
    else imgBox.append(h('div', { class: 'thumb-placeholder loading' }, detail ? 'no preview' : 'loading…'));
    out.push(imgBox);
    if (!detail) return out;
    const sc = detail.sidecar;
    const errs = sc ? (Object.values(sc.errors ?? {}).filter(Boolean) as PredictionError[]) : [];
    const err = errorSection(errs, detail.sidecarError);
    if (err) out.push(err);
    if (!sc) {
      out.push(h('p', { class: 'muted' }, 'Not classified yet: no sidecar. You can still assign a category with 1–9.'));
      return out;
    }
    out.push(reviewSection(sc.review));
    const preds = predictionSections(sc.predictions, store.categories, img.effective);
    out.push(...preds);
    if (!preds.length) out.push(h('p', { class: 'muted' }, 'No prediction yet.'));
    return out;
  }

  /**
   * The buttons' state for this summary, set on build and patched on updates: Accept and More like
   * this need a prediction; the current labels are pressed (single label: announced as current).
   */
  private patchButtons(store: Store, img: ImageSummary): void {
    if (!this.btns) return;
    for (const b of [this.btns.accept, this.btns.like]) {
      if (img.classified) b.removeAttribute('disabled');
      else b.setAttribute('disabled', '');
    }
    const labels = new Set(currentLabels(img));
    this.btns.assign.forEach((b, i) => {
      const on = labels.has(store.categories[i]?.name);
      if (b.getAttribute('appearance') !== (on ? 'primary' : 'secondary')) b.setAttribute('appearance', on ? 'primary' : 'secondary');
      if (store.mode === 'multi_label') {
        if (b.getAttribute('aria-pressed') !== String(on)) b.setAttribute('aria-pressed', String(on));
      } else if (on) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    });
  }

  private buttons(store: Store, img: ImageSummary): HTMLElement {
    const bar = h('div', { class: 'decide', role: 'group', 'aria-label': 'Decision' });
    const accept = h('vscode-button', { 'data-act': 'accept', 'aria-label': 'Accept the prediction (a or Enter)' }, 'Accept');
    const reject = h('vscode-button', { 'data-act': 'reject', appearance: 'secondary', 'aria-label': 'Reject: none of these (x)' }, 'None of these');
    bar.append(accept, reject);
    const assign: HTMLElement[] = [];
    const cats = h('div', { class: 'assign', role: 'group', 'aria-label': store.mode === 'multi_label' ? 'Toggle a category' : 'Assign a category' });
    store.categories.forEach((c, i) => {
      const b = h(
        'vscode-button',
        {
          'data-act': 'assign',
          'data-index': String(i),
          'aria-label': `${store.mode === 'multi_label' ? 'Toggle' : 'Assign'} category ${c.name}${i < 9 ? ` (${i + 1})` : ''}`,
          title: c.description,
        },
        i < 9 ? `${i + 1} · ${c.name}` : c.name,
      );
      cats.append(b);
      assign.push(b);
    });
    const like = h('vscode-button', { 'data-act': 'like', 'data-id': img.id, appearance: 'secondary', 'aria-label': 'More like this: the images most similar to this one (m)' }, 'More like this');
    this.btns = { accept, like, assign };
    this.patchButtons(store, img);
    bar.append(like);
    bar.append(h('vscode-button', { 'data-act': 'sidecar', 'data-id': img.id, appearance: 'secondary', 'aria-label': 'Open the sidecar file in an editor' }, 'Open sidecar'));
    return h('div', { class: 'actions' }, bar, cats);
  }
}
