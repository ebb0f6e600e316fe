// The host-side model of one reviewed folder: its images and sidecars, human decisions written
// through the core store, undo/redo of those decisions, and external changes read back from disk.
// Pure Node (no vscode), so it is unit tested against real files.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Mode, Review, Sidecar } from '../../core/types';
import { SIDECAR_SUFFIX } from '../../core/types';
import { applyReview, newSidecar, restoreReview } from '../../core/sidecar';
import { SidecarCorruptError, readSidecar, updateSidecar } from '../../core/sidecarStore';
import type { IndexedImage } from '../../core/folderIndex';
import type { QuickOpen } from '../../core/summaryIndex';
import { isImagePath } from '../../core/discovery';
import type { CategoryInfo, Decision, ImageSummary } from '../../shared/protocol';
import { RequestError, canAccept, nothingToAccept } from '../../shared/protocol';
import { imageIdOfIndexed, reviewRev, summarize } from '../../core/imageSummary';
import { imageIdOf, isPlainRelativeId, resolveImageId } from './pathGuard';

export interface SessionImage {
  id: string;
  path: string;
  sidecar: Sidecar | null;
  sidecarError?: string;
}

interface Change {
  id: string;
  path: string;
  before: Review;
  after: Review;
}

export interface WriteOutcome {
  changeId?: number;
  conflicts: string[];
  updated: ImageSummary[];
  error?: string;
}

/** A decision the webview may not make (unknown label, wrong arity). The message says why. */
export class DecisionError extends RequestError {
  constructor(message: string, code: 'invalid' | 'unknownImage' = 'invalid') {
    super(code, message);
    this.name = 'DecisionError';
  }
}

const MAX_CHANGES = 1000;

export class ReviewSession {
  private images = new Map<string, SessionImage>();
  private changes = new Map<number, Change[]>();
  private nextChange = 1;
  /** Summaries from the summary index of images whose full sidecars are still being read. */
  private early = new Map<string, ImageSummary>();
  /**
   * Resolves when every image's full sidecar is in (at once for a session built from sidecars), with
   * the ids whose summary then differs from the index's. Whatever needs sidecars awaits it.
   */
  ready: Promise<string[]> = Promise.resolve([]);
  /** Opened from the summary index (fromIndex): `ready` brings the sidecars. */
  fromSummaryIndex = false;

  /**
   * A session opened from the summary index: the grid's summaries now, the full sidecars when
   * `quick.full()` has read them. A failed read is logged by `onError` and leaves those images unread.
   */
  static fromIndex(root: string, categories: CategoryInfo[], mode: Mode, by: string, quick: QuickOpen, onError: (e: Error) => void): ReviewSession {
    const s = new ReviewSession(root, categories, mode, by);
    s.fromSummaryIndex = true;
    quick.images.forEach((img, i) => {
      const id = s.add(img, null);
      if (id) s.early.set(id, { ...quick.summaries[i], id });
    });
    s.ready = quick.full().then(
      (full) => s.fill(full),
      (e: Error) => {
        onError(e);
        return [];
      },
    );
    return s;
  }

  /** The full sidecars arrive: images changed meanwhile (a write, the watcher) keep what they have. */
  private fill(full: IndexedImage[]): string[] {
    const changed: string[] = [];
    for (const img of full) {
      const id = isPlainRelativeId(img.relPath) ? img.relPath : imageIdOf(this.root, img.path);
      if (id === null) continue;
      const early = this.early.get(id);
      const cur = this.images.get(id);
      if (!early || !cur) continue;
      this.early.delete(id);
      cur.sidecar = img.sidecar;
      cur.sidecarError = img.sidecarError;
      if (JSON.stringify(this.summary(id)) !== JSON.stringify(early)) changed.push(id);
    }
    this.early.clear();
    return changed;
  }

