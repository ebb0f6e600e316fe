// The review clusters of a folder: its unreviewed images' cached embeddings (no model loaded, no image
// re-encoded) clustered in a worker thread (clusterWorker.ts). Images without a cached embedding are
// counted, not guessed at.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { abortError } from '../../core/cancel';
import { DEFAULT_CLUSTER_SEED, reviewClusters, type ClusterItem, type ClusterOptions, type ReviewCluster } from '../../core/similarity/reviewClusters';
import { folderMatrix, type ZeroShotKeyed } from '../zeroShot/folderEmbeddings';

export interface ClusterCandidate extends ClusterItem, ZeroShotKeyed {}

export interface FolderClusters {
  clusters: ReviewCluster[];
  /** Unreviewed images clustered. */
  clustered: number;
  /** Unreviewed images with no cached embedding of the folder's checkpoint (not clustered). */
  unembedded: string[];
  /** The checkpoint whose embeddings were used. */
  checkpoint: string | null;
  seed: number;
  seconds: number;
}

function workerFile(): string {
  const js = path.join(__dirname, 'clusterWorker.js');
  return existsSync(js) ? js : path.join(__dirname, 'clusterWorker.ts');
}

/** Clusters in a worker thread; `inline` runs them on this thread (tests of the pure part). */
export function clustersInWorker(items: ClusterItem[], vectors: Float32Array, dim: number, opts: ClusterOptions & { signal?: AbortSignal } = {}): Promise<ReviewCluster[]> {
  const { signal, ...o } = opts;
  if (signal?.aborted) return Promise.reject(abortError());
  const file = workerFile();
  const worker = file.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true }) : new Worker(file);
  return new Promise<ReviewCluster[]>((resolve, reject) => {
    const stop = () => {
      void worker.terminate();
      reject(abortError());
    };
    signal?.addEventListener('abort', stop, { once: true });
    const finish = () => {
      signal?.removeEventListener('abort', stop);
      void worker.terminate();
    };
    worker.on('message', (m: { clusters?: ReviewCluster[]; error?: string }) => {
      finish();
      if (m.clusters) resolve(m.clusters);
      else reject(new Error(`clustering failed: ${m.error}`));
    });
    worker.on('error', (e) => {
      finish();
      reject(e);
    });
    worker.postMessage({ items, vectors, dim, opts: o }, [vectors.buffer as ArrayBuffer]);
  });
}

/** Clusters the `candidates` (the caller picks the unreviewed ones) by their cached embeddings in `embeddingsDir`. */
export async function folderClusters(candidates: readonly ClusterCandidate[], embeddingsDir: string, opts: ClusterOptions & { signal?: AbortSignal; inline?: boolean } = {}): Promise<FolderClusters> {
  const start = performance.now();
  const seed = opts.seed ?? DEFAULT_CLUSTER_SEED;
  const m = await folderMatrix(candidates, embeddingsDir);
  const byId = new Map(candidates.map((c) => [c.relPath, c]));
  const items: ClusterItem[] = m.ids.map((id) => {
    const c = byId.get(id)!;
    return { id, predicted: [...c.predicted], fitsAny: c.fitsAny };
  });
  // A copy the worker owns: the matrix may be a view of a larger buffer.
  const vectors = m.vectors.slice();
  const clusters = !items.length ? [] : opts.inline ? reviewClusters(items, vectors, m.dim, { ...opts, seed }) : await clustersInWorker(items, vectors, m.dim, { maxK: opts.maxK, seed, signal: opts.signal });
  return { clusters, clustered: items.length, unembedded: m.missing, checkpoint: m.key?.model ?? null, seed, seconds: (performance.now() - start) / 1000 };
}
