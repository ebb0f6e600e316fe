// Filters (category, confidence, review status, review queue, errors, label issues), sort, "select
// all in filter", and the shortcut sheet button; under them, what a label-issue filter found. Toolkit dropdowns/checkboxes; each control has an accessible name.
import type { CategoryInfo } from '../src/shared/protocol';
import { h, replace, setText } from './dom';
import { NO_LABEL, type FilterState } from './filters';
import { controlValue, isChecked } from './toolkit';

export interface ToolbarActions {
  setFilter(patch: Partial<FilterState>): void;
  selectAll(): void;
  help(): void;
}

function dropdown(label: string, key: string, options: [string, string][]): HTMLElement {
  const dd = h('vscode-dropdown', { 'aria-label': label, title: label, 'data-filter': key, class: 'filter' });
  for (const [value, text] of options) dd.append(h('vscode-option', { value }, text));
  return dd;
}

export class Toolbar {
  readonly el: HTMLElement;
  private category: HTMLElement;
  private catKey = '';
  private issueInfo: HTMLElement;
  private issueText: HTMLElement;
  private issueFocus: HTMLElement;

  constructor(parent: HTMLElement, private readonly actions: ToolbarActions) {
    this.category = dropdown('Filter by category', 'category', [['', 'All categories']]);
    const confidence = dropdown('Filter by confidence', 'confidence', [
      ['', 'Any confidence'],
      ['high', 'High confidence'],
      ['medium', 'Medium confidence'],
      ['low', 'Low confidence'],
      ['none', 'No category fits'],
    ]);
    const status = dropdown('Filter by review status', 'status', [
      ['', 'Any status'],
      ['pending', 'Pending'],
      ['accepted', 'Accepted'],
      ['overridden', 'Overridden'],
      ['rejected', 'Rejected'],
      ['stale', 'Stale'],
      ['auto-accepted', 'Auto-accepted (certified)'],
    ]);
    const sort = dropdown('Sort', 'sort', [
      ['name', 'Sort by name'],
      ['score', 'Sort by score'],
      ['margin', 'Sort by margin (uncertain first)'],
    ]);
    const issue = dropdown('Filter by label issue', 'issue', [
      ['', 'No label-issue filter'],
      ['suspect', 'Suspect labels'],
      ['duplicates', 'Near duplicates'],
    ]);
    const queue = h('vscode-checkbox', { 'data-filter': 'reviewQueue', 'aria-label': 'Only the review queue' }, 'Review queue');
    const errors = h('vscode-checkbox', { 'data-filter': 'errorsOnly', 'aria-label': 'Only images with errors' }, 'Errors');
    const disagreed = h('vscode-checkbox', { 'data-filter': 'vlmDisagreed', 'aria-label': 'Only images where the VLM disagreed with zero-shot' }, 'VLM disagreed with zero-shot');
    const selectAll = h('vscode-button', { appearance: 'secondary', 'data-act': 'selectAll', 'aria-label': 'Select all images in the filter (Ctrl+A)' }, 'Select all in filter');
    const help = h('vscode-button', { appearance: 'icon', 'data-act': 'help', 'aria-label': 'Keyboard shortcuts (?)', title: 'Keyboard shortcuts (?)' }, '?');
    this.issueText = h('span', { class: 'issue-text' });
    this.issueFocus = h('span', { class: 'issue-focus' });
    this.issueInfo = h('div', { class: 'issue-info', role: 'status', 'aria-live': 'polite', hidden: true }, this.issueText, this.issueFocus);
    this.el = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Filters and sort' },
      this.category, confidence, status, issue, queue, errors, disagreed, h('span', { class: 'spacer' }), sort, selectAll, help, this.issueInfo);
    parent.append(this.el);
    this.el.addEventListener('change', (e) => {
      const t = (e.target as HTMLElement).closest<HTMLElement>('[data-filter]');
      if (!t) return;
      const key = t.dataset.filter as keyof FilterState;
      if (key === 'reviewQueue' || key === 'errorsOnly' || key === 'vlmDisagreed') this.actions.setFilter({ [key]: isChecked(t) });
      else this.actions.setFilter({ [key]: controlValue(t) } as Partial<FilterState>);
    });
    this.el.addEventListener('click', (e) => {
      const act = (e.target as HTMLElement).closest<HTMLElement>('[data-act]')?.dataset.act;
      if (act === 'selectAll') this.actions.selectAll();
      if (act === 'help') this.actions.help();
    });
  }

  /**
   * Rebuilds the category options when the categories change; reflects the filter's values; shows
   * what the label-issue filter found (and what it says about the focused image).
   */
  render(categories: CategoryInfo[], f: FilterState, issueSummary = '', focusedIssue: string | null = null): void {
    this.issueInfo.hidden = !f.issue;
    setText(this.issueText, issueSummary);
    setText(this.issueFocus, focusedIssue ?? '');
    const key = categories.map((c) => c.name).join('\n');
    if (key !== this.catKey) {
      this.catKey = key;
      replace(
        this.category,
        h('vscode-option', { value: '' }, 'All categories'),
        ...categories.map((c) => h('vscode-option', { value: c.name }, c.name)),
        h('vscode-option', { value: NO_LABEL }, 'No label'),
      );
    }
    for (const el of Array.from(this.el.querySelectorAll<HTMLElement>('[data-filter]'))) {
      const k = el.dataset.filter as keyof FilterState;
      const v = f[k];
      const ctl = el as unknown as { value?: string; checked?: boolean };
      if (typeof v === 'boolean') {
        if (ctl.checked !== v) ctl.checked = v;
      } else if (ctl.value !== v) {
        ctl.value = v;
      }
    }
  }
}
