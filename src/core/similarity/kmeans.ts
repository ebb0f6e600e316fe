// Spherical k-means (cosine) for grouping images by embedding: k-means++ seeding and Lloyd
// iterations on a seeded sample of at most `sample` rows, then every row assigned to its nearest
// centroid. Rows are L2-normalised, so the nearest centroid is the largest dot product.
import { dotAll } from './rank';

export interface KMeansResult {
  k: number;
  /** Cluster of each row. */
  assignment: Int32Array;
  /** k × dim, normalised. */
  centroids: Float32Array;
  sizes: Int32Array;
}

export function kmeans(rows: Float32Array, dim: number, k: number, opts: { seed?: number; iterations?: number; sample?: number } = {}): KMeansResult {
  const n = Math.floor(rows.length / dim);
  k = Math.max(1, Math.min(k, n));
  let s = opts.seed ?? 1;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const m = Math.min(n, opts.sample ?? 10_000);
  const pick = new Int32Array(m);
  for (let i = 0; i < m; i++) pick[i] = m === n ? i : Math.floor(rnd() * n);
  const sample = new Float32Array(m * dim);
  pick.forEach((r, i) => sample.set(rows.subarray(r * dim, (r + 1) * dim), i * dim));
  // k-means++ on the sample (distance for unit vectors: 1 - cos)
  const cent = new Float32Array(k * dim);
  const best = new Float64Array(m).fill(Infinity);
  let c0 = Math.floor(rnd() * m);
  for (let c = 0; c < k; c++) {
    cent.set(sample.subarray(c0 * dim, (c0 + 1) * dim), c * dim);
    const sims = dotAll(sample, dim, cent.subarray(c * dim, (c + 1) * dim));
    let total = 0;
    for (let i = 0; i < m; i++) {
      best[i] = Math.min(best[i], Math.max(0, 1 - sims[i]));
      total += best[i];
    }
    let r = rnd() * total;
    c0 = m - 1;
    for (let i = 0; i < m; i++) if ((r -= best[i]) <= 0) {
      c0 = i;
      break;
    }
  }
  const assign = (data: Float32Array, count: number, out: Int32Array) => {
    const score = new Float32Array(count).fill(-Infinity);
    const sims = new Float32Array(count);
    for (let c = 0; c < k; c++) {
      dotAll(data, dim, cent.subarray(c * dim, (c + 1) * dim), sims);
      for (let i = 0; i < count; i++) if (sims[i] > score[i]) [score[i], out[i]] = [sims[i], c];
    }
  };
  const sa = new Int32Array(m);
  for (let it = 0; it < (opts.iterations ?? 8); it++) {
    assign(sample, m, sa);
    cent.fill(0);
    for (let i = 0; i < m; i++) for (let t = 0; t < dim; t++) cent[sa[i] * dim + t] += sample[i * dim + t];
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let t = 0; t < dim; t++) norm += cent[c * dim + t] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let t = 0; t < dim; t++) cent[c * dim + t] /= norm;
    }
  }
  const assignment = new Int32Array(n);
  assign(rows, n, assignment);
  const sizes = new Int32Array(k);
  for (const a of assignment) sizes[a]++;
  return { k, assignment, centroids: cent, sizes };
}