  constructor(
    readonly root: string,
    public categories: CategoryInfo[],
    readonly mode: Mode,
    /** Who decisions and audit verdicts are recorded as (the OS user name). */
    readonly by: string,
    indexed: IndexedImage[] = [],
  ) {
    // Discovery's relPaths are ids already: a string check instead of path arithmetic per image (a
    // million-image folder would block the extension host for seconds).
    for (const img of indexed) this.add(img, img.sidecar, img.sidecarError);
  }

  /** Adds a discovered image; returns its id, or null when the path is outside the folder. */
  private add(img: { path: string; relPath: string }, sidecar: Sidecar | null, sidecarError?: string): string | null {
    const id = imageIdOfIndexed(img);
    if (!isPlainRelativeId(id)) return this.setImage(img.path, sidecar, sidecarError);
    this.images.set(id, { id, path: img.path, sidecar, sidecarError });
    return id;
  }

  /** The categories changed on disk (a description edited in the panel and applied). */
  setCategories(categories: CategoryInfo[]): void {
    this.categories = categories;
  }

  /** Adds or replaces an image; returns its id, or null when the path is outside the folder. */
  setImage(absPath: string, sidecar: Sidecar | null, sidecarError?: string): string | null {
    const id = imageIdOf(this.root, absPath);
    if (!id || !resolveImageId(this.root, id)) return null;
    this.images.set(id, { id, path: absPath, sidecar, sidecarError });
    this.early.delete(id);
    return id;
  }

  has(id: string): boolean {
    return this.images.has(id);
  }
  get(id: string): SessionImage | undefined {
    return this.images.get(id);
  }
  get size(): number {
    return this.images.size;
  }
  /** Every image, in no particular order. */
  all(): SessionImage[] {
    return [...this.images.values()];
  }
  summary(id: string): ImageSummary | undefined {
    const img = this.images.get(id);
    return img && (this.early.get(id) ?? summarize(img.id, img.sidecar, img.sidecarError));
  }
  summaries(): ImageSummary[] {
    return [...this.images.keys()].map((id) => this.summary(id)!);
  }
  /** Ids the session does not know, or whose path is not inside the folder. */
  unknownIds(ids: string[]): string[] {
    return ids.filter((id) => !this.images.has(id) || !resolveImageId(this.root, id));
  }

  /** Checks a decision against the categories and mode; throws DecisionError. */
  checkDecision(decision: Decision, ids: string[]): void {
    if (decision.action === 'toggle' && this.mode !== 'multi_label') throw new DecisionError('toggling a label needs multi_label mode');
    if (decision.action === 'label' || decision.action === 'toggle') {
      const known = new Set(this.categories.map((c) => c.name));
      const named = decision.action === 'label' ? decision.labels : [decision.label];
      const unknown = named.filter((l) => !known.has(l));
      if (unknown.length) throw new DecisionError(`unknown category ${JSON.stringify(unknown[0])}`);
      if (this.mode === 'single_label' && named.length > 1) throw new DecisionError('single_label mode allows one label');
    }
    if (decision.action === 'accept') {
      const unclassified = ids.find((id) => !canAccept(this.summary(id) ?? { classified: false }));
      if (unclassified !== undefined) throw new DecisionError(nothingToAccept(unclassified));
    }
  }

  async decide(targets: { id: string; rev: string }[], decision: Decision): Promise<WriteOutcome> {
    const unknown = this.unknownIds(targets.map((t) => t.id));
    if (unknown.length) throw new DecisionError(`unknown image ${JSON.stringify(unknown[0])}`, 'unknownImage');
    this.checkDecision(decision, targets.map((t) => t.id));
    const out: WriteOutcome = { conflicts: [], updated: [] };
    const applied: Change[] = [];
    for (const t of targets) {
      const img = this.images.get(t.id)!;
      let change: Change | null = null;
      let conflict = false;
      try {
        const written = await updateSidecar(img.path, async (cur) => {
          if (reviewRev(cur?.review) !== t.rev) {
            conflict = true;
            return null;
          }
          const base = cur ?? (await this.freshSidecar(img.path));
          const next = applyReview(base, decision, { by: this.by });
          change = { id: t.id, path: img.path, before: base.review, after: next.review };
          return next;
        });
        img.sidecar = written;
        img.sidecarError = undefined;
        this.early.delete(t.id);
      } catch (e) {
        if (!(e instanceof SidecarCorruptError)) throw e;
        img.sidecarError = e.message;
        out.error = e.message;
      }
      if (conflict) out.conflicts.push(t.id);
      if (change) applied.push(change);
      out.updated.push(this.summary(t.id)!);
    }
    if (applied.length) out.changeId = this.remember(applied);
    return out;
  }

