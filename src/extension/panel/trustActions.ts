// The dashboard's "act on trust" requests on the host: certify & auto-accept (with undo), learn from
// corrections (adapter), and the description probe. Each reads the folder from disk (the sidecars
// are the truth; the CLI may have written them) and runs the same core code as the CLI. No vscode.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../core/folderIndex';
import { parseCategories } from '../../core/categories';
import { updateSidecar } from '../../core/sidecarStore';
import type { CategorySet } from '../../core/types';
import { moreNeeded } from '../../core/certify/bounds';
import { certifyEntry, certifySampleId, certifyState, chooseGroup, defaultThreshold, sampleUnits, samplesOf, unitsToDraw, unreviewed, type CertifyImage } from '../../core/certify/certify';
import { autoAccept, undoAutoAccept } from '../../core/certify/autoAccept';
import { runDescriptionProbe } from '../../core/audit/probeRun';
import { adaptFolder, labelCounts, MIN_LABELS_PER_CATEGORY } from '../../classifiers/zeroShot/adaptFolder';
import { folderEmbeddings } from '../../classifiers/zeroShot/folderEmbeddings';
import { createZeroShotClassifier } from '../../classifiers/zeroShot';
import type { Dtype } from '../../classifiers/config';
import { RequestError, type TrustActionsState } from '../../shared/protocol';
import type { RequestHandlers } from './endpoint';

export interface TrustActionsHost {
  readonly root: string;
  /** The extension's model cache dir (embeddings in its "embeddings"). */
  readonly storageDir: string;
  readonly log: { info(s: string): void };
  /**
   * The sidecars (paths relative to the root) this host just wrote: the panel records them as its own
   * writes (re-reads them into its session), so its file watcher does not report them as changed on disk.
   */
  wrote?(relPaths: readonly string[]): Promise<void>;
  /** Runs fn with the panel's watcher told that sidecar changes meanwhile are the panel's own. */
  ownWrites?<T>(fn: () => Promise<T>): Promise<T>;
}

async function categories(root: string): Promise<CategorySet> {
  const file = path.join(root, 'categories.json');
  const text = await fs.readFile(file, 'utf8').catch(() => {
    throw new RequestError('refused', `This needs the folder's categories.json (${file}).`);
  });
  return parseCategories(text, file).set;
}

const stateOf = async (root: string, maxError: number): Promise<TrustActionsState> => {
  const images = await indexFolder(root);
  const g = chooseGroup(images);
  const ref = g ? samplesOf(images, g)[0] : undefined;
  const set = await categories(root).catch(() => null);
  const labels = set ? labelCounts(images, set) : { total: 0, per_category: {}, enough: false };
  return { certify: g && ref ? certifyState(images, g, ref, maxError) : null, labels: { ...labels, min: MIN_LABELS_PER_CATEGORY } };
};

type TrustHandlers = Pick<RequestHandlers, 'trustState' | 'certifyDraw' | 'autoAccept' | 'autoAcceptUndo' | 'adapt' | 'runProbe'>;

