// Live re-scoring on the host: when categories.json is saved or a description is edited in the panel,
// every image with a cached embedding is re-scored in memory (ZeroShotClassifier.rescoreCached, the
// typed-array path) and the panel gets a preview of the label changes; nothing is written. Apply
// writes the sidecars through the usual prediction path (core/sidecar.applyPrediction: reviews whose
// prediction changed become stale, human labels are never touched), with progress and cancel;
// Discard drops the preview. No vscode: the panel passes in progress, the categories file and writes.
import { promises as fs } from 'node:fs';
import { applyEdits, modify, parse as parseJsonc } from 'jsonc-parser';
import { categoriesHash } from '../../core/categories';
import { writeFileAtomic } from '../../core/atomicWrite';
import { applyPrediction, predictedLabels } from '../../core/sidecar';
import { labelSet, sameLabels } from '../../core/routing';
import { SidecarCorruptError, updateSidecar } from '../../core/sidecarStore';
import type { CategorySet } from '../../core/types';
import type { EmbeddingKey } from '../../classifiers/zeroShot/embeddingCache';
import type { HostMessage, ImageSummary } from '../../shared/protocol';
import type { ApplyResult, LabelChange, RescorePreview } from '../../shared/exploreData';
import type { FolderModel } from './folderModel';
import type { ReviewSession, SessionImage } from './reviewSession';

