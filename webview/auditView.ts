// Audit mode: one sampled prediction at a time, the image large, with what the classifier claimed
// (visual evidence, decision basis) and what produced it (classifier, checkpoint, prompt version);
// progress through the sample; the verdict buttons, each with its key. Text only, never markup.
import type { Prediction } from '../src/core/types';
import type { AuditItem, AuditState } from '../src/shared/auditData';
import type { CategoryInfo } from '../src/shared/protocol';
import { evidenceOptional, type AuditKeyAction, type VerdictChange } from './auditKeys';
import { h, replace } from './dom';
import type { Detail } from './store';

export interface AuditViewModel {
  audit: AuditState | null;
  index: number;
  detail: Detail | null;
  held: VerdictChange;
  saving: boolean;
  categories: CategoryInfo[];
}

const VERDICT_TEXT: Record<string, string> = { accurate: 'evidence accurate', partly: 'evidence partly right', hallucinated: 'evidence hallucinated', skip: 'skipped' };

function keyButton(act: string, key: string, text: string, pressed: boolean | null, label: string, extra: Record<string, string> = {}): HTMLElement {
  return h(
    'vscode-button',
    { 'data-act': act, appearance: pressed ? 'primary' : 'secondary', 'aria-pressed': pressed === null ? null : String(pressed), 'aria-label': `${label} (${key})`, title: `${label} (${key})`, ...extra },
    h('kbd', {}, key),
    ` ${text}`,
  );
}

/** What the auditor has said about the item: recorded, or held until the evidence verdict. */
export function verdictSummary(item: AuditItem, held: VerdictChange): string {
  const parts: string[] = [];
  const category = (right: boolean | undefined, name: string | undefined) =>
    right === true ? 'category right' : right === false ? (name ? `category wrong (right: ${name})` : 'category wrong (none of these)') : '';
  if (item.status === 'done') {
    parts.push(`Recorded: ${item.verdict ? VERDICT_TEXT[item.verdict] : 'no evidence verdict'}`);
    const c = category(item.categoryCorrect, item.correctCategory);
    if (c) parts.push(c);
    if (item.by) parts.push(`by ${item.by}${item.at ? ` at ${new Date(item.at).toLocaleString()}` : ''}`);
  } else if (item.status === 'missing') {
    parts.push('This image’s audit entry is gone from its sidecar (deleted or changed elsewhere).');
  } else {
    parts.push('Awaiting a verdict');
    const c = category(held.categoryCorrect, held.correctCategory);
    if (c) parts.push(`${c} (saved with the evidence verdict)`);
    if (evidenceOptional(item)) parts.push('zero-shot: c (right) or w (wrong) is enough; the evidence verdict is optional');
  }
  return parts.join(' · ');
}

function claims(p: Prediction | undefined): Node[] {
  if (!p) return [h('p', { class: 'muted' }, 'This prediction is no longer in the sidecar.')];
  const facts = h('dl', { class: 'facts' });
  const row = (k: string, v: Node | string) => facts.append(h('dt', {}, k), h('dd', {}, v));
  row('Classifier', p.classifier === 'vlm' ? 'vision-language model' : 'zero-shot');
  row('Checkpoint', h('code', { class: 'checkpoint' }, p.checkpoint));
  row('Prompt version', p.prompt_version ?? (p.classifier === 'zero-shot' ? 'n/a (zero-shot templates)' : '—'));
  const pred = p.predicted_categories.length ? p.predicted_categories.map((c) => `${c.name} (score ${c.score}, ${c.confidence})`).join(', ') : 'nothing fits';
  row('Predicted', h('strong', { class: 'audit-predicted' }, pred));
  const ev = h('ul', { class: 'evidence audit-evidence', 'aria-label': 'Visual evidence' });
  for (const c of p.predicted_categories) ev.append(h('li', {}, h('strong', {}, c.name), ': ', c.visual_evidence || '—'));
  if (!p.predicted_categories.length) ev.append(h('li', { class: 'muted' }, 'no category chosen, so no evidence'));
  const out: Node[] = [facts, h('h3', {}, 'Visual evidence'), ev, h('h3', {}, 'Decision basis'), h('p', { class: 'audit-basis' }, p.decision_basis || '—')];
  const flags = p.flags ?? [];
  if (flags.length) out.push(h('p', { class: 'audit-flags' }, `Flags: ${flags.map((f) => f.kind).join(', ')}`));
  return out;
}

export class AuditView {
  readonly el: HTMLElement;
  private key: unknown[] = [];

