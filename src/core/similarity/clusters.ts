// Near-duplicate pairs → clusters with union-find (path halving, union by size): every image linked
// by a chain of pairs above the threshold lands in one cluster, which a k-nearest list alone misses
// for clusters larger than k. Also the exact blocked pair search in plain JS (small folders, tests).

export class UnionFind {
  private parent: Int32Array;
  private size: Int32Array;

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }

  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra] < this.size[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb];
  }
}

/** Pairs of row indices (i < j) with their cosine, as parallel typed arrays. */
export interface PairList {
  i: Int32Array;
  j: Int32Array;
  cos: Float32Array;
}

/** Clusters of 2+ rows joined by the pairs; each sorted, the list by size (desc) then first row. */
export function clustersOf(n: number, pairs: PairList): number[][] {
  const uf = new UnionFind(n);
  for (let k = 0; k < pairs.i.length; k++) uf.union(pairs.i[k], pairs.j[k]);
  const linked = new Uint8Array(n);
  for (let k = 0; k < pairs.i.length; k++) linked[pairs.i[k]] = linked[pairs.j[k]] = 1;
  const groups = new Map<number, number[]>();
  for (let x = 0; x < n; x++) {
    if (!linked[x]) continue;
    const r = uf.find(x);
    const g = groups.get(r);
    if (g) g.push(x);
    else groups.set(r, [x]);
  }
  return [...groups.values()]
    .sort((a, b) => b.length - a.length || a[0] - b[0]);
}

/** Growable parallel arrays for pairs. */
export class PairSink {
  private n = 0;
  private cap = 1024;
  private a = new Int32Array(this.cap);
  private b = new Int32Array(this.cap);
  private c = new Float32Array(this.cap);

  push(i: number, j: number, cos: number): void {
    if (this.n === this.cap) {
      this.cap *= 2;
      const [a, b, c] = [new Int32Array(this.cap), new Int32Array(this.cap), new Float32Array(this.cap)];
      a.set(this.a);
      b.set(this.b);
      c.set(this.c);
      [this.a, this.b, this.c] = [a, b, c];
    }
    this.a[this.n] = i;
    this.b[this.n] = j;
    this.c[this.n++] = cos;
  }

  get length(): number {
    return this.n;
  }

  list(): PairList {
    return { i: this.a.slice(0, this.n), j: this.b.slice(0, this.n), cos: this.c.slice(0, this.n) };
  }
}

/**
 * Every pair i < j of normalised rows with cosine ≥ threshold, exactly, in blocks of `block` rows
 * (both blocks stay in cache). O(n²·d): for small folders and as the reference of the fast path.
 */
export function pairsAboveJs(rows: Float32Array, dim: number, threshold: number, block = 256): PairList {
  const n = Math.floor(rows.length / dim);
  const sink = new PairSink();
  for (let bi = 0; bi < n; bi += block) {
    for (let bj = bi; bj < n; bj += block) {
      for (let i = bi; i < Math.min(bi + block, n); i++) {
        const oi = i * dim;
        for (let j = Math.max(bj, i + 1); j < Math.min(bj + block, n); j++) {
          const oj = j * dim;
          let s = 0;
          for (let t = 0; t < dim; t++) s += rows[oi + t] * rows[oj + t];
          if (s >= threshold) sink.push(i, j, s);
        }
      }
    }
  }
  return sink.list();
}