export interface RescoreHost {
  readonly session: ReviewSession;
  readonly model: FolderModel;
  readonly log: { info(s: string): void; warn(s: string): void };
  post(m: HostMessage): void;
  /** The categories as saved: the file and its set (mode as the panel uses it); throws a readable error. */
  savedCategories(): Promise<{ file: string; set: CategorySet } | null>;
  /** Runs `fn` with a progress display and a Cancel that aborts `signal`. */
  withProgress<T>(title: string, fn: (report: (done: number, total: number) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** The panel's own sidecar writes (not "changed on disk by someone else"). */
  ownWrites<T>(fn: () => Promise<T>): Promise<T>;
  /** The categories were applied (a panel edit, or a saved file that renamed or added some): the panel shows them. */
  categoriesChanged(set: CategorySet): void;
}

interface Pending {
  preview: RescorePreview;
  set: CategorySet;
  key: EmbeddingKey;
  file: string;
  /** The re-scored images (their sidecars' sha256 at preview time). */
  images: { id: string; sha: string }[];
}

const zeroShotOf = (img: SessionImage, key: EmbeddingKey) => {
  const p = img.sidecar?.predictions['zero-shot'];
  return p && p.checkpoint === key.model && p.revision === key.revision && p.dtype === key.dtype ? p : undefined;
};

export class RescorePreviewer {
  private pending: Pending | null = null;
  private nextId = 1;

  constructor(private readonly host: RescoreHost) {}

  get current(): RescorePreview | null {
    return this.pending?.preview ?? null;
  }

  /** categories.json was saved: preview what it changes (nothing when it matches the predictions). */
  async fileSaved(): Promise<RescorePreview | null> {
    await this.host.session.ready;
    let saved;
    try {
      saved = await this.host.savedCategories();
    } catch (e) {
      this.host.post({ type: 'notice', level: 'warning', text: `categories.json was saved, but cannot be used for a preview: ${(e as Error).message}` });
      return null;
    }
    if (!saved) return null;
    const hash = categoriesHash(saved.set);
    const key = this.host.model.checkpoint(this.host.session.all());
    if (!key || this.host.session.all().every((i) => !zeroShotOf(i, key) || zeroShotOf(i, key)!.categories_hash === hash)) {
      if (this.pending?.preview.source === 'file') this.drop();
      return null;
    }
    const r = await this.preview(saved.set, saved.file, 'file');
    return 'refused' in r ? null : r;
  }

  /** One description edited in the panel: preview it against the saved categories. */
  async editDescription(name: string, description: string): Promise<RescorePreview | { refused: string }> {
    const saved = await this.host.savedCategories();
    if (!saved) return { refused: 'Editing a description needs the folder’s categories.json.' };
    if (!saved.set.categories.some((c) => c.name === name)) return { refused: `categories.json has no category "${name}" any more.` };
    const set = { ...saved.set, categories: saved.set.categories.map((c) => (c.name === name ? { ...c, description } : c)) };
    return this.preview(set, saved.file, 'panel', { name, description });
  }

  private async preview(set: CategorySet, file: string, source: 'file' | 'panel', edit?: { name: string; description: string }): Promise<RescorePreview | { refused: string }> {
    const all = this.host.session.all();
    const key = this.host.model.checkpoint(all);
    if (!key) return { refused: 'Live re-scoring needs zero-shot predictions with cached embeddings: classify the folder with a CLIP/SigLIP model first.' };
    const images = all.filter((i) => zeroShotOf(i, key)).map((i) => ({ img: i, sha: i.sidecar!.image.sha256 }));
    const t0 = performance.now();
    const { result, missing } = await this.host.model.use(key, (c) => c.rescoreCached(images.map((x) => x.sha), set));
    const ms = Math.round(performance.now() - t0);
    const gone = new Set(missing);
    const names = set.categories.map((c) => c.name);
    const changes: LabelChange[] = [];
    const rescored: Pending['images'] = [];
    images.forEach(({ img, sha }, i) => {
      if (gone.has(sha)) return;
      rescored.push({ id: img.id, sha });
      const after = labelSet(names.filter((_, j) => result.chosen[i * result.k + j]).map((name) => ({ name })));
      const before = predictedLabels(zeroShotOf(img, key));
      if (!sameLabels(before, after)) changes.push({ id: img.id, before, after });
    });
    const preview: RescorePreview = { previewId: this.nextId++, source, ...(edit ? { edit } : {}), checkpoint: `${key.model} (${key.dtype})`, rescored: rescored.length, missing: all.length - rescored.length, changes, ms };
    this.pending = { preview, set, key, file, images: rescored };
    this.host.log.info(`Live re-scoring (${source}) of ${this.host.session.root}: ${rescored.length} images in ${ms} ms, ${changes.length} would change label, ${preview.missing} not re-scored`);
    this.host.post({ type: 'rescorePreview', preview });
    return preview;
  }

  discard(previewId: number): null {
    if (this.pending?.preview.previewId === previewId) this.drop();
    return null;
  }

  private drop(): void {
    this.pending = null;
    this.host.post({ type: 'rescorePreview', preview: null });
  }

  /** Writes the preview: the panel's edit into categories.json, then every re-scored image's sidecar. */
  async apply(previewId: number): Promise<ApplyResult> {
    const p = this.pending;
    const none: ApplyResult = { written: 0, changed: 0, stale: 0, skipped: 0, cancelled: false };
    if (!p || p.preview.previewId !== previewId) return { ...none, refused: 'This preview is out of date (a newer one replaced it, or it was applied or discarded).' };
    this.pending = null;
    const { set, key } = p;
    if (p.preview.edit) await writeDescription(p.file, p.preview.edit.name, p.preview.edit.description);
    const changedIds = new Set(p.preview.changes.map((c) => c.id));
    const out = { ...none };
    const hash = categoriesHash(set);
    const now = new Date().toISOString();
    await this.host.withProgress(`Image Triage: applying the new categories to ${p.images.length} images`, (report, signal) =>
      this.host.ownWrites(() =>
        this.host.model.use(key, async (c) => {
          const cats = await c.categoryEmbeddings(set);
          const warnings = await c.setWarnings(set);
          const embs = await c.cachedEmbeddings(p.images.map((x) => x.sha));
          let batch: ImageSummary[] = [];
          const flush = () => {
            if (batch.length) this.host.post({ type: 'upsert', images: batch, external: false });
            batch = [];
          };
          for (const [n, x] of p.images.entries()) {
            if (signal.aborted) {
              out.cancelled = true;
              break;
            }
            const img = this.host.session.get(x.id);
            const e = embs.get(x.sha);
            if (!img || !e) {
              out.skipped++;
              continue;
            }
            const pred = c.predict(e, x.sha, set, cats, hash, now);
            pred.warnings.unshift(...warnings);
            let stale = false;
            try {
              const written = await updateSidecar(img.path, (cur) => {
                if (!cur || cur.image.sha256 !== x.sha || !zeroShotOf({ ...img, sidecar: cur }, key)) return null;
                const next = applyPrediction(cur, pred, now);
                stale = next.review.status === 'stale' && cur.review.status !== 'stale';
                return next;
              });
              if (!written || written.predictions['zero-shot'] !== pred) {
                out.skipped++;
              } else {
                out.written++;
                if (stale) out.stale++;
                if (changedIds.has(x.id)) out.changed++;
              }
              if (written) this.host.session.setImage(img.path, written);
            } catch (err) {
              if (!(err instanceof SidecarCorruptError)) throw err;
              out.skipped++;
            }
            batch.push(this.host.session.summary(x.id)!);
            if (batch.length >= 200) flush();
            if (n % 25 === 0) report(n + 1, p.images.length);
          }
          report(p.images.length, p.images.length);
          flush();
        }),
      ),
    );
    this.host.categoriesChanged(set);
    this.host.post({ type: 'rescorePreview', preview: null });
    this.host.log.info(`Live re-scoring applied in ${this.host.session.root}: ${JSON.stringify(out)}`);
    return out;
  }
}

/** Sets one category's description in categories.json, keeping its comments and layout. */
export async function writeDescription(file: string, name: string, description: string): Promise<void> {
  const text = await fs.readFile(file, 'utf8');
  const doc = parseJsonc(text) as { categories?: { name?: unknown }[] } | undefined;
  const i = doc?.categories?.findIndex((c) => c?.name === name) ?? -1;
  if (i < 0) throw new Error(`${file} has no category "${name}" any more; nothing was written`);
  const edits = modify(text, ['categories', i, 'description'], description, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  await writeFileAtomic(file, applyEdits(text, edits));
}
