// Decisions, undo and redo: turns the selection into `decide` / `undo` / `redo` requests and handles
// their answers (conflicts with changes on disk are reported, never papered over; a refused or
// failed request is shown and the keys keep working).
import { canAccept, currentLabels, nothingToAccept, type Decision, type RequestParams, type WriteResult } from '../src/shared/protocol';
import { problemOf, rpc as panelRpc, type Rpc } from './rpc';
import { targetsOf } from './selection';
import type { Notices } from './notices';
import type { Store } from './store';

type Pending = { kind: 'decide' | 'undo' | 'redo'; label: string; ids: string[]; changeId?: number };

function plural(n: number, what = 'image'): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** Writes the store's undo stack and `advanceFrom` (see store.ts for who writes what). */
export class Actions {
  private inFlight = 0;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly notices: Notices,
    private readonly focusImage: (id: string) => void,
    private readonly rpc: Rpc = panelRpc,
  ) {}

  accept(): void {
    const ids = this.targets();
    const ok = ids.filter((id) => canAccept(this.store.images.get(id)!));
    if (!ok.length) return ids.length ? this.notices.show('info', nothingToAccept(ids[0])) : undefined;
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

  /** A decision on the given images (the Clusters view's bulk keys): the same request, answer and undo as the grid's. */
  decideFor(decision: Decision, ids: string[], label: string): void {
    if (ids.length) this.decide(decision, ids, label, false);
  }

  /** Undo/redo wait until every decision sent so far is answered, so they act on the latest change. */
  undo(): void {
    if (this.busy()) return this.later(() => this.undo());
    const e = this.store.undo.peekUndo();
    if (!e) return this.notices.show('info', 'Nothing to undo.', 3000);
    void this.request('undo', { changeId: e.changeId }, { kind: 'undo', label: e.label, ids: e.ids, changeId: e.changeId });
  }

  redo(): void {
    if (this.busy()) return this.later(() => this.redo());
    const e = this.store.undo.peekRedo();
    if (!e) return this.notices.show('info', 'Nothing to redo.', 3000);
    void this.request('redo', { changeId: e.changeId }, { kind: 'redo', label: e.label, ids: e.ids, changeId: e.changeId });
  }

  /** A decision, undo or redo is waiting for its answer. */
  busy(): boolean {
    return this.inFlight > 0;
  }

  private later(fn: () => void): void {
    this.waiting.push(fn);
  }

  private what(p: Pending): string {
    return p.kind === 'decide' ? p.label : `${p.kind} "${p.label}"`;
  }

  private done(r: WriteResult, p: Pending): void {
    const names = (ids: string[]) => ids.slice(0, 3).join(', ') + (ids.length > 3 ? ` and ${ids.length - 3} more` : '');
    if (r.unreadable) this.notices.show('error', `Could not ${this.what(p)}: ${r.unreadable}`);
    if (p.kind === 'decide') {
      if (r.changeId !== undefined) this.store.undo.push({ changeId: r.changeId, label: p.label, ids: p.ids.filter((id) => !r.conflicts.includes(id)) });
      if (r.conflicts.length) {
        this.store.advanceFrom = null;
        this.notices.show('warning', `Not saved for ${names(r.conflicts)}: the sidecar changed on disk since the panel showed it. The panel now shows the version on disk; decide again.`, 15000);
      }
      return;
    }
    if (r.conflicts.length || r.unreadable) {
      if (p.changeId !== undefined) this.store.undo.drop(p.changeId);
      if (r.conflicts.length) this.notices.show('warning', `Cannot ${p.kind} "${p.label}": ${names(r.conflicts)} changed on disk since. Nothing was restored.`, 15000);
      return;
    }
    if (p.kind === 'undo') this.store.undo.committedUndo(p.changeId!);
    else this.store.undo.committedRedo(p.changeId!);
    this.notices.show('info', `${p.kind === 'undo' ? 'Undid' : 'Redid'}: ${p.label}.`, 3000);
    if (p.ids.length) this.focusImage(p.ids[0]);
  }

  /** Refused (invalid, unknown image), failed or timed out: nothing to wait for any more. */
  private failed(e: unknown, p: Pending): void {
    const { message } = problemOf(e);
    this.notices.show('error', `Could not ${this.what(p)}: ${message}`, 10000);
    if (p.kind === 'decide') this.store.advanceFrom = null;
    else if (p.changeId !== undefined) this.store.undo.drop(p.changeId);
  }

  private targets(): string[] {
    return targetsOf(this.store.selection, this.store.order);
  }

  private decide(decision: Decision, ids: string[], label: string, advance = true): void {
    const targets = ids.map((id) => ({ id, rev: this.store.images.get(id)!.rev }));
    this.store.advanceFrom = advance && ids.length === 1 ? ids[0] : null;
    void this.request('decide', { decision, targets }, { kind: 'decide', label, ids });
  }

  private async request<K extends 'decide' | 'undo' | 'redo'>(type: K, params: RequestParams<K>, p: Pending): Promise<void> {
    this.inFlight++;
    try {
      this.done(await this.rpc.sendRequest(type, params), p);
    } catch (e) {
      this.failed(e, p);
    } finally {
      this.inFlight--;
      if (!this.busy()) for (const fn of this.waiting.splice(0)) fn();
    }
  }
}
