// The audit view's behaviour: turns audit keys and buttons into verdict requests (written at once by
// the host), holds a category judgment until its evidence verdict (a zero-shot prediction's category
// verdict is saved alone: its evidence verdict is optional), and applies the host's audit
// state. View switching is views.ts's; the dashboard is dashboardMode.ts's.
import type { NotificationMessage, PanelView, VerdictParams } from '../src/shared/protocol';
import type { AuditItem } from '../src/shared/auditData';
import { auditKeyAction, evidenceOptional, nextAwaiting, nextVerdict, type AuditKeyAction, type VerdictChange } from './auditKeys';
import { AuditView } from './auditView';
import { CategoryChooser, NoteDialog } from './auditDialogs';
import type { Notices } from './notices';
import type { Store } from './store';
import { problemOf, rpc } from './rpc';

export interface AuditHooks {
  render(): void;
  requestDetail(id: string): void;
  help(): void;
  show(view: PanelView): void;
  startAudit(): void;
  /** Puts the focus back on the view (after a dialog). */
  refocus(): void;
}

const unitKey = (i: Pick<AuditItem, 'id' | 'classifier'>) => `${i.id}\u0000${i.classifier}`;

/** Owns the store's `audit` and `auditIndex`. */
export class AuditMode {
  private view: AuditView;
  private chooser: CategoryChooser;
  private note: NoteDialog;
  private held = new Map<string, VerdictChange>();
  private saving = new Map<number, string>();
  private nextSave = 1;

  constructor(app: HTMLElement, private readonly store: Store, private readonly notices: Notices, private readonly hooks: AuditHooks) {
    this.view = new AuditView(app, (a) => (a.kind === 'start' ? hooks.startAudit() : a.kind === 'dashboard' ? hooks.show('dashboard') : this.act(a)));
    this.chooser = new CategoryChooser(document.body, () => hooks.refocus());
    this.note = new NoteDialog(document.body, () => hooks.refocus());
  }

  get el(): HTMLElement {
    return this.view.el;
  }

  get modalOpen(): boolean {
    return this.chooser.open || this.note.open;
  }

  private get item(): AuditItem | undefined {
    return this.store.audit?.items[this.store.auditIndex];
  }

  /** The host's audit state (null: no sample). A new sample starts at its first awaiting unit. */
  onAudit(m: Extract<NotificationMessage, { type: 'audit' }>): void {
    const s = this.store;
    const fresh = m.audit?.sampleId !== s.audit?.sampleId;
    s.audit = m.audit;
    const n = m.audit?.items.length ?? 0;
    if (fresh) {
      this.held.clear();
      this.toFirstAwaiting();
    }
    s.auditIndex = Math.min(s.auditIndex, Math.max(0, n - 1));
  }

  /** The audit view is entered from Start Audit: begin at the first unit still awaiting a verdict. */
  toFirstAwaiting(): void {
    this.store.auditIndex = Math.max(0, this.store.audit?.items.findIndex((i) => i.status === 'awaiting') ?? 0);
  }

  /** Keys of the audit view and the dashboard. True when the key was used. */
  onKey(e: KeyboardEvent): boolean {
    if (this.store.view === 'dashboard') {
      if (e.key === 'Escape') this.hooks.show('grid');
      else if (e.key === '?') this.hooks.help();
      else return false;
      return true;
    }
    const a = auditKeyAction(e);
    if (!a) return false;
    this.act(a);
    return true;
  }

  private act(a: AuditKeyAction): void {
    const s = this.store;
    const n = s.audit?.items.length ?? 0;
    switch (a.kind) {
      case 'leave':
        return this.hooks.show('grid');
      case 'help':
        return this.hooks.help();
      case 'undo':
        return void this.undo();
      case 'move': {
        if (!n) return;
        const i = s.auditIndex;
        s.auditIndex = a.to === 'first' ? 0 : a.to === 'last' ? n - 1 : a.to === 'next' ? Math.min(n - 1, i + 1) : Math.max(0, i - 1);
        return this.hooks.render();
      }
    }
    const item = this.item;
    if (!item || item.status === 'missing') return;
    switch (a.kind) {
      case 'evidence':
        return this.apply(item, { verdict: a.verdict }, true);
      case 'skip':
        return this.apply(item, { verdict: 'skip' }, true);
      case 'categoryRight':
        // A zero-shot prediction is complete with its category verdict: save it and move on.
        return this.apply(item, { categoryCorrect: true }, evidenceOptional(item));
      case 'categoryWrong': {
        const d = s.detail?.id === item.id ? s.detail : null;
        const predicted = d?.sidecar?.predictions[item.classifier]?.predicted_categories.map((c) => c.name) ?? [];
        const current = item.status === 'done' ? item.correctCategory : this.held.get(unitKey(item))?.correctCategory;
        return this.chooser.show(s.categories, predicted, current, (c) => this.apply(item, c === null ? { categoryCorrect: false } : { correctCategory: c }, evidenceOptional(item)));
      }
      case 'note': {
        const current = item.note ?? this.held.get(unitKey(item))?.note ?? '';
        return this.note.show(current, (text) => this.apply(item, { note: text }, false));
      }
    }
  }

  /** Applies a change: writes the verdict when there is one (then moves on if asked), else holds it. */
  private apply(item: AuditItem, change: VerdictChange, advance: boolean): void {
    const k = unitKey(item);
    const r = nextVerdict(item, this.held.get(k) ?? {}, change);
    if (!r.fields) {
      this.held.set(k, r.held);
      return this.hooks.render();
    }
    this.held.delete(k);
    void this.verdict({ id: item.id, classifier: item.classifier, ...r.fields }, k);
    if (advance && this.store.audit) {
      const next = nextAwaiting(this.store.audit.items, this.store.auditIndex);
      if (next >= 0) this.store.auditIndex = next;
    }
    this.hooks.render();
  }

  private async verdict(params: VerdictParams, k: string): Promise<void> {
    const n = this.nextSave++;
    this.saving.set(n, k);
    try {
      await rpc.sendRequest('auditVerdict', params);
    } catch (e) {
      this.notices.show('error', `Verdict not saved: ${problemOf(e).message}`, 10000);
    } finally {
      this.saving.delete(n);
      this.hooks.render();
    }
  }

  private async undo(): Promise<void> {
    try {
      const undone = await rpc.sendRequest('auditUndo', {});
      const i = this.store.audit?.items.findIndex((x) => x.id === undone.id && x.classifier === undone.classifier) ?? -1;
      if (i >= 0) this.store.auditIndex = i;
      this.notices.show('info', `Undid the verdict on ${undone.id}.`, 3000);
    } catch (e) {
      const p = problemOf(e);
      if (p.code === 'nothingToUndo') this.notices.show('info', 'Nothing to undo.', 3000);
      else this.notices.show('error', `Verdict not undone: ${p.message}`, 10000);
    }
    this.hooks.render();
  }

  render(): void {
    const s = this.store;
    if (s.view === 'audit') {
      const item = this.item;
      if (item) this.hooks.requestDetail(item.id);
      const k = item ? unitKey(item) : '';
      this.view.render({
        audit: s.audit,
        index: s.auditIndex,
        detail: s.detail,
        held: this.held.get(k) ?? EMPTY,
        saving: [...this.saving.values()].includes(k),
        categories: s.categories,
      });
    }
  }
}

const EMPTY: VerdictChange = {};
