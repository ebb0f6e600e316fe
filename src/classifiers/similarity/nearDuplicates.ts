// Near duplicates at any size, off the UI thread (ONNX Runtime's SGEMM in a worker thread, so neither
// the extension host nor the CLI's event loop blocks), joined into clusters with union-find. Up to
// EXACT_UP_TO rows the threshold search is exact (blocked products, quadratic); above, an IVF index
// (ivf.ts) compares each row only with the rows of its nearest cells: approximate, ~n·nprobe·cellSize
// products. The one implementation behind `report --duplicates`, the panel and bench:scale.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { abortError } from '../../core/cancel';
import { clustersOf, pairsAboveJs, type PairList } from '../../core/similarity/clusters';
import { DEFAULT_DUPLICATE_THRESHOLD, toDuplicatePairs, type NearDuplicates } from '../../core/audit/labelIssues';
import { DECIDED_STATUSES } from '../../core/audit/reportSections';
import type { ReportImage } from '../../core/audit/report';

export interface DuplicateSearch {
  n: number;
  threshold: number;
  pairs: PairList;
  /** Row indices of each cluster (2+ rows), largest first. */
  clusters: number[][];
  seconds: number;
  /** How the pairs were found: exactly, or by the IVF index (`cells` cells, `nprobe` probed per row). */
  method: DuplicateMethod['method'];
  cells?: number;
  nprobe?: number;
}

export type DuplicateMethod = { method: 'exact' } | { method: 'ivf'; cells: number; nprobe: number };

/** Above this many rows the search is approximate (IVF) unless `exact` is set: 20,000 rows exactly take 2–3 s here. */
const EXACT_UP_TO = 20_000;

export interface DuplicateOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Rows per block (default 2048). */
  block?: number;
  /** ORT threads (default: all). */
  threads?: number;
  /** Below this many rows the search runs inline in plain JS (default 256). */
  inlineBelow?: number;
  /** true: always exact; false: always the IVF index; default: exact up to EXACT_UP_TO rows. */
  exact?: boolean;
  /** IVF: rows per cell (default 500) and cells probed per row, its own included (default 8). */
  cellSize?: number;
  nprobe?: number;
}

function workerFile(): string {
  const js = path.join(__dirname, 'dupWorker.js');
  return existsSync(js) ? js : path.join(__dirname, 'dupWorker.ts');
}

/** Pairs of normalised rows with cosine ≥ threshold (all of them when exact; those the IVF index reaches above EXACT_UP_TO rows), and their union-find clusters. */
export async function findNearDuplicates(vectors: Float32Array, dim: number, threshold: number, opts: DuplicateOptions = {}): Promise<DuplicateSearch> {
  const n = dim ? Math.floor(vectors.length / dim) : 0;
  const start = performance.now();
  if (opts.signal?.aborted) throw abortError();
  // float32 rounding must not drop an exact duplicate at threshold 1
  const t = threshold - 1e-6;
  const exact = n < 2 || (opts.exact ?? n <= EXACT_UP_TO);
  const found: Found =
    exact && n < (opts.inlineBelow ?? 256) ? { pairs: pairsAboveJs(vectors, dim, t), method: 'exact' } : await inWorker(vectors, dim, t, exact, opts);
  return { n, threshold, ...found, clusters: clustersOf(n, found.pairs), seconds: (performance.now() - start) / 1000 };
}

type Found = { pairs: PairList } & DuplicateMethod;

function inWorker(vectors: Float32Array, dim: number, threshold: number, exact: boolean, opts: DuplicateOptions): Promise<Found> {
  const file = workerFile();
  const worker = file.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true }) : new Worker(file);
  return new Promise<Found>((resolve, reject) => {
    // Terminating a worker inside ORT's native code aborts the process: it is asked to stop
    // between blocks instead, and terminated once it says so.
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const stop = () => {
      Atomics.store(cancel, 0, 1);
      reject(abortError());
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    const finish = () => {
      opts.signal?.removeEventListener('abort', stop);
      void worker.terminate();
    };
    worker.on('message', (m: Partial<Found> & { progress?: { done: number; total: number }; error?: string; cancelled?: boolean }) => {
      if (m.progress) return Atomics.load(cancel, 0) ? undefined : opts.onProgress?.(m.progress.done, m.progress.total);
      finish();
      if (m.pairs) resolve(m as Found);
      else reject(new Error(`near-duplicate search failed: ${m.error}`));
    });
    worker.on('error', (e) => {
      finish();
      reject(e);
    });
    // A copy goes to the worker (moved, not cloned again): the caller keeps its matrix (the panel searches it too).
    const ivf = exact ? undefined : { cellSize: opts.cellSize ?? 500, nprobe: opts.nprobe ?? 8, sample: 20_000, iterations: 4 };
    const copy = vectors.slice();
    worker.postMessage({ vectors: copy, dim, threshold, block: opts.block ?? 2048, threads: opts.threads ?? 0, ivf, cancel }, [copy.buffer]);
  });
}

/** The rows of a folder's embedded images (classifiers/zeroShot/folderEmbeddings). */
export interface EmbeddedRows {
  ids: readonly string[];
  dim: number;
  vectors: Float32Array;
}

/**
 * The report's near-duplicate section for a folder: pairs with ids and label disagreements, and the
 * clusters. `report --duplicates` and the panel both call this.
 */
export async function folderNearDuplicates(
  images: readonly ReportImage[],
  rows: EmbeddedRows,
  threshold = DEFAULT_DUPLICATE_THRESHOLD,
  opts: DuplicateOptions = {},
): Promise<NearDuplicates & { seconds: number }> {
  const s = await findNearDuplicates(rows.vectors, rows.dim, threshold, opts);
  const labels = new Map<string, readonly string[] | null>();
  for (const img of images) {
    const r = img.sidecar?.review;
    labels.set(img.relPath, r && DECIDED_STATUSES.includes(r.status) ? r.labels : null);
  }
  return {
    threshold,
    pairs: toDuplicatePairs(s.pairs, rows.ids, (id) => labels.get(id)),
    clusters: s.clusters.map((c) => c.map((i) => rows.ids[i]).sort()),
    seconds: s.seconds,
    search: s.method === 'ivf' ? { method: 'ivf', cells: s.cells, nprobe: s.nprobe } : { method: 'exact' },
  };
}
