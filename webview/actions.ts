// Decisions, undo and redo: turns the selection into `decide` / `undo` / `redo` commands and handles
// the host's answers (conflicts with changes on disk are reported, never papered over).
import type { Decision, HostMessageOf } from '../src/shared/protocol';
import { send } from './vscodeApi';
import { currentLabels } from './filters';
import { targetsOf } from './selection';
import type { Notices } from './notices';
import type { Store } from './store';

type Pending = { kind: 'decide' | 'undo' | 'redo'; label: string; ids: string[]; changeId?: number };

function plural(n: number, what = 'image'): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

export class Actions {
  private nextRequest = 1;
  private pending = new Map<number, Pending>();
  private waiting: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly notices: Notices,
    private readonly focusImage: (id: string) => void,
  ) {}

  accept(): void {
    const ids = this.targets();
    const ok = ids.filter((id) => this.store.images.get(id)?.classified);
    if (!ok.length) return this.notices.show('info', 'Nothing to accept: the selected image has no prediction yet. Assign a category with 1–9 instead.');
    if (ok.length < ids.length) this.notices.show('info', `${plural(ids.length - ok.length)} without a prediction left out.`);
    this.decide({ action: 'accept' }, ok, `accept ${plural(ok.length)}`);
  }

  reject(): void {
    const ids = this.targets();
    if (ids.length) this.decide({ action: 'reject' }, ids, `reject ${plural(ids.length)}`);
  }

  assign(index: number): void {
    const cat = this.store.categories[index];
    if (!cat) return this.notices.show('info', `There is no category ${index + 1}: this set has ${this.store.categories.length}.`);
    const ids = this.targets();
    if (!ids.length) return;
    if (this.store.mode === 'multi_label') {
      const all = ids.every((id) => currentLabels(this.store.images.get(id)!).includes(cat.name));
      this.decide({ action: 'toggle', label: cat.name, on: !all }, ids, `${all ? 'remove' : 'add'} ${cat.name} on ${plural(ids.length)}`, false);
    } else {
      this.decide({ action: 'label', labels: [cat.name] }, ids, `label ${plural(ids.length)} ${cat.name}`);
    }
  }

  /** Undo/redo wait until every decision sent so far is answered, so they act on the latest change. */
  undo(): void {
    if (this.busy()) return this.later(() => this.undo());
    const e = this.store.undo.peekUndo();
    if (!e) return this.notices.show('info', 'Nothing to undo.', 3000);
    this.request({ type: 'undo', changeId: e.changeId }, { kind: 'undo', label: e.label, ids: e.ids, changeId: e.changeId });
  }

  redo(): void {
    if (this.busy()) return this.later(() => this.redo());
    const e = this.store.undo.peekRedo();
    if (!e) return this.notices.show('info', 'Nothing to redo.', 3000);
    this.request({ type: 'redo', changeId: e.changeId }, { kind: 'redo', label: e.label, ids: e.ids, changeId: e.changeId });
  }

  onWriteResult(m: HostMessageOf<'writeResult'>): void {
    const p = this.pending.get(m.requestId);
    this.pending.delete(m.requestId);
    if (!p) return;
    this.handle(m, p);
    if (!this.busy()) for (const fn of this.waiting.splice(0)) fn();
  }

  private busy(): boolean {
    return this.pending.size > 0;
  }

  private later(fn: () => void): void {
    this.waiting.push(fn);
  }

  private handle(m: HostMessageOf<'writeResult'>, p: Pending): void {
    const names = (ids: string[]) => ids.slice(0, 3).join(', ') + (ids.length > 3 ? ` and ${ids.length - 3} more` : '');
    if (m.error) this.notices.show('error', `Could not ${p.kind === 'decide' ? p.label : `${p.kind} "${p.label}"`}: ${m.error}`);
    if (p.kind === 'decide') {
      if (m.changeId !== undefined) this.store.undo.push({ changeId: m.changeId, label: p.label, ids: p.ids.filter((id) => !m.conflicts.includes(id)) });
      if (m.conflicts.length) {
        this.store.advanceFrom = null;
        this.notices.show('warning', `Not saved for ${names(m.conflicts)}: the sidecar changed on disk since the panel showed it. The panel now shows the version on disk; decide again.`, 15000);
      }
      return;
    }
    if (m.conflicts.length || !m.ok) {
      if (p.changeId !== undefined) this.store.undo.drop(p.changeId);
      if (m.conflicts.length) this.notices.show('warning', `Cannot ${p.kind} "${p.label}": ${names(m.conflicts)} changed on disk since. Nothing was restored.`, 15000);
      return;
    }
    if (p.kind === 'undo') this.store.undo.committedUndo(p.changeId!);
    else this.store.undo.committedRedo(p.changeId!);
    this.notices.show('info', `${p.kind === 'undo' ? 'Undid' : 'Redid'}: ${p.label}.`, 3000);
    if (p.ids.length) this.focusImage(p.ids[0]);
  }

  private targets(): string[] {
    return targetsOf(this.store.selection, this.store.order);
  }

  private decide(decision: Decision, ids: string[], label: string, advance = true): void {
    const targets = ids.map((id) => ({ id, rev: this.store.images.get(id)!.rev }));
    this.store.advanceFrom = advance && ids.length === 1 ? ids[0] : null;
    this.request({ type: 'decide', decision, targets }, { kind: 'decide', label, ids });
  }

  private request(
    m: { type: 'decide'; decision: Decision; targets: { id: string; rev: string }[] } | { type: 'undo' | 'redo'; changeId: number },
    p: Pending,
  ): void {
    const requestId = this.nextRequest++;
    this.pending.set(requestId, p);
    send({ ...m, requestId });
  }
}
