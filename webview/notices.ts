// Transient messages (conflicts, refused writes, external changes), announced to screen readers.
import { h } from './dom';

export class Notices {
  readonly el: HTMLElement;
  constructor(parent: HTMLElement) {
    this.el = h('div', { class: 'notices', role: 'log', 'aria-live': 'polite', 'aria-label': 'Notices' });
    parent.append(this.el);
  }

  show(level: 'info' | 'warning' | 'error', text: string, ms = 8000): void {
    const n = h('div', { class: `notice notice-${level}` }, h('span', {}, text));
    const close = h('button', { class: 'notice-close', 'aria-label': 'Dismiss' }, '×');
    close.addEventListener('click', () => n.remove());
    n.append(close);
    this.el.append(n);
    while (this.el.children.length > 4) this.el.firstElementChild!.remove();
    if (ms > 0) setTimeout(() => n.remove(), ms);
  }
}
