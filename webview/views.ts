// Switching the panel's views (the image grid, the audit of a sample, the trust dashboard): the tabs,
// which parts are shown (the root's data-view attribute hides the grid's parts in the other views),
// and where the focus goes. The store's `view` is owned here.
import type { PanelView } from '../src/shared/protocol';
import type { Store } from './store';
import { ViewTabs } from './viewTabs';

/** A view other than the grid: its element, and what it does when it comes into view. */
export interface ViewPane {
  readonly el: HTMLElement;
  shown?(): void;
}

export interface ViewHooks {
  /** The panel's root. */
  root: HTMLElement;
  /** Where the view tabs go (before the filter toolbar). */
  tabsBefore: Element;
  render(): void;
  focusGrid(): void;
  startAudit(): void;
  exportReport(): void;
  exportDataset(): void;
}

export class ViewSwitcher {
  private tabs: ViewTabs;
  private panes: Partial<Record<PanelView, ViewPane>> = {};

  constructor(private readonly store: Store, private readonly hooks: ViewHooks) {
    this.tabs = new ViewTabs(hooks.root, hooks.tabsBefore, {
      show: (v, focus) => this.show(v, focus),
      startAudit: () => hooks.startAudit(),
      exportReport: () => hooks.exportReport(),
      exportDataset: () => hooks.exportDataset(),
    });
    hooks.root.dataset.view = store.view;
  }

  add(view: Exclude<PanelView, 'grid'>, pane: ViewPane): void {
    this.panes[view] = pane;
    pane.el.hidden = this.store.view !== view;
  }

  /** Shows a view; `focusContent` false keeps the focus where it is (arrow keys between the tabs). */
  show(v: PanelView, focusContent = true): void {
    const s = this.store;
    const changed = s.view !== v;
    s.view = v;
    this.hooks.root.dataset.view = v;
    for (const [name, pane] of Object.entries(this.panes)) pane.el.hidden = name !== v;
    if (changed) this.panes[v]?.shown?.();
    this.hooks.render();
    if (!focusContent) return;
    if (v === 'grid') this.hooks.focusGrid();
    else this.focusContent();
  }

  /** Puts the focus back on the view's content (after a dialog closes). */
  focusContent(): void {
    requestAnimationFrame(() => this.panes[this.store.view]?.el.focus());
  }

  render(): void {
    this.tabs.render(this.store);
  }
}
