// Label-issue finder: suspect human labels ranked by self-confidence (as in cleanlab's
// rank_by='self_confidence'), and near-duplicate image pairs from embeddings. Pure math over plain
// inputs; computing the scores or embeddings is the classifier's job.
import { pairsAboveJs, type PairList } from '../similarity/clusters';

export interface LabeledScores {
  id: string;
  /** Human labels (non-empty). */
  labels: readonly string[];
  /** Model score per category, comparable across images (one checkpoint). */
  scores: Readonly<Record<string, number>>;
}

export interface SuspectLabel {
  id: string;
  labels: string[];
  /** The human label the model finds least likely. */
  label: string;
  /** Its score: the self-confidence. Lower is more suspect. */
  self_confidence: number;
  /** The category the model scores highest, and its score. */
  predicted: string;
  predicted_score: number;
  /**
   * Confident learning (cleanlab's confident joint): among categories whose score reaches that
   * category's threshold (the mean self-confidence of the images labelled with it), the best one
   * is not a human label.
   */
  flagged: boolean;
}

export interface SuspectResult {
  /** Ranked: lowest self-confidence first (ties: id order). */
  ranked: SuspectLabel[];
  /** Per-category threshold t_j: mean score of j over the images labelled j. */
  thresholds: Record<string, number>;
  checked: number;
  flagged: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Ranks labelled images by self-confidence. An image's self-confidence is the score of its least
 * likely human label; labels missing from `scores` are ignored (an image with none left is skipped).
 */
export function suspectLabels(items: readonly LabeledScores[], opts: { limit?: number } = {}): SuspectResult {
  const usable = items
    .map((it) => ({ ...it, labels: [...new Set(it.labels)].filter((l) => typeof it.scores[l] === 'number') }))
    .filter((it) => it.labels.length > 0);
  const sum = new Map<string, number>();
  const count = new Map<string, number>();
  for (const it of usable) {
    for (const l of it.labels) {
      sum.set(l, (sum.get(l) ?? 0) + it.scores[l]);
      count.set(l, (count.get(l) ?? 0) + 1);
    }
  }
  const thresholds: Record<string, number> = {};
  for (const [l, s] of [...sum].sort((a, b) => cmp(a[0], b[0]))) thresholds[l] = s / count.get(l)!;
  const ranked: SuspectLabel[] = usable.map((it) => {
    let label = it.labels[0];
    for (const l of it.labels) if (it.scores[l] < it.scores[label]) label = l;
    let predicted = '';
    let predictedScore = -Infinity;
    let confident = '';
    let confidentScore = -Infinity;
    for (const [c, s] of Object.entries(it.scores)) {
      if (s > predictedScore || (s === predictedScore && cmp(c, predicted) < 0)) [predicted, predictedScore] = [c, s];
      const t = thresholds[c];
      if (t !== undefined && s >= t && (s > confidentScore || (s === confidentScore && cmp(c, confident) < 0))) [confident, confidentScore] = [c, s];
    }
    return {
      id: it.id,
      labels: [...it.labels].sort(),
      label,
      self_confidence: it.scores[label],
      predicted,
      predicted_score: predictedScore,
      flagged: confident !== '' && !it.labels.includes(confident),
    };
  });
  ranked.sort((a, b) => a.self_confidence - b.self_confidence || cmp(a.id, b.id));
  const flagged = ranked.filter((r) => r.flagged).length;
  return { ranked: opts.limit !== undefined ? ranked.slice(0, opts.limit) : ranked, thresholds, checked: ranked.length, flagged };
}

/** Cosine similarity of two vectors (0 when either is all zeros). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cosine: lengths differ (${a.length} vs ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export interface EmbeddedImage {
  id: string;
  embedding: ArrayLike<number>;
  /** Human labels; null/undefined when the image has no decided review. */
  labels?: readonly string[] | null;
}

export interface DuplicatePair {
  a: string;
  b: string;
  cosine: number;
  /** Both images are labelled and their label sets differ. */
  different_labels: boolean;
}

/** Default cosine above which two images count as near duplicates. */
export const DEFAULT_DUPLICATE_THRESHOLD = 0.95;

/** The near-duplicate section of a report: pairs and the clusters they join into. */
export interface NearDuplicates {
  threshold: number;
  pairs: DuplicatePair[];
  /** Images joined by chains of pairs (union-find), each sorted, largest cluster first. */
  clusters: string[][];
  /** How the pairs were found: exactly, or by an IVF index (approximate; a pair can be missed). */
  search?: DuplicateSearchMethod;
}

export interface DuplicateSearchMethod {
  method: 'exact' | 'ivf';
  /** IVF: cells of the index and cells probed per image. */
  cells?: number;
  nprobe?: number;
}

/** One line on how the pairs were found, for the report and the CLI. */
export function describeSearch(s: DuplicateSearchMethod | undefined): string {
  if (!s || s.method === 'exact') return 'Exact search (every pair compared).';
  return `Approximate search (IVF index: ${s.cells} cells, each image compared with the images of its ${s.nprobe} nearest cells); a pair can be missed.`;
}

/** Decided human labels by id, for marking pairs labelled differently. */
export function labelledDifferently(la: readonly string[] | null | undefined, lb: readonly string[] | null | undefined): boolean {
  if (!la || !lb) return false;
  const a = new Set(la);
  const b = new Set(lb);
  return !(a.size === b.size && [...a].every((l) => b.has(l)));
}

/** Pairs of ids with their cosine as the report lists them: a < b, most similar first (ties: ids). */
export function toDuplicatePairs(pairs: PairList, ids: readonly string[], labels: (id: string) => readonly string[] | null | undefined): DuplicatePair[] {
  const out: DuplicatePair[] = [];
  for (let k = 0; k < pairs.i.length; k++) {
    let [a, b] = [ids[pairs.i[k]], ids[pairs.j[k]]];
    if (cmp(b, a) < 0) [a, b] = [b, a];
    out.push({ a, b, cosine: pairs.cos[k], different_labels: labelledDifferently(labels(a), labels(b)) });
  }
  return out.sort((x, y) => y.cosine - x.cosine || cmp(x.a, y.a) || cmp(x.b, y.b));
}

/**
 * Every pair with cosine >= threshold, most similar first (ties: ids), exactly, in plain JS
 * (blocked, O(n²·d)): small sets. Folders of any size go through classifiers/similarity, which
 * runs the same search as matrix products in a worker thread.
 */
export function nearDuplicates(items: readonly EmbeddedImage[], threshold = DEFAULT_DUPLICATE_THRESHOLD): DuplicatePair[] {
  const dim = items[0]?.embedding.length ?? 0;
  const rows = new Float32Array(items.length * dim);
  items.forEach((it, r) => {
    if (it.embedding.length !== dim) throw new RangeError(`embedding lengths differ: ${items[0].id} vs ${it.id}`);
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += it.embedding[i] * it.embedding[i];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < dim; i++) rows[r * dim + i] = it.embedding[i] / norm;
  });
  const byId = new Map(items.map((it) => [it.id, it.labels]));
  // float32 rounding must not drop an exact duplicate at threshold 1
  return toDuplicatePairs(pairsAboveJs(rows, dim, threshold - 1e-6), items.map((it) => it.id), (id) => byId.get(id));
}
