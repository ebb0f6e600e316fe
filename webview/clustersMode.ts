// The Clusters view: asks the host for the clusters of the unreviewed images when it comes into view
// (again with r, and after a re-scoring run finishes), moves between clusters, and turns the bulk keys
// into the grid's own decisions (actions.ts: same request, same undo stack). "Add category…" opens
// the dialog; the host writes categories.json and re-scores.
import type { ClustersResult, PanelView, RunState } from '../src/shared/protocol';
import type { Actions } from './actions';
import { AddCategoryDialog } from './addCategoryDialog';
import { bulkDecision, clusterKeyAction, majorityText, pendingIds } from './clusterKeys';
import { ClustersView } from './clustersView';
import type { Notices } from './notices';
import { problemOf, rpc } from './rpc';
import type { Store } from './store';

export interface ClustersHooks {
  render(): void;
  show(v: PanelView): void;
  help(): void;
  needThumbs(ids: string[]): void;
  /** Puts the focus back on the view (after the dialog closes). */
  refocus(): void;
}

export class ClustersMode {
  private view: ClustersView;
  private dialog: AddCategoryDialog;
  private result: ClustersResult | null = null;
  private loading = false;
  private error: string | null = null;
  private focus = 0;
  private asked = 0;
  /** A finished run changed the predictions: the clusters are recomputed when next shown. */
  private outdated = false;

  constructor(app: HTMLElement, private readonly store: Store, private readonly notices: Notices, private readonly actions: Actions, private readonly hooks: ClustersHooks) {
    this.view = new ClustersView(app, {
      focus: (i) => this.moveTo(i),
      accept: (i) => this.bulk({ kind: 'accept' }, i),
      addCategory: (i) => this.addCategory(i),
      recompute: () => void this.fetch(),
    });
    this.dialog = new AddCategoryDialog(document.body, (name, description) => rpc.sendRequest('addCategory', { name, description }), () => hooks.refocus());
  }

  get el(): HTMLElement {
    return this.view.el;
  }
  get modalOpen(): boolean {
    return this.dialog.open;
  }

  shown(): void {
    if ((!this.result || this.outdated) && !this.loading) void this.fetch();
  }

  /** A classification run finished (a re-score after Add category…): the clusters are out of date. */
  onRun(run: RunState): void {
    if (run.state !== 'done' || !this.result) return;
    this.outdated = true;
    if (this.store.view === 'clusters') void this.fetch();
  }

  onKey(e: KeyboardEvent): boolean {
    const a = clusterKeyAction(e);
    if (!a) return false;
    const n = this.result?.clusters.length ?? 0;
    switch (a.kind) {
      case 'move':
        this.moveTo(Math.max(0, Math.min(n - 1, this.focus + a.by)));
        break;
      case 'first':
        this.moveTo(0);
        break;
      case 'last':
        this.moveTo(n - 1);
        break;
      case 'accept':
      case 'assign':
      case 'reject':
        this.bulk(a, this.focus);
        break;
      case 'undo':
        this.actions.undo();
        break;
      case 'redo':
        this.actions.redo();
        break;
      case 'addCategory':
        this.addCategory(this.focus);
        break;
      case 'recompute':
        void this.fetch();
        break;
      case 'help':
        this.hooks.help();
        break;
      case 'grid':
        this.hooks.show('grid');
        break;
    }
    return true;
  }

  render(): void {
    if (this.store.view !== 'clusters') return;
    this.view.render({ result: this.result, loading: this.loading, error: this.error, focus: this.focus, images: this.store.images, thumbs: this.store.thumbs });
  }

  private moveTo(i: number): void {
    if (i < 0) return;
    this.focus = i;
    this.hooks.render();
    requestAnimationFrame(() => this.view.reveal(i));
  }

  private bulk(a: Parameters<typeof bulkDecision>[0], index: number): void {
    const c = this.result?.clusters[index];
    if (!c) return;
    const d = bulkDecision(a, c, this.store.images, this.store.categories, this.store.mode);
    if ('none' in d) return this.notices.show('info', d.none, 5000);
    this.actions.decideFor(d.decision, d.ids, d.label);
    // On to the next cluster with unreviewed images.
    const clusters = this.result!.clusters;
    for (let k = 1; k < clusters.length; k++) {
      const j = (index + k) % clusters.length;
      if (pendingIds(clusters[j], this.store.images).length) return this.moveTo(j);
    }
  }

  private addCategory(index: number): void {
    const c = this.result?.clusters[index];
    const from = c ? `From cluster #${index + 1} (${c.ids.length} images, ${majorityText(c)}).` : '';
    this.dialog.show(from, (r, name) => {
      const warn = r.warnings.length ? ` ${r.warnings.join(' ')}` : '';
      const next = r.rescoring ? ' Re-scoring the folder from the cached embeddings…' : ' A run is in progress: run Classify Images again when it ends to re-score.';
      this.notices.show('info', `Added "${name}" to ${r.file} (${r.categories} categories).${next}${warn}`, 10000);
      this.outdated = true;
    });
  }

  private async fetch(): Promise<void> {
    const n = ++this.asked;
    this.loading = true;
    this.error = null;
    this.hooks.render();
    try {
      const r = await rpc.sendRequest('requestClusters', {});
      if (n !== this.asked) return;
      this.result = r;
      this.outdated = false;
      this.focus = Math.max(0, r.clusters.findIndex((c) => pendingIds(c, this.store.images).length > 0));
      this.hooks.needThumbs(this.view.stripIds(r).filter((id) => !this.store.thumbs.has(id)));
    } catch (e) {
      if (n !== this.asked) return;
      const p = problemOf(e);
      this.error = p.message;
      if (!this.result) this.notices.show('error', `The clusters could not be computed: ${p.message}`, 10000);
    } finally {
      if (n === this.asked) this.loading = false;
      this.hooks.render();
    }
  }
}