  constructor(parent: HTMLElement, onAction: (a: AuditKeyAction | { kind: 'start' } | { kind: 'dashboard' }) => void) {
    this.el = h('section', { class: 'audit', 'aria-label': 'Audit', tabindex: '-1', hidden: true });
    parent.append(this.el);
    this.el.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>('[data-act]');
      if (!b || b.hasAttribute('disabled')) return;
      const act = b.dataset.act!;
      if (act === 'evidence') onAction({ kind: 'evidence', verdict: b.dataset.verdict as 'accurate' | 'partly' | 'hallucinated' });
      else if (act === 'move') onAction({ kind: 'move', to: b.dataset.to as 'prev' | 'next' });
      else onAction({ kind: act } as AuditKeyAction);
    });
  }

  render(vm: AuditViewModel): void {
    const item = vm.audit?.items[vm.index];
    const detail = item && vm.detail?.id === item.id ? vm.detail : null;
    const key = [vm.audit, vm.index, detail, vm.held, vm.saving, vm.categories];
    if (key.every((k, i) => k === this.key[i])) return;
    this.key = key;
    if (!vm.audit || !vm.audit.items.length || !item) {
      replace(
        this.el,
        h('div', { class: 'audit-empty' },
          h('h2', {}, 'No audit in progress'),
          h('p', {}, 'An audit draws a seeded, stratified sample of this folder’s predictions and asks you, one image at a time, whether the visual evidence is accurate and the category right. The trust dashboard turns the verdicts into rates with 95% intervals.'),
          h('vscode-button', { 'data-act': 'start', 'aria-label': 'Start an audit: draw a sample' }, 'Start audit…')),
      );
      return;
    }
    const a = vm.audit;
    const total = a.items.length;
    const bar = h('span', { class: 'audit-bar-fill' });
    bar.style.width = `${((100 * a.done) / total).toFixed(1)}%`;
    const top = h(
      'div',
      { class: 'audit-top' },
      h('div', { class: 'audit-progress', role: 'status', 'aria-live': 'polite' },
        h('strong', { class: 'audit-count' }, `${a.done} / ${total} audited`),
        h('span', { class: 'muted' }, ` · image ${vm.index + 1} of ${total} · sample ${a.sampleId}${a.seed !== null ? ` · seed ${a.seed}` : ''}${a.population !== null ? ` · drawn from ${a.population} predictions` : ''}`),
      ),
      h('span', { class: 'audit-bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': String(total), 'aria-valuenow': String(a.done), 'aria-label': 'Audited' }, bar),
      h('div', { class: 'audit-nav' },
        h('vscode-button', { appearance: 'secondary', 'data-act': 'move', 'data-to': 'prev', 'aria-label': 'Previous image (←)' }, '← Previous'),
        h('vscode-button', { appearance: 'secondary', 'data-act': 'move', 'data-to': 'next', 'aria-label': 'Next image (→)' }, 'Next →'),
        h('vscode-button', { appearance: 'secondary', 'data-act': 'dashboard', 'aria-label': 'Open the trust dashboard' }, 'Dashboard'),
        h('vscode-button', { appearance: 'secondary', 'data-act': 'leave', 'aria-label': 'Leave audit mode (Esc)' }, 'Leave (Esc)'),
      ),
    );
    const name = item.id.slice(item.id.lastIndexOf('/') + 1);
    const figure = h('figure', { class: 'audit-image' });
    if (detail?.src) figure.append(h('img', { src: detail.src, alt: `Image ${name}` }));
    else figure.append(h('div', { class: 'thumb-placeholder loading' }, detail ? 'no preview' : 'loading…'));
    const pred = detail?.sidecar?.predictions[item.classifier] ?? undefined;
    const done = item.status === 'done';
    const cat = done ? item.categoryCorrect : vm.held.categoryCorrect;
    const right = done ? item.correctCategory : vm.held.correctCategory;
    const buttons = h(
      'div',
      { class: 'verdicts' },
      h('div', { class: 'verdict-group', role: 'group', 'aria-label': 'Visual evidence' },
        h('span', { class: 'verdict-q' }, evidenceOptional(item) ? 'Evidence (optional)' : 'Evidence'),
        keyButton('evidence', '1', 'Accurate', done && item.verdict === 'accurate', 'Evidence accurate', { 'data-verdict': 'accurate' }),
        keyButton('evidence', '2', 'Partly', done && item.verdict === 'partly', 'Evidence partly right', { 'data-verdict': 'partly' }),
        keyButton('evidence', '3', 'Hallucinated', done && item.verdict === 'hallucinated', 'Evidence hallucinated', { 'data-verdict': 'hallucinated' }),
      ),
      h('div', { class: 'verdict-group', role: 'group', 'aria-label': 'Category' },
        h('span', { class: 'verdict-q' }, 'Category'),
        keyButton('categoryRight', 'c', 'Right', cat === true, 'Category right'),
        keyButton('categoryWrong', 'w', right ? `Wrong → ${right}` : 'Wrong…', cat === false, 'Category wrong: choose the right one'),
      ),
      h('div', { class: 'verdict-group', role: 'group', 'aria-label': 'More' },
        keyButton('skip', 's', 'Skip', done && item.verdict === 'skip', 'Skip this image'),
        keyButton('note', 'n', item.note ? 'Edit note' : 'Note…', null, 'Add a note'),
        keyButton('undo', 'u', 'Undo', null, 'Undo the last verdict'),
      ),
    );
    const status = h('p', { class: `audit-status${done ? ' done' : ''}`, role: 'status' }, vm.saving ? 'Saving…' : verdictSummary(item, vm.held));
    const facts = h(
      'div',
      { class: 'audit-facts' },
      h('h2', { class: 'audit-title', title: item.id }, name),
      item.id !== name ? h('div', { class: 'detail-path' }, item.id) : null,
      buttons,
      status,
      item.note ? h('p', { class: 'audit-note' }, h('strong', {}, 'Note: '), item.note) : null,
      ...(detail ? claims(pred) : [h('p', { class: 'muted' }, 'loading…')]),
    );
    replace(this.el, top, h('div', { class: 'audit-body', 'data-id': item.id, 'data-classifier': item.classifier, 'data-status': item.status }, figure, facts));
  }
}
