// Wires the audit view, the trust dashboard and the view tabs into the panel: switches views, turns
// audit keys and buttons into verdict messages (written at once by the host), handles the host's
// audit state, results and dashboard data.
import type { HostMessage } from '../src/shared/protocol';
import type { AuditItem } from '../src/shared/auditData';
import { auditKeyAction, nextAwaiting, nextVerdict, type AuditKeyAction, type VerdictChange } from './auditKeys';
import { AuditView } from './auditView';
import { CategoryChooser, NoteDialog } from './auditDialogs';
import { Dashboard } from './dashboard';
import { ViewTabs, type View } from './viewTabs';
import type { Notices } from './notices';
import type { Store } from './store';
import { send } from './vscodeApi';

export interface AuditHooks {
  /** The panel's root: its data-view attribute hides the grid view's parts in the other views (CSS). */
  root: HTMLElement;
  /** Where the view tabs go (before the filter toolbar). */
  tabsBefore: Element;
  render(): void;
  requestDetail(id: string): void;
  help(): void;
  focusGrid(): void;
}

const unitKey = (i: Pick<AuditItem, 'id' | 'classifier'>) => `${i.id}\u0000${i.classifier}`;

export class AuditMode {
  private tabs: ViewTabs;
  private view: AuditView;
  private dashboard: Dashboard;
  private chooser: CategoryChooser;
  private note: NoteDialog;
  private held = new Map<string, VerdictChange>();
  private saving = new Map<number, string>();
  private nextRequest = 1;
  private dashTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(app: HTMLElement, private readonly store: Store, private readonly notices: Notices, private readonly hooks: AuditHooks) {
    this.tabs = new ViewTabs(app, hooks.tabsBefore, {
      show: (v, focus) => this.show(v, focus),
      startAudit: () => send({ type: 'startAudit' }),
      exportReport: () => send({ type: 'exportReport' }),
    });
    this.view = new AuditView(app, (a) => (a.kind === 'start' ? send({ type: 'startAudit' }) : a.kind === 'dashboard' ? this.show('dashboard') : this.act(a)));
    this.dashboard = new Dashboard(app, { refresh: () => this.requestDashboard(), exportReport: () => send({ type: 'exportReport' }) });
    const refocus = () => this.focusView();
    this.chooser = new CategoryChooser(document.body, refocus);
    this.note = new NoteDialog(document.body, refocus);
  }

  get modalOpen(): boolean {
    return this.chooser.open || this.note.open;
  }

  private get item(): AuditItem | undefined {
    return this.store.audit?.items[this.store.auditIndex];
  }

  show(v: View, focusContent = true): void {
    const s = this.store;
    if (v === 'dashboard' && s.view !== 'dashboard') this.requestDashboard();
    s.view = v;
    this.hooks.root.dataset.view = v;
    this.view.el.hidden = v !== 'audit';
    this.dashboard.el.hidden = v !== 'dashboard';
    this.hooks.render();
    if (!focusContent) return;
    if (v === 'grid') this.hooks.focusGrid();
    else this.focusView();
  }

  private focusView(): void {
    requestAnimationFrame(() => (this.store.view === 'audit' ? this.view.el : this.store.view === 'dashboard' ? this.dashboard.el : null)?.focus());
  }

  private requestDashboard(): void {
    this.store.dashboard = null;
    send({ type: 'requestDashboard' });
  }

  /** Sidecars changed (verdicts, reviews, the CLI): the dashboard on screen is recomputed. */
  sidecarsChanged(): void {
    if (this.store.view !== 'dashboard') return;
    clearTimeout(this.dashTimer);
    this.dashTimer = setTimeout(() => send({ type: 'requestDashboard' }), 400);
  }

  /** Handles the audit's host messages; false for the others. */
  onMessage(m: HostMessage): boolean {
    const s = this.store;
    switch (m.type) {
      case 'audit': {
        const fresh = m.audit?.sampleId !== s.audit?.sampleId;
        s.audit = m.audit;
        const n = m.audit?.items.length ?? 0;
        if (m.enter || fresh) s.auditIndex = Math.max(0, m.audit?.items.findIndex((i) => i.status === 'awaiting') ?? 0);
        s.auditIndex = Math.min(s.auditIndex, Math.max(0, n - 1));
        if (fresh) this.held.clear();
        if (m.enter) this.show('audit');
        this.sidecarsChanged();
        return true;
      }
      case 'auditResult': {
        this.saving.delete(m.requestId);
        if (m.error) this.notices.show(m.error === 'Nothing to undo.' ? 'info' : 'error', m.error === 'Nothing to undo.' ? m.error : `Verdict not saved: ${m.error}`, m.ok ? 3000 : 10000);
        if (m.undone) {
          const i = s.audit?.items.findIndex((x) => x.id === m.undone!.id && x.classifier === m.undone!.classifier) ?? -1;
          if (i >= 0) s.auditIndex = i;
          this.notices.show('info', `Undid the verdict on ${m.undone.id}.`, 3000);
        }
        return true;
      }
      case 'dashboard':
        s.dashboard = m.data;
        return true;
    }
    return false;
  }

  /** Keys of the audit view and the dashboard. True when the key was used. */
  onKey(e: KeyboardEvent): boolean {
    if (this.store.view === 'dashboard') {
      if (e.key === 'Escape') this.show('grid');
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
        return this.show('grid');
      case 'help':
        return this.hooks.help();
      case 'undo':
        return this.request({ type: 'auditUndo', requestId: this.nextRequest++ }, '');
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
        return this.apply(item, { categoryCorrect: true }, false);
      case 'categoryWrong': {
        const d = s.detail?.id === item.id ? s.detail : null;
        const predicted = d?.sidecar?.predictions[item.classifier]?.predicted_categories.map((c) => c.name) ?? [];
        const current = item.status === 'done' ? item.correctCategory : this.held.get(unitKey(item))?.correctCategory;
        return this.chooser.show(s.categories, predicted, current, (c) => this.apply(item, c === null ? { categoryCorrect: false } : { correctCategory: c }, false));
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
    this.request({ type: 'auditVerdict', requestId: this.nextRequest++, id: item.id, classifier: item.classifier, ...r.fields }, k);
    if (advance && this.store.audit) {
      const next = nextAwaiting(this.store.audit.items, this.store.auditIndex);
      if (next >= 0) this.store.auditIndex = next;
    }
    this.hooks.render();
  }

  private request(m: Parameters<typeof send>[0] & { requestId: number }, k: string): void {
    this.saving.set(m.requestId, k);
    send(m);
  }

  render(): void {
    const s = this.store;
    this.tabs.render(s);
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
    if (s.view === 'dashboard') this.dashboard.render(s.dashboard);
  }
}

const EMPTY: VerdictChange = {};
