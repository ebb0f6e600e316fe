// Clusters for bulk review: the unreviewed images grouped by embedding, so that a reviewer decides a
// whole group at once. Images that fit no category (fits_any false) are clustered on their own, so the
// groups show what the categories miss.
//
// Why spherical k-means (kmeans.ts) and not agglomerative clustering: agglomerative needs every pair's
// distance (O(n²) memory and time: 5·10⁹ pairs at 100,000 images), k-means is O(n·k·dim) per pass on
// a bounded sample plus one assignment pass, so it holds at any folder size; "spherical" because
// embeddings are compared by cosine. It is deterministic: the rows are put in id order first and
// k-means++ seeding draws from a seeded generator, so the same folder and seed give the same clusters.
import { kmeans } from './kmeans';

export interface ClusterItem {
  id: string;
  /** The image's predicted labels (the effective prediction); empty when nothing fits. */
  predicted: readonly string[];
  /** false: the prediction says no category fits. */
  fitsAny: boolean | null;
}

export type ClusterKind = 'fits' | 'nofit';

export interface ReviewCluster {
  kind: ClusterKind;
  /** Image ids, the one closest to the cluster's centre first. */
  ids: string[];
  /** The prediction most of its images have (labels, sorted; [] = no category fits) and how many have it. */
  majority: string[];
  majorityCount: number;
  /** Mean cosine of the images to the cluster's centre (1 = identical). */
  cohesion: number;
}

export interface ClusterOptions {
  seed?: number;
  /** Most clusters per group (default 40). */
  maxK?: number;
}

export const DEFAULT_CLUSTER_SEED = 1;

/** Clusters for n images: √(n/2) (the usual rule of thumb), at least one per distinct prediction, at most maxK. */
export function chooseK(n: number, distinctPredictions: number, maxK = 40): number {
  if (n <= 0) return 0;
  return Math.max(1, Math.min(n, maxK, Math.max(distinctPredictions, Math.ceil(Math.sqrt(n / 2)))));
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let x = 0;
  for (let t = 0; t < dim; t++) x += a[ao + t] * b[bo + t];
  return x;
}

/** A prediction as a key: its labels sorted (multi-label sets compare as sets). */
export const predictionKey = (labels: readonly string[]): string => JSON.stringify([...labels].sort());

/**
 * Clusters `items` (row i of `vectors` is items[i], L2-normalised, `dim` wide): those that fit a
 * category and those that fit none separately. Clusters come largest first, the fitting ones first.
 */
export function reviewClusters(items: readonly ClusterItem[], vectors: Float32Array, dim: number, opts: ClusterOptions = {}): ReviewCluster[] {
  const order = items.map((_, i) => i).sort((a, b) => (items[a].id < items[b].id ? -1 : items[a].id > items[b].id ? 1 : 0));
  const groups: Record<ClusterKind, number[]> = { fits: [], nofit: [] };
  for (const i of order) groups[items[i].fitsAny === false ? 'nofit' : 'fits'].push(i);
  const out: ReviewCluster[] = [];
  for (const kind of ['fits', 'nofit'] as const) {
    const rows = groups[kind];
    if (!rows.length) continue;
    const m = new Float32Array(rows.length * dim);
    rows.forEach((r, j) => m.set(vectors.subarray(r * dim, (r + 1) * dim), j * dim));
    const distinct = new Set(rows.map((r) => predictionKey(items[r].predicted))).size;
    const k = chooseK(rows.length, kind === 'fits' ? distinct : 1, opts.maxK);
    // Centroids are fitted on a sample of 50 rows a cluster (2,000 at least), then every row assigned.
    const res = kmeans(m, dim, k, { seed: opts.seed ?? DEFAULT_CLUSTER_SEED, sample: Math.max(2000, 50 * k) });
    const members: number[][] = Array.from({ length: res.k }, () => []);
    res.assignment.forEach((c, j) => members[c].push(j));
    // Each row's cosine to its own centre (one pass, not one per cluster).
    const sims = new Float32Array(rows.length);
    res.assignment.forEach((c, j) => (sims[j] = dot(m, j * dim, res.centroids, c * dim, dim)));
    const clusters: ReviewCluster[] = [];
    for (let c = 0; c < res.k; c++) {
      if (!members[c].length) continue;
      const mine = members[c].sort((a, b) => sims[b] - sims[a] || a - b);
      const counts = new Map<string, number>();
      for (const j of mine) {
        const key = predictionKey(items[rows[j]].predicted);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      // Most common prediction; ties go to the one that comes first in key order (deterministic).
      const [key, count] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      clusters.push({
        kind,
        ids: mine.map((j) => items[rows[j]].id),
        majority: JSON.parse(key) as string[],
        majorityCount: count,
        cohesion: mine.reduce((s, j) => s + sims[j], 0) / mine.length,
      });
    }
    clusters.sort((a, b) => b.ids.length - a.ids.length || (a.ids[0] < b.ids[0] ? -1 : 1));
    out.push(...clusters);
  }
  return out;
}
