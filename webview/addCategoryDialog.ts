// "Add category…" from a cluster: a modal dialog asking for a name and a description. Checked here
// for emptiness; the host applies the categories file's own rules and its refusal is shown in the
// dialog, which stays open to fix it. Enter in the name moves on, Ctrl+Enter adds, Esc cancels.
import type { AddCategoryResult } from '../src/shared/protocol';
import { h, setText } from './dom';
import { problemOf } from './rpc';

export type AddCategory = (name: string, description: string) => Promise<AddCategoryResult>;

export class AddCategoryDialog {
  private dialog: HTMLDialogElement;
  private name: HTMLInputElement;
  private description: HTMLTextAreaElement;
  private context: HTMLElement;
  private error: HTMLElement;
  private submit: HTMLButtonElement;
  private onAdded: ((r: AddCategoryResult, name: string) => void) | null = null;

  constructor(parent: HTMLElement, private readonly add: AddCategory, onClose: () => void) {
    this.name = h('input', { id: 'add-cat-name', class: 'add-cat-name', type: 'text', maxlength: 64, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'add-cat-error' });
    this.description = h('textarea', { id: 'add-cat-description', class: 'add-cat-description', rows: 3, maxlength: 2000, 'aria-describedby': 'add-cat-error' });
    this.context = h('p', { class: 'muted add-cat-context' });
    this.error = h('p', { id: 'add-cat-error', class: 'add-cat-error', role: 'alert' });
    this.submit = h('button', { class: 'primary', type: 'submit', 'data-act': 'add-category-submit' }, 'Add and re-score');
    const cancel = h('button', { type: 'button', 'data-act': 'add-category-cancel' }, 'Cancel');
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'add-cat-title' }, 'Add a category'),
      this.context,
      h('label', { for: 'add-cat-name' }, 'Name (the label written to sidecars; unique, at most 64 characters)'),
      this.name,
      h('label', { for: 'add-cat-description' }, 'Description (what an image of this category shows; the model reads it)'),
      this.description,
      this.error,
      h('p', { class: 'muted' }, 'Writes the category into categories.json (the rest of the file is kept), then re-scores the folder from the cached embeddings. Reviewed images keep their labels and are marked stale, since the categories changed. Ctrl+Enter adds, Esc cancels.'),
      h('div', { class: 'dialog-buttons' }, cancel, this.submit),
    );
    this.dialog = h('dialog', { class: 'add-category', 'aria-labelledby': 'add-cat-title' }, form);
    parent.append(this.dialog);
    cancel.addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', onClose);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    this.dialog.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.send();
      } else if (e.key === 'Enter' && e.target === this.name) {
        e.preventDefault();
        this.description.focus();
      }
    });
  }

  get open(): boolean {
    return this.dialog.open;
  }

  /** Opens the dialog; `context` says which cluster it comes from. */
  show(context: string, onAdded: (r: AddCategoryResult, name: string) => void): void {
    this.onAdded = onAdded;
    setText(this.context, context);
    setText(this.error, '');
    this.name.value = '';
    this.description.value = '';
    this.submit.disabled = false;
    this.dialog.showModal();
    this.name.focus();
  }

  private async send(): Promise<void> {
    const name = this.name.value.trim();
    const description = this.description.value.trim();
    if (!name) return this.refuse('Type a name for the category.', this.name);
    if (!description) return this.refuse('Type a description: zero-shot models read it to score the category.', this.description);
    this.submit.disabled = true;
    setText(this.error, 'Adding…');
    try {
      const r = await this.add(name, description);
      this.dialog.close();
      this.onAdded?.(r, name);
    } catch (e) {
      this.refuse(problemOf(e).message, this.name);
    } finally {
      this.submit.disabled = false;
    }
  }

  private refuse(message: string, field: HTMLElement): void {
    setText(this.error, message);
    field.focus();
  }
}
