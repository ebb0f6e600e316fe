// The keyboard shortcut sheet (?), a modal dialog generated from the same tables the keys use:
// the image grid's and audit mode's.
import { h } from './dom';
import { SHORTCUTS } from './keyboard';
import { AUDIT_SHORTCUTS } from './auditKeys';
import { CLUSTER_SHORTCUTS } from './clusterKeys';

export class ShortcutSheet {
  private dialog: HTMLDialogElement;

  constructor(parent: HTMLElement, onClose: () => void) {
    const rows = (list: typeof SHORTCUTS) => list.map((s) => h('tr', {}, h('th', { scope: 'row' }, h('kbd', {}, s.keys)), h('td', {}, s.action)));
    const close = h('vscode-button', { 'data-act': 'close', 'aria-label': 'Close the shortcut sheet' }, 'Close');
    this.dialog = h(
      'dialog',
      { class: 'shortcuts', 'aria-labelledby': 'shortcuts-title' },
      h('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'),
      h('h3', {}, 'Images'),
      h('table', { 'aria-label': 'Image grid shortcuts' }, h('tbody', {}, ...rows(SHORTCUTS))),
      h('h3', {}, 'Clusters'),
      h('table', { 'aria-label': 'Clusters view shortcuts' }, h('tbody', {}, ...rows(CLUSTER_SHORTCUTS))),
      h('h3', {}, 'Audit mode'),
      h('table', { 'aria-label': 'Audit mode shortcuts' }, h('tbody', {}, ...rows(AUDIT_SHORTCUTS))),
      h('div', { class: 'dialog-buttons' }, close),
    );
    parent.append(this.dialog);
    close.addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', onClose);
    this.dialog.addEventListener('keydown', (e) => {
      if (e.key === '?') {
        e.preventDefault();
        this.dialog.close();
      }
      e.stopPropagation();
    });
  }

  get open(): boolean {
    return this.dialog.open;
  }
  toggle(): void {
    if (this.dialog.open) this.dialog.close();
    else this.dialog.showModal();
  }
}