  undo(changeId: number): Promise<WriteOutcome> {
    return this.replay(changeId, 'undo');
  }
  redo(changeId: number): Promise<WriteOutcome> {
    return this.replay(changeId, 'redo');
  }

  /** Re-reads a sidecar that changed on disk. Returns the new summary when it changed, else null. */
  async refreshFromDisk(sidecarFile: string): Promise<ImageSummary | null> {
    if (!sidecarFile.endsWith(SIDECAR_SUFFIX)) return null;
    const imagePath = sidecarFile.slice(0, -SIDECAR_SUFFIX.length);
    const id = imageIdOf(this.root, imagePath);
    if (!id) return null;
    let img = this.images.get(id);
    if (!img) {
      // A sidecar for an image the panel does not list yet (the CLI classified a new file).
      if (!isImagePath(imagePath) || !(await fs.stat(imagePath).then((s) => s.isFile(), () => false))) return null;
      if (!this.setImage(imagePath, null)) return null;
      img = this.images.get(id)!;
    }
    // Not read yet (the session is still loading): the summary from disk is news either way.
    const before = this.early.delete(id) ? null : JSON.stringify(img.sidecar) + (img.sidecarError ?? '');
    try {
      img.sidecar = await readSidecar(img.path);
      img.sidecarError = undefined;
    } catch (e) {
      if (!(e instanceof SidecarCorruptError)) throw e;
      img.sidecarError = e.message;
    }
    const after = JSON.stringify(img.sidecar) + (img.sidecarError ?? '');
    return before === after ? null : this.summary(id)!;
  }

  private async replay(changeId: number, dir: 'undo' | 'redo'): Promise<WriteOutcome> {
    const entries = this.changes.get(changeId);
    if (!entries) throw new DecisionError(`unknown change ${changeId}`);
    const out: WriteOutcome = { changeId, conflicts: [], updated: [] };
    const from = (c: Change) => (dir === 'undo' ? c.after : c.before);
    const to = (c: Change) => (dir === 'undo' ? c.before : c.after);
    // All or nothing: if any image changed since, refuse the whole step and say which.
    for (const c of entries) {
      const cur = await readSidecar(c.path).catch(() => null);
      if (reviewRev(cur?.review) !== reviewRev(from(c))) out.conflicts.push(c.id);
    }
    if (out.conflicts.length) return out;
    for (const c of entries) {
      let conflict = false;
      const written = await updateSidecar(c.path, (cur) => {
        if (!cur || reviewRev(cur.review) !== reviewRev(from(c))) {
          conflict = true;
          return null;
        }
        return restoreReview(cur, to(c));
      });
      if (conflict) out.conflicts.push(c.id);
      const img = this.images.get(c.id);
      if (img) img.sidecar = written;
      this.early.delete(c.id);
      out.updated.push(this.summary(c.id)!);
    }
    return out;
  }

  private remember(changes: Change[]): number {
    const id = this.nextChange++;
    this.changes.set(id, changes);
    if (this.changes.size > MAX_CHANGES) this.changes.delete(this.changes.keys().next().value!);
    return id;
  }

  private async freshSidecar(imagePath: string): Promise<Sidecar> {
    const bytes = await fs.readFile(imagePath);
    return newSidecar({ name: path.basename(imagePath), sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  }
}
