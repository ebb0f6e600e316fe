// The audit view's two small modal dialogs, both keyboard operable: the right-category chooser
// (digits pick, arrows move, Enter chooses, Esc cancels) and the note editor (Enter saves, Esc
// cancels). Native <dialog> so focus stays inside while open.
import type { CategoryInfo } from '../src/shared/protocol';
import { h, replace } from './dom';

/** `null` from the chooser: the category is wrong and none of the set is right. */
export type Choice = string | null;

export class CategoryChooser {
  private dialog: HTMLDialogElement;
  private list: HTMLElement;
  private onPick: ((c: Choice) => void) | null = null;

  constructor(parent: HTMLElement, onClose: () => void) {
    this.list = h('div', { class: 'chooser-list', role: 'group', 'aria-label': 'Categories' });
    const cancel = h('vscode-button', { appearance: 'secondary', 'data-act': 'cancel', 'aria-label': 'Cancel (Esc)' }, 'Cancel');
    this.dialog = h(
      'dialog',
      { class: 'chooser', 'aria-labelledby': 'chooser-title' },
      h('h2', { id: 'chooser-title' }, 'The right category'),
      h('p', { class: 'muted' }, 'Press its number, or move with the arrows and press Enter. Esc cancels.'),
      this.list,
      h('div', { class: 'dialog-buttons' }, cancel),
    );
    parent.append(this.dialog);
    cancel.addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', onClose);
    this.list.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-choice]');
      if (b && !b.disabled) this.pick(b.dataset.choice === '' ? null : b.dataset.choice!);
    });
    this.dialog.addEventListener('keydown', (e) => {
      e.stopPropagation();
      const buttons = Array.from(this.list.querySelectorAll<HTMLButtonElement>('button:not([disabled])'));
      if (/^[0-9]$/.test(e.key)) {
        const b = this.list.querySelector<HTMLButtonElement>(`button[data-key="${e.key}"]:not([disabled])`);
        e.preventDefault();
        if (b) this.pick(b.dataset.choice === '' ? null : b.dataset.choice!);
        return;
      }
      if (['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight'].includes(e.key)) {
        e.preventDefault();
        const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
        const d = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : -1;
        buttons[(i + d + buttons.length) % buttons.length]?.focus();
      }
    });
  }

  get open(): boolean {
    return this.dialog.open;
  }

  show(categories: CategoryInfo[], predicted: string[], current: string | undefined, onPick: (c: Choice) => void): void {
    this.onPick = onPick;
    const items = categories.map((c, i) => {
      const isPredicted = predicted.length === 1 && predicted[0] === c.name;
      return h(
        'button',
        {
          class: `choice${c.name === current ? ' current' : ''}`,
          'data-choice': c.name,
          'data-key': i < 9 ? String(i + 1) : null,
          disabled: isPredicted,
          title: c.description,
          'aria-label': `${c.name}${isPredicted ? ' (the predicted category)' : ''}${i < 9 ? `, key ${i + 1}` : ''}`,
        },
        i < 9 ? h('kbd', {}, String(i + 1)) : null,
        ` ${c.name}`,
        isPredicted ? h('span', { class: 'muted' }, ' (predicted)') : null,
      );
    });
    const none = h('button', { class: 'choice', 'data-choice': '', 'data-key': '0', 'aria-label': 'None of these categories, key 0' }, h('kbd', {}, '0'), ' none of these');
    replace(this.list, ...items, none);
    this.dialog.showModal();
    (this.list.querySelector<HTMLButtonElement>('button:not([disabled])') ?? none).focus();
  }

  private pick(c: Choice): void {
    const fn = this.onPick;
    this.onPick = null;
    this.dialog.close();
    fn?.(c);
  }
}

export class NoteDialog {
  private dialog: HTMLDialogElement;
  private input: HTMLInputElement;
  private onSave: ((text: string) => void) | null = null;

  constructor(parent: HTMLElement, onClose: () => void) {
    this.input = h('input', { type: 'text', class: 'note-input', maxlength: '2000', 'aria-label': 'Note on this audit verdict' });
    const save = h('vscode-button', { 'data-act': 'save', 'aria-label': 'Save the note (Enter)' }, 'Save');
    const cancel = h('vscode-button', { appearance: 'secondary', 'data-act': 'cancel', 'aria-label': 'Cancel (Esc)' }, 'Cancel');
    this.dialog = h(
      'dialog',
      { class: 'note-dialog', 'aria-labelledby': 'note-title' },
      h('h2', { id: 'note-title' }, 'Note'),
      this.input,
      h('div', { class: 'dialog-buttons' }, cancel, save),
    );
    parent.append(this.dialog);
    save.addEventListener('click', () => this.save());
    cancel.addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', onClose);
    this.dialog.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter' && e.target === this.input) {
        e.preventDefault();
        this.save();
      }
    });
  }

  get open(): boolean {
    return this.dialog.open;
  }

  show(initial: string, onSave: (text: string) => void): void {
    this.onSave = onSave;
    this.input.value = initial;
    this.dialog.showModal();
    this.input.focus();
    this.input.select();
  }

  private save(): void {
    const fn = this.onSave;
    this.onSave = null;
    const text = this.input.value;
    this.dialog.close();
    fn?.(text);
  }
}
