// The header: folder, counts per category (click to filter), pending/review-queue/error counts, and
// the live classification run.
import type { RunState } from '../src/shared/protocol';
import { h, replace } from './dom';
import { headerCounts, NO_LABEL, type FilterState } from './filters';
import type { Store } from './store';

export class Header {
  readonly el: HTMLElement;
  private title: HTMLElement;
  private counts: HTMLElement;
  private run: HTMLElement;
  private key: unknown[] = [];

  constructor(parent: HTMLElement, private readonly setFilter: (p: Partial<FilterState>) => void) {
    this.title = h('h1', { class: 'title' });
    this.counts = h('div', { class: 'counts', role: 'group', 'aria-label': 'Counts' });
    this.run = h('div', { class: 'run', role: 'status', 'aria-live': 'polite' });
    this.el = h('header', { class: 'header' }, h('div', { class: 'header-top' }, this.title, this.run), this.counts);
    parent.append(this.el);
    this.counts.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>('button[data-filter]');
      if (!b) return;
      const patch = JSON.parse(b.dataset.filter!) as Partial<FilterState>;
      this.setFilter(patch);
    });
  }

  render(store: Store): void {
    const key = [store.images, store.images.size, store.filtered, store.run, store.folderName];
    if (key.every((k, i) => k === this.key[i])) return;
    this.key = key;
    replace(this.title, store.folderName, h('span', { class: 'muted' }, ` · ${store.categoriesSource}`));
    const c = headerCounts(store.images.values(), store.categories.map((x) => x.name));
    const btn = (text: string, n: number, patch: Partial<FilterState>, cls = '') =>
      h('button', { class: `count ${cls}`, 'data-filter': JSON.stringify(patch), 'aria-label': `${text}: ${n}. Show only these.` }, h('span', { class: 'count-name' }, text), h('span', { class: 'count-n' }, String(n)));
    const shown = store.filtered.length === c.total ? `${c.total} images` : `${store.filtered.length} of ${c.total} images`;
    replace(
      this.counts,
      h('span', { class: 'total' }, shown),
      btn('pending', c.byStatus.pending, { status: 'pending' }, 'pending'),
      ...store.categories.map((cat) => btn(cat.name, c.perCategory[cat.name] ?? 0, { category: cat.name })),
      btn('no label', c.unlabelled, { category: NO_LABEL }),
      c.byStatus.stale ? btn('stale', c.byStatus.stale, { status: 'stale' }) : null,
      c.byStatus['auto-accepted'] ? btn('auto-accepted', c.byStatus['auto-accepted'], { status: 'auto-accepted' }) : null,
      btn('review queue', c.reviewQueue, { reviewQueue: true }),
      c.errors ? btn('errors', c.errors, { errorsOnly: true }, 'err') : null,
      c.vlmDisagreed ? btn('VLM disagreed with zero-shot', c.vlmDisagreed, { vlmDisagreed: true }, 'disagree') : null,
      c.unclassified ? h('span', { class: 'muted' }, `${c.unclassified} not classified`) : null,
    );
    replace(this.run, ...runView(store.run));
  }
}

function runView(r: RunState): Node[] {
  if (r.state === 'idle') return [];
  const text =
    r.state === 'loading'
      ? r.message ?? 'Loading the model…'
      : r.state === 'running'
        ? `Classifying ${r.done} / ${r.total}`
        : r.state === 'done'
          ? `Classified ${r.total} images`
          : r.state === 'cancelled'
            ? `Cancelled at ${r.done} / ${r.total}`
            : `Failed: ${r.message ?? 'see the Image Triage output'}`;
  const busy = r.state === 'loading' || r.state === 'running';
  return [busy ? h('vscode-progress-ring', { 'aria-hidden': 'true' }) : document.createTextNode(''), h('span', { class: `run-text run-${r.state}` }, text)];
}