export function trustActionHandlers(host: TrustActionsHost): TrustHandlers {
  const root = host.root;
  const own = <T>(fn: () => Promise<T>): Promise<T> => (host.ownWrites ? host.ownWrites(fn) : fn());
  return {
    trustState: (m) => stateOf(root, m.maxError),
    certifyDraw: async (m) => {
      const images: CertifyImage[] = await indexFolder(root);
      const g = chooseGroup(images);
      if (!g) return { ...(await stateOf(root, m.maxError)), refused: 'No predictions to certify: classify the folder first.' };
      const units = unreviewed(images, g).labelled;
      const existing = samplesOf(images, g)[0];
      const t = existing?.threshold ?? defaultThreshold(units);
      if (t === null) return { ...(await stateOf(root, m.maxError)), refused: 'No unreviewed predictions with a category: nothing to certify.' };
      const ref = existing ?? { sampleId: certifySampleId(g, t, 1), threshold: t, seed: 1 };
      const sampled = sampleUnits(images, ref.sampleId);
      let size = sampled.length;
      if (!existing) size = moreNeeded(0, 0, m.maxError) ?? 0;
      else {
        const s = certifyState(images, g, ref, m.maxError);
        if (!s.certified && !s.pending.length && s.more_needed) size += s.more_needed;
      }
      const now = new Date().toISOString();
      for (const u of unitsToDraw(units, sampled, g, ref.threshold, ref.seed, size)) {
        await updateSidecar(u.path, (sc) => (sc && sc.review.status === 'pending' ? { ...sc, audit: [...sc.audit, certifyEntry(u, g, ref, now)] } : null)).catch(() => undefined);
      }
      host.log.info(`Certify: sample ${ref.sampleId} at threshold ${ref.threshold} holds ${size} in ${root}`);
      return stateOf(root, m.maxError);
    },
    autoAccept: async (m) => {
      const images = await indexFolder(root);
      const g = chooseGroup(images);
      const ref = g ? samplesOf(images, g)[0] : undefined;
      const s = g && ref ? certifyState(images, g, ref, m.maxError) : null;
      if (!s?.certified) return { runId: null, accepted: 0, refused: `Nothing is certified at ≤ ${m.maxError}: nothing was changed.` };
      const r = await own(async () => {
        const out = await autoAccept(root, images, s);
        await host.wrote?.(out.accepted);
        return out;
      });
      host.log.info(`Auto-accept ${r.run_id}: ${r.accepted.length} image(s) at or above ${s.threshold} in ${root}`);
      return { runId: r.run_id, accepted: r.accepted.length };
    },
    autoAcceptUndo: async (m) => {
      let r;
      try {
        r = await own(async () => {
          const out = await undoAutoAccept(root, m.runId);
          await host.wrote?.(out.restored);
          return out;
        });
      } catch (e) {
        return { restored: 0, changed: [], refused: (e as Error).message };
      }
      host.log.info(`Auto-accept ${m.runId} undone: ${r.restored.length} restored, ${r.changed.length} changed since (kept)`);
      return { restored: r.restored.length, changed: r.changed };
    },
    adapt: async (m) => {
      const set = await categories(root).catch((e: Error) => e);
      if (set instanceof Error) return { labels: 0, per_category: {}, cv_accuracy: null, zero_shot_accuracy: null, folds: 0, rescored: 0, applied: false, refused: set.message, method: '' };
      const r = await adaptFolder(await indexFolder(root), { set, cacheDir: host.storageDir, dryRun: !m.apply });
      host.log.info(`Adapter ${m.apply ? 'applied' : 'checked'} in ${root}: ${JSON.stringify({ labels: r.labels, cv: r.cv_accuracy, zs: r.zero_shot_accuracy, rescored: r.rescored, refused: r.refused })}`);
      const { cv: _cv, ...rest } = r;
      return rest;
    },
    runProbe: async (m) => {
      const set = await categories(root).catch((e: Error) => e);
      if (set instanceof Error) return { result: null, refused: set.message };
      const images = await indexFolder(root);
      const { key, byRelPath } = await folderEmbeddings(images, path.join(host.storageDir, 'embeddings'));
      if (!key || !byRelPath.size) return { result: null, refused: 'The probe needs zero-shot predictions with cached embeddings: classify the folder with a zero-shot model first.' };
      const classifier = await createZeroShotClassifier({ kind: 'zero-shot', model: key.model, dtype: key.dtype as Dtype, cacheDir: host.storageDir });
      try {
        const r = await runDescriptionProbe(images.filter((i) => byRelPath.has(i.relPath)), set, classifier, { size: m.size, seed: 1 });
        const { sample: _s, errors: _e, ...result } = r;
        host.log.info(`Description probe in ${root}: shuffled changed ${r.shuffled_changed.k}/${r.shuffled_changed.n}, ${classifier.stats.imagesEncoded} images encoded`);
        return { result };
      } finally {
        await classifier.dispose?.();
      }
    },
  };
}
