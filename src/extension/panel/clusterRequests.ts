// The Clusters view's requests on the host: the unreviewed images' clusters (cached embeddings,
// k-means in a worker thread; a newer request cancels an older one), and "Add category…" (written
// into the folder's categories file, then the folder re-scored). Bulk decisions on a cluster are
// ordinary `decide` requests: the same path, checks and undo as single images. Pure (no vscode).
import * as path from 'node:path';
import { CategoriesError } from '../../core/categories';
import { addCategoryToFile } from '../../core/categoriesEdit';
import { folderClusters, type ClusterCandidate } from '../../classifiers/similarity/reviewClusterJob';
import { RequestError, type ClustersResult } from '../../shared/protocol';
import type { Logger } from '../log';
import type { RequestHandlers } from './endpoint';
import type { ReviewSession } from './reviewSession';

export interface ClusterHost {
  readonly session: ReviewSession;
  /** The extension's model cache dir; the zero-shot image embeddings are in its "embeddings". */
  readonly storageDir: string;
  readonly log: Pick<Logger, 'info' | 'warn'>;
  /** The categories file the folder is classified with, or null (categories read from the sidecars). */
  categoriesFile(): Promise<string | null>;
  /** A path as the user sees it. */
  display(file: string): string;
  /** Classifies the folder again (cached embeddings: no image is re-encoded). False when it cannot start now. */
  rescore(): boolean;
}

/** The unreviewed images the clusters are made of: pending, with a prediction. */
export function clusterCandidates(session: ReviewSession): ClusterCandidate[] {
  const out: ClusterCandidate[] = [];
  for (const img of session.all()) {
    const s = session.summary(img.id);
    if (!s || !img.sidecar || s.status !== 'pending' || !s.classified) continue;
    out.push({ id: img.id, relPath: img.id, sidecar: img.sidecar, predicted: s.predicted, fitsAny: s.fitsAny });
  }
  return out;
}

export function clusterHandlers(host: ClusterHost): Pick<RequestHandlers, 'requestClusters' | 'addCategory'> {
  let running: AbortController | null = null;
  return {
    requestClusters: async (): Promise<ClustersResult> => {
      running?.abort();
      const ac = (running = new AbortController());
      try {
        const r = await folderClusters(clusterCandidates(host.session), path.join(host.storageDir, 'embeddings'), { signal: ac.signal });
        host.log.info(`Clusters: ${r.clusters.length} over ${r.clustered} unreviewed images in ${r.seconds.toFixed(2)} s (${r.unembedded.length} without a cached embedding)`);
        return { clusters: r.clusters, clustered: r.clustered, unembedded: r.unembedded.length, checkpoint: r.checkpoint, seed: r.seed, seconds: r.seconds };
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw new RequestError('refused', 'A newer clustering replaced this one.');
        throw e;
      } finally {
        if (running === ac) running = null;
      }
    },
    addCategory: async (m) => {
      const file = await host.categoriesFile();
      if (!file) throw new RequestError('refused', 'This folder has no categories.json (the panel read its categories from the sidecars). Create one (Classify Images offers to), then add categories.');
      let out;
      try {
        out = await addCategoryToFile(file, { name: m.name, description: m.description });
      } catch (e) {
        if (e instanceof CategoriesError) throw new RequestError('invalid', e.problems.join('; '));
        throw e;
      }
      host.log.info(`Added category "${m.name.trim()}" to ${file}`);
      for (const w of out.warnings) host.log.warn(`${file}: ${w}`);
      return { file: host.display(file), categories: out.set.categories.length, warnings: out.warnings, rescoring: host.rescore() };
    },
  };
}
