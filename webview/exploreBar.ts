// The bar over the grid for exploring by meaning: the search box (text through the model's prompt
// templates; results are a filter, best first, so every review key works on them; Esc clears),
// "more like this" (from the detail pane), and the live re-scoring preview: editing a description
// (or saving categories.json) shows "N images would change label", before → after on the cards, a
// filter of the changes, Apply and Discard. Writes `store.search` and `store.preview`.
import type { RescorePreview, SearchQuery } from '../src/shared/exploreData';
import { h, replace, setText } from './dom';
import { changeText, previewDetails, previewHeadline, previewState, searchState, searchSummary } from './explore';
import type { Notices } from './notices';
import { problemOf, rpc } from './rpc';
import type { Store } from './store';

export interface ExploreHooks {
  render(): void;
  focusGrid(): void;
}

const TOPS = [20, 50, 200, 1000];

export class ExploreBar {
  readonly el: HTMLElement;
  private box: HTMLInputElement;
  private top: HTMLSelectElement;
  private status: HTMLElement;
  private clear: HTMLElement;
  private editor: HTMLElement;
  private editCat: HTMLSelectElement;
  private editText: HTMLTextAreaElement;
  private banner: HTMLElement;
  private only: HTMLInputElement;
  private asked = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private key: unknown[] = [];

  constructor(parent: HTMLElement, private readonly store: Store, private readonly notices: Notices, private readonly hooks: ExploreHooks) {
    this.box = h('input', { type: 'search', class: 'search-box', placeholder: 'Search by meaning, e.g. “a damaged box” ( / )', 'aria-label': 'Search images by meaning (Enter searches, Esc clears)', spellcheck: 'false' });
    this.top = h('select', { class: 'search-top', 'aria-label': 'How many results' }, ...TOPS.map((n) => h('option', { value: String(n) }, `top ${n}`)));
    this.top.value = '50';
    this.status = h('span', { class: 'search-status', role: 'status', 'aria-live': 'polite' });
    this.clear = h('vscode-button', { appearance: 'secondary', 'data-act': 'search-clear', 'aria-label': 'Clear the search (Esc)', hidden: true }, 'Clear search');
    const edit = h('vscode-button', { appearance: 'secondary', 'data-act': 'describe-open', 'aria-label': 'Edit a category description and preview what it changes' }, 'Edit a description…');
    this.editCat = h('select', { class: 'describe-cat', 'aria-label': 'Category' });
    this.editText = h('textarea', { class: 'describe-text', rows: 2, 'aria-label': 'Description', maxlength: 4000 });
    this.editor = h('div', { class: 'describe', role: 'group', 'aria-label': 'Edit a description', hidden: true },
      this.editCat, this.editText,
      h('vscode-button', { 'data-act': 'describe-preview', 'aria-label': 'Preview what the new description changes (nothing is written)' }, 'Preview'),
      h('vscode-button', { appearance: 'secondary', 'data-act': 'describe-cancel' }, 'Cancel'));
    this.only = h('input', { type: 'checkbox', class: 'rescore-only' });
    this.banner = h('div', { class: 'rescore', role: 'region', 'aria-label': 'Re-scoring preview', hidden: true });
    this.el = h('div', { class: 'explore' },
      h('div', { class: 'explore-row', role: 'search' }, this.box, this.top, this.clear, this.status, h('span', { class: 'spacer' }), edit),
      this.editor, this.banner);
    parent.append(this.el);

    this.box.addEventListener('keydown', (e) => {
      e.stopPropagation(); // the grid's keys (a, x, 1–9...) stay out of the search box
      if (e.key === 'Escape') {
        e.preventDefault();
        this.clearSearch();
      } else if (e.key === 'Enter') {
        e.preventDefault();
        clearTimeout(this.timer);
        if (this.box.value.trim()) void this.run({ text: this.box.value.trim() }).then(() => hooks.focusGrid());
      }
    });
    this.box.addEventListener('input', () => {
      clearTimeout(this.timer);
      const text = this.box.value.trim();
      this.timer = setTimeout(() => (text ? void this.run({ text }) : this.clearSearch(false)), 350);
    });
    this.top.addEventListener('change', () => this.store.search && void this.run(this.store.search.query));
    const own = (el: HTMLElement, esc: () => void) =>
      el.addEventListener('keydown', (e) => {
        e.stopPropagation();
        if (e.key === 'Escape') esc();
      });
    own(this.editText, () => this.closeEditor());
    own(this.editCat, () => this.closeEditor());
    own(this.top, () => this.hooks.focusGrid());
    this.editCat.addEventListener('change', () => (this.editText.value = this.descriptionOf(this.editCat.value)));
    this.only.addEventListener('change', () => {
      if (!store.preview) return;
      store.preview.onlyChanges = this.only.checked;
      store.refilter();
      hooks.render();
    });
    this.el.addEventListener('click', (e) => {
      const act = (e.target as HTMLElement).closest<HTMLElement>('[data-act]')?.dataset.act;
      if (act === 'search-clear') this.clearSearch();
      else if (act === 'describe-open') this.openEditor();
      else if (act === 'describe-cancel') this.closeEditor();
      else if (act === 'describe-preview') void this.previewEdit();
      else if (act === 'rescore-apply') void this.apply();
      else if (act === 'rescore-discard') void this.discard();
    });
  }

  focusSearch(): void {
    this.box.focus();
    this.box.select();
  }

  /** "More like this": images ranked by similarity to `id`. */
  moreLikeThis(id: string): void {
    this.box.value = '';
    void this.run({ like: id });
  }

