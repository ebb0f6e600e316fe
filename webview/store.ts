// The panel's state: images, filter, selection, thumbnails, run progress, undo. Components read it.
// Who writes what: main.ts the images, run, thumbnails, detail, label issues, filter and selection
// (from host notifications and user actions); actions.ts the undo stack and `advanceFrom` (main.ts
// clears it once the decided image's update arrives); auditMode.ts `audit` and `auditIndex`;
// views.ts `view`; dashboardMode.ts `dashboard`; exploreBar.ts `search` and `preview`. Each writer then schedules a render.
import type { Mode } from '../src/core/types';
import type { CategoryInfo, Detail, ImageSummary, PanelInit, PanelView, RunState } from '../src/shared/protocol';
import { applyFilter, DEFAULT_FILTER, type FilterState } from './filters';
import { EMPTY_SELECTION, reconcile, type SelectionState } from './selection';
import { UndoStack } from './undoStack';
import type { AuditState, DashboardData, LabelIssues } from '../src/shared/auditData';
import { issueRanks } from './labelIssues';
import { narrow, type PreviewState, type SearchState } from './explore';

export type { Detail };

export class Store {
  images = new Map<string, ImageSummary>();
  categories: CategoryInfo[] = [];
  mode: Mode = 'single_label';
  folderName = '';
  categoriesSource = '';
  thumbnailSize = 160;
  filter: FilterState = { ...DEFAULT_FILTER };
  filtered: ImageSummary[] = [];
  order: string[] = [];
  private index = new Map<string, number>();
  selection: SelectionState = EMPTY_SELECTION;
  thumbs = new Map<string, { uri?: string; error?: string }>();
  run: RunState = { state: 'idle', done: 0, total: 0 };
  detail: Detail | null = null;
  /** Images changed on disk by someone else, with when we heard. */
  changedOnDisk = new Map<string, number>();
  undo = new UndoStack();
  /** After a single-image decision, move on from this image once its update arrives. */
  advanceFrom: string | null = null;
  initialised = false;
  /** Which view the panel shows: the image grid, the audit of a sample, or the trust dashboard. */
  view: PanelView = 'grid';
  audit: AuditState | null = null;
  auditIndex = 0;
  dashboard: DashboardData | null = null;
  /** The label issues the host found (for the issue filters); null until asked and answered. */
  issues: LabelIssues | null = null;
  /** A search by meaning or "more like this": a filter of its matches, best first. */
  search: SearchState | null = null;
  /** The live re-scoring preview (nothing written yet). */
  preview: PreviewState | null = null;

  init(p: PanelInit): void {
    this.folderName = p.folderName;
    this.categoriesSource = p.categoriesSource;
    this.mode = p.mode;
    this.categories = p.categories;
    this.thumbnailSize = p.thumbnailSize;
    this.images = new Map(p.images.map((i) => [i.id, i]));
    this.run = p.run;
    this.initialised = true;
    this.refilter();
    if (!this.selection.focus && this.order.length) {
      const first = this.order[0];
      this.selection = { focus: first, anchor: first, selected: new Set([first]) };
    }
  }

  /** The rest of the folder after `init`, in chunks: refiltered (sorted, counted) at the last. */
  appendInit(list: ImageSummary[], last: boolean): void {
    for (const img of list) if (!this.images.has(img.id)) this.images.set(img.id, img);
    if (last) this.refilter();
  }

  upsert(list: ImageSummary[], external: boolean): void {
    const now = Date.now();
    for (const img of list) {
      const prev = this.images.get(img.id);
      this.images.set(img.id, img);
      if (external && prev && prev.rev !== img.rev) this.changedOnDisk.set(img.id, now);
    }
    this.refilter();
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      this.images.delete(id);
      this.thumbs.delete(id);
    }
    this.refilter();
  }

  setFilter(patch: Partial<FilterState>): void {
    this.filter = { ...this.filter, ...patch };
    this.refilter();
  }

  refilter(): void {
    const oldOrder = this.order;
    this.filtered = narrow(applyFilter(this.images.values(), this.filter, issueRanks(this.issues, this.filter.issue)), this.search, this.preview);
    this.order = this.filtered.map((i) => i.id);
    this.index = new Map(this.order.map((id, i) => [id, i]));
    this.selection = reconcile(this.selection, oldOrder, this.order);
    if (!this.selection.focus && this.order.length && oldOrder.length === 0) {
      const first = this.order[0];
      this.selection = { focus: first, anchor: first, selected: new Set([first]) };
    }
  }

  indexOf(id: string | null): number {
    return id === null ? -1 : (this.index.get(id) ?? -1);
  }

  get focused(): ImageSummary | undefined {
    return this.selection.focus ? this.images.get(this.selection.focus) : undefined;
  }
}
