// Shown when several images are selected: apply a decision to all of them at once.
import { h, replace } from './dom';
import type { Store } from './store';

export interface BulkActions {
  accept(): void;
  reject(): void;
  assign(index: number): void;
  clear(): void;
}

export class BulkBar {
  readonly el: HTMLElement;
  private key: unknown[] = [];

  constructor(parent: HTMLElement, private readonly actions: BulkActions) {
    this.el = h('div', { class: 'bulk', role: 'toolbar', 'aria-label': 'Actions on the selection', hidden: true });
    parent.append(this.el);
    this.el.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>('[data-act]');
      if (!b) return;
      const act = b.dataset.act;
      if (act === 'accept') this.actions.accept();
      if (act === 'reject') this.actions.reject();
      if (act === 'clear') this.actions.clear();
      if (act === 'assign') this.actions.assign(Number(b.dataset.index));
    });
  }

  render(store: Store): void {
    const n = store.selection.selected.size;
    const key = [n, store.categories, store.mode];
    if (key.every((k, i) => k === this.key[i])) return;
    this.key = key;
    this.el.hidden = n < 2;
    if (n < 2) return;
    const verb = store.mode === 'multi_label' ? 'Toggle' : 'Assign';
    replace(
      this.el,
      h('span', { class: 'bulk-count' }, `${n} selected`),
      h('vscode-button', { 'data-act': 'accept', 'aria-label': `Accept the prediction for ${n} images` }, 'Accept all'),
      h('vscode-button', { 'data-act': 'reject', appearance: 'secondary', 'aria-label': `Reject ${n} images: none of these` }, 'None of these'),
      ...store.categories.map((c, i) =>
        h('vscode-button', { 'data-act': 'assign', 'data-index': String(i), appearance: 'secondary', 'aria-label': `${verb} ${c.name} for ${n} images` }, `${verb} ${c.name}`),
      ),
      h('vscode-button', { 'data-act': 'clear', appearance: 'secondary', 'aria-label': 'Clear the selection (Esc)' }, 'Clear selection'),
    );
  }
}
