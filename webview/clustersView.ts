// The Clusters view's DOM: a summary line with the key hints, then each cluster as a row: its
// prediction (majority), how many of its images are still unreviewed, and a strip of thumbnails.
// Images predicted otherwise than the cluster are marked, decided ones dimmed. Rows are rebuilt only
// when what they show changed. All text via textContent.
import type { ClustersResult, ImageSummary, ReviewCluster } from '../src/shared/protocol';
import { h, replace, setText } from './dom';
import { majorityText, pendingIds, predictionKey } from './clusterKeys';

export const STRIP = 12;

export interface ClustersViewState {
  result: ClustersResult | null;
  loading: boolean;
  error: string | null;
  focus: number;
  images: ReadonlyMap<string, ImageSummary>;
  thumbs: ReadonlyMap<string, { uri?: string; error?: string }>;
}

export interface ClustersViewActions {
  focus(index: number): void;
  accept(index: number): void;
  addCategory(index: number): void;
  recompute(): void;
}

export class ClustersView {
  readonly el: HTMLElement;
  private summary: HTMLElement;
  private list: HTMLElement;
  private rows = new Map<number, { el: HTMLElement; sig: string }>();
  private shownResult: ClustersResult | null = null;

  constructor(parent: HTMLElement, actions: ClustersViewActions) {
    this.summary = h('p', { class: 'clusters-summary', role: 'status' });
    const hints = h(
      'p',
      { class: 'clusters-hints muted' },
      h('kbd', {}, '↑ ↓'), ' cluster  ', h('kbd', {}, 'Enter'), " accept the cluster's prediction  ", h('kbd', {}, '1–9'), ' label all  ',
      h('kbd', {}, 'x'), ' reject all  ', h('kbd', {}, 'u'), ' undo  ', h('kbd', {}, 'n'), ' add category…  ', h('kbd', {}, 'r'), ' recompute  ', h('kbd', {}, 'Esc'), ' grid',
    );
    const recompute = h('vscode-button', { appearance: 'secondary', 'data-act': 'recompute', 'aria-label': 'Recompute the clusters (r)' }, 'Recompute');
    this.list = h('div', { class: 'clusters-list', role: 'listbox', 'aria-label': 'Clusters of unreviewed images' });
    this.el = h('section', { class: 'clusters', tabindex: 0, 'aria-label': 'Clusters for bulk review' }, h('div', { class: 'clusters-top' }, this.summary, recompute, hints), this.list);
    parent.append(this.el);
    this.el.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      const act = t.closest<HTMLElement>('[data-act]')?.dataset.act;
      const row = t.closest<HTMLElement>('.cluster');
      const i = row ? Number(row.dataset.index) : -1;
      if (act === 'recompute') return actions.recompute();
      if (i < 0) return;
      if (act === 'accept') actions.accept(i);
      else if (act === 'add-category') actions.addCategory(i);
      else actions.focus(i);
    });
  }

  /** The ids whose thumbnails the strips show. */
  stripIds(r: ClustersResult): string[] {
    return r.clusters.flatMap((c) => c.ids.slice(0, STRIP));
  }

  render(s: ClustersViewState): void {
    const r = s.result;
    if (r !== this.shownResult) {
      this.shownResult = r;
      this.rows.clear();
      replace(this.list);
    }
    if (!r) {
      setText(this.summary, s.error ? `The clusters could not be computed: ${s.error}` : s.loading ? 'Clustering the unreviewed images…' : 'No clusters yet.');
      this.el.removeAttribute('aria-activedescendant');
      return;
    }
    const pending = r.clusters.reduce((n, c) => n + pendingIds(c, s.images).length, 0);
    const nofit = r.clusters.filter((c) => c.kind === 'nofit').length;
    const missing = r.unembedded ? ` ${r.unembedded} unreviewed image${r.unembedded === 1 ? ' has' : 's have'} no cached embedding (not clustered).` : '';
    setText(
      this.summary,
      r.clusters.length
        ? `${r.clusters.length} clusters of ${r.clustered} unreviewed images (${pending} still unreviewed), ${nofit} of them fitting no category. Spherical k-means on ${r.checkpoint ?? 'the'} embeddings, seed ${r.seed}, ${r.seconds.toFixed(2)} s.${missing}${s.loading ? ' Recomputing…' : ''}`
        : `No unreviewed images with a cached embedding to cluster.${missing}`,
    );
    if (this.list.childElementCount === 0 && r.clusters.length) this.build(r);
    r.clusters.forEach((c, i) => this.updateRow(c, i, s));
    if (r.clusters.length) this.el.setAttribute('aria-activedescendant', `cluster-${s.focus}`);
  }

  /** Scrolls the focused cluster into view. */
  reveal(index: number): void {
    this.rows.get(index)?.el.scrollIntoView({ block: 'nearest' });
  }

  private build(r: ClustersResult): void {
    let kind = '';
    r.clusters.forEach((c, i) => {
      if (c.kind !== kind) {
        kind = c.kind;
        this.list.append(h('h3', { class: 'clusters-section' }, kind === 'fits' ? 'Clusters a category fits' : 'Clusters that fit no category: what the categories miss'));
      }
      const el = h('div', { class: 'cluster', role: 'option', id: `cluster-${i}`, 'data-index': i, 'data-kind': c.kind });
      this.list.append(el);
      this.rows.set(i, { el, sig: '' });
    });
  }

  private updateRow(c: ReviewCluster, i: number, s: ClustersViewState): void {
    const row = this.rows.get(i);
    if (!row) return;
    const shown = c.ids.slice(0, STRIP);
    const open = pendingIds(c, s.images);
    const sig = JSON.stringify([s.focus === i, open.length, shown.map((id) => [s.images.get(id)?.status, s.images.get(id)?.rev, s.thumbs.get(id)?.uri ?? s.thumbs.get(id)?.error])]);
    if (sig === row.sig) return;
    row.sig = sig;
    const el = row.el;
    el.setAttribute('aria-selected', String(s.focus === i));
    el.classList.toggle('focused', s.focus === i);
    el.classList.toggle('done', open.length === 0);
    el.dataset.pending = String(open.length);
    const key = predictionKey(c.majority);
    const strip = shown.map((id) => {
      const img = s.images.get(id);
      const t = s.thumbs.get(id);
      const differs = img && predictionKey(img.predicted) !== key;
      const decided = img && img.status !== 'pending';
      return h(
        'figure',
        { class: `strip-item${differs ? ' differs' : ''}${decided ? ' decided' : ''}`, 'data-id': id, title: id },
        t?.uri ? h('img', { src: t.uri, alt: id, loading: 'lazy' }) : h('span', { class: 'strip-ph', 'aria-hidden': 'true' }, t?.error ? '!' : ''),
        differs && img ? h('figcaption', { class: 'strip-badge', title: `${id} is predicted ${img.predicted.join(' + ') || 'as fitting no category'}` }, `≠ ${img.predicted.join('+') || 'none'}`) : null,
        decided && img ? h('figcaption', { class: 'strip-status' }, img.status === 'pending' ? '' : `${img.status}${img.reviewLabels.length ? `: ${img.reviewLabels.join('+')}` : ''}`) : null,
      );
    });
    const more = c.ids.length - shown.length;
    replace(
      el,
      h(
        'div',
        { class: 'cluster-head' },
        h('span', { class: 'cluster-no' }, `#${i + 1}`),
        h('span', { class: 'cluster-pred' }, majorityText(c)),
        h('span', { class: 'cluster-count' }, open.length ? `${open.length} unreviewed of ${c.ids.length}` : `all ${c.ids.length} reviewed`),
        h('span', { class: 'cluster-share muted' }, `${c.majorityCount}/${c.ids.length} predicted so · cohesion ${c.cohesion.toFixed(2)}`),
        h('span', { class: 'spacer' }),
        h('vscode-button', { appearance: 'primary', 'data-act': 'accept', disabled: open.length === 0, 'aria-label': `Accept "${majorityText(c)}" for the ${open.length} unreviewed images of cluster ${i + 1} (Enter)` }, 'Accept all'),
        h('vscode-button', { appearance: 'secondary', 'data-act': 'add-category', 'aria-label': `Add a category from cluster ${i + 1} (n)` }, 'Add category…'),
      ),
      h('div', { class: 'strip' }, ...strip, more > 0 ? h('span', { class: 'strip-more muted' }, `+${more} more`) : null),
    );
  }
}