  /** Esc in the grid clears the search when there is one; true when it did. */
  escape(): boolean {
    if (!this.store.search) return false;
    this.clearSearch();
    return true;
  }

  private async run(query: SearchQuery): Promise<void> {
    const n = ++this.asked;
    this.store.search = searchState(query);
    this.refilter();
    try {
      const result = await rpc.sendRequest('search', { query, top: Number(this.top.value) });
      if (n !== this.asked) return;
      this.store.search = searchState(query, result);
    } catch (e) {
      if (n !== this.asked) return;
      this.store.search = { ...searchState(query), error: problemOf(e).message };
    }
    this.refilter();
  }

  private clearSearch(focusGrid = true): void {
    this.asked++;
    clearTimeout(this.timer);
    this.box.value = '';
    this.store.search = null;
    this.refilter();
    if (focusGrid) this.hooks.focusGrid();
  }

  private refilter(): void {
    this.store.refilter();
    this.hooks.render();
  }

  // ---- live re-scoring ---------------------------------------------------------------------------

  /** The host's preview (after categories.json was saved, or a panel edit), or null when it is gone. */
  onPreview(p: RescorePreview | null): void {
    const keep = this.store.preview?.preview.previewId === p?.previewId;
    this.store.preview = p ? (keep ? this.store.preview : previewState(p)) : null;
    this.store.refilter();
  }

  private descriptionOf(name: string): string {
    return this.store.categories.find((c) => c.name === name)?.description ?? '';
  }

  private openEditor(): void {
    const focused = this.store.focused;
    const cats = this.store.categories;
    replace(this.editCat, ...cats.map((c) => h('option', { value: c.name }, c.name)));
    const pick = cats.find((c) => focused?.predicted.includes(c.name)) ?? cats[0];
    if (!pick) return this.notices.show('info', 'This folder has no categories to edit.', 6000);
    this.editCat.value = pick.name;
    this.editText.value = pick.description;
    this.editor.hidden = false;
    this.editText.focus();
  }

  private closeEditor(): void {
    this.editor.hidden = true;
    this.hooks.focusGrid();
  }

  private async previewEdit(): Promise<void> {
    const name = this.editCat.value;
    const description = this.editText.value.trim();
    if (!description) return this.notices.show('warning', 'A description cannot be empty.', 6000);
    setText(this.status, `Re-scoring every cached image with the new description of “${name}”…`);
    try {
      const r = await rpc.sendRequest('previewDescription', { name, description });
      if ('refused' in r) return this.notices.show('warning', r.refused, 10000);
      this.onPreview(r);
      this.closeEditor();
    } catch (e) {
      this.notices.show('error', `Could not preview the description: ${problemOf(e).message}`, 10000);
    } finally {
      setText(this.status, '');
      this.hooks.render();
    }
  }

  private async apply(): Promise<void> {
    const p = this.store.preview;
    if (!p || p.applying) return;
    p.applying = true;
    this.hooks.render();
    try {
      const r = await rpc.sendRequest('applyRescore', { previewId: p.preview.previewId });
      if (r.refused) this.notices.show('warning', r.refused, 10000);
      else {
        const stale = r.stale ? `; ${r.stale} reviewed image${r.stale === 1 ? '' : 's'} marked stale (labels kept)` : '';
        const skipped = r.skipped ? `; ${r.skipped} skipped (changed on disk since, or unreadable)` : '';
        this.notices.show('info', `${r.cancelled ? 'Cancelled: ' : 'Applied: '}${r.written} sidecars written, ${r.changed} labels changed${stale}${skipped}.`, 10000);
      }
      if (this.store.preview === p) this.store.preview = null;
    } catch (e) {
      p.applying = false;
      this.notices.show('error', `Could not apply: ${problemOf(e).message}`, 10000);
    }
    this.refilter();
  }

  private async discard(): Promise<void> {
    const p = this.store.preview;
    if (!p) return;
    this.store.preview = null;
    this.refilter();
    this.hooks.focusGrid();
    await rpc.sendRequest('discardRescore', { previewId: p.preview.previewId }).catch(() => undefined);
  }

  render(): void {
    const s = this.store.search;
    const p = this.store.preview;
    this.clear.hidden = !s;
    if (s) setText(this.status, searchSummary(s, (id) => this.store.images.get(id)?.name ?? id));
    else if (!this.status.textContent?.startsWith('Re-scoring')) setText(this.status, '');
    this.status.classList.toggle('error', !!(s?.error || s?.result?.refused));
    const key = [p, p?.applying, p?.onlyChanges];
    if (key.every((k, i) => k === this.key[i])) return;
    this.key = key;
    this.banner.hidden = !p;
    if (!p) return;
    this.only.checked = p.onlyChanges;
    replace(this.banner,
      h('strong', { class: 'rescore-headline', 'data-count': String(p.preview.changes.length) }, previewHeadline(p.preview)),
      h('span', { class: 'rescore-details muted' }, previewDetails(p.preview)),
      h('label', { class: 'rescore-filter' }, this.only, 'Only the changes'),
      h('vscode-button', { 'data-act': 'rescore-apply', disabled: p.applying, 'aria-label': 'Apply: write the new predictions to the sidecars' }, p.applying ? 'Applying…' : 'Apply'),
      h('vscode-button', { appearance: 'secondary', 'data-act': 'rescore-discard', disabled: p.applying, 'aria-label': 'Discard the preview: nothing is written' }, 'Discard'));
  }
}

export { changeText };
