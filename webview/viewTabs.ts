// The panel's views as tabs (Images, Audit with its progress, Trust dashboard), and the audit's
// commands: Start audit…, Export report…, and Export dataset… (the host's Export Dataset flow).
import { h, replace } from './dom';
import type { Store } from './store';

export type View = Store['view'];

export interface ViewTabActions {
  /** Shows a view; `focusContent` false keeps the focus on the tabs (arrow keys between tabs). */
  show(view: View, focusContent?: boolean): void;
  startAudit(): void;
  exportReport(): void;
  exportDataset(): void;
}

export class ViewTabs {
  readonly el: HTMLElement;
  private tabs: HTMLElement;
  private key: unknown[] = [];

  constructor(parent: HTMLElement, before: Element | null, actions: ViewTabActions) {
    this.tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
    const start = h('vscode-button', { appearance: 'secondary', 'data-act': 'startAudit', 'aria-label': 'Start an audit: draw a seeded sample to judge' }, 'Start audit…');
    const exp = h('vscode-button', { appearance: 'secondary', 'data-act': 'exportReport', 'aria-label': 'Export the trust report (HTML, Markdown or JSON)' }, 'Export report…');
    const data = h('vscode-button', { appearance: 'secondary', 'data-act': 'exportDataset', 'aria-label': 'Export the labelled dataset (ImageFolder, Hugging Face, Label Studio, FiftyOne, cleanlab, CSV, JSONL)' }, 'Export dataset…');
    this.el = h('div', { class: 'viewbar', role: 'toolbar', 'aria-label': 'Views, audit and export' }, this.tabs, h('span', { class: 'spacer' }), start, exp, data);
    parent.insertBefore(this.el, before);
    this.el.addEventListener('click', (e) => {
      const t = (e.target as HTMLElement).closest<HTMLElement>('[data-view], [data-act]');
      if (!t) return;
      if (t.dataset.view) actions.show(t.dataset.view as View);
      else if (t.dataset.act === 'startAudit') actions.startAudit();
      else if (t.dataset.act === 'exportReport') actions.exportReport();
      else if (t.dataset.act === 'exportDataset') actions.exportDataset();
    });
    this.tabs.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      e.preventDefault();
      e.stopPropagation();
      const all = Array.from(this.tabs.querySelectorAll<HTMLElement>('[role="tab"]'));
      const i = all.indexOf(document.activeElement as HTMLElement);
      const next = all[(i + (e.key === 'ArrowRight' ? 1 : -1) + all.length) % all.length];
      actions.show(next.dataset.view as View, false);
      requestAnimationFrame(() => this.tabs.querySelector<HTMLElement>(`[data-view="${next.dataset.view}"]`)?.focus());
    });
  }

  render(store: Store): void {
    const key = [store.view, store.audit];
    if (key.every((k, i) => k === this.key[i])) return;
    this.key = key;
    const a = store.audit;
    const tab = (view: View, text: string) =>
      h('button', { class: 'tab', role: 'tab', 'data-view': view, 'aria-selected': String(store.view === view), tabindex: store.view === view ? '0' : '-1' }, text);
    replace(
      this.tabs,
      tab('grid', 'Images'),
      tab('clusters', 'Clusters'),
      tab('audit', a && a.items.length ? `Audit ${a.done} / ${a.items.length}` : 'Audit'),
      tab('dashboard', 'Trust dashboard'),
    );
  }
}
