// Ranking by cosine over a row-major matrix of L2-normalised embeddings: text search, "more like
// this". One pass over the matrix (four rows per pass over the query), then a bounded heap for the
// top k: ~50 M multiply-adds for 100,000 512-d rows.

/** scores[i] = rows[i] · q (cosine for normalised rows and query). */
export function dotAll(rows: Float32Array, dim: number, q: Float32Array, out = new Float32Array(Math.floor(rows.length / dim))): Float32Array {
  const n = out.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    const o0 = i * dim;
    const o1 = o0 + dim;
    const o2 = o1 + dim;
    const o3 = o2 + dim;
    for (let t = 0; t < dim; t++) {
      const x = q[t];
      a0 += rows[o0 + t] * x;
      a1 += rows[o1 + t] * x;
      a2 += rows[o2 + t] * x;
      a3 += rows[o3 + t] * x;
    }
    out[i] = a0;
    out[i + 1] = a1;
    out[i + 2] = a2;
    out[i + 3] = a3;
  }
  for (; i < n; i++) {
    let a = 0;
    const o = i * dim;
    for (let t = 0; t < dim; t++) a += rows[o + t] * q[t];
    out[i] = a;
  }
  return out;
}

export interface Ranked {
  index: number;
  score: number;
}

/** The k best scores, best first (ties: lower index first). `skip` indices are left out. */
export function topK(scores: Float32Array, k: number, skip: ReadonlySet<number> = new Set()): Ranked[] {
  const heap: Ranked[] = []; // min-heap on (score, -index)
  const worse = (a: Ranked, b: Ranked) => a.score < b.score || (a.score === b.score && a.index > b.index);
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  if (k <= 0) return [];
  for (let i = 0; i < scores.length; i++) {
    // Once the heap is full, a score below its worst cannot enter: no object, no set lookup.
    if (heap.length === k && scores[i] < heap[0].score) continue;
    if (skip.size && skip.has(i)) continue;
    const c = { index: i, score: scores[i] };
    if (heap.length < k) {
      heap.push(c);
      up(heap.length - 1);
    } else if (worse(heap[0], c)) {
      heap[0] = c;
      down(0);
    }
  }
  return heap.sort((a, b) => b.score - a.score || a.index - b.index);
}

/** Mean of the given rows, L2-normalised: the query for "more like these". */
export function meanRow(rows: Float32Array, dim: number, indices: readonly number[]): Float32Array {
  const q = new Float32Array(dim);
  for (const i of indices) for (let t = 0; t < dim; t++) q[t] += rows[i * dim + t];
  let s = 0;
  for (let t = 0; t < dim; t++) s += q[t] * q[t];
  const n = Math.sqrt(s) || 1;
  for (let t = 0; t < dim; t++) q[t] /= n;
  return q;
}
