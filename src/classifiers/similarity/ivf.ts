// The approximate near-duplicate search for large folders (runs in dupWorker): an inverted-file
// (IVF) index. Spherical k-means on a seeded sample gives ~n/cellSize coarse centroids; every row
// has a home cell (its nearest centroid) and probes its `nprobe` nearest cells (home included). Each
// cell's rows are compared, through the pairs-above graph, with every row that probes the cell, so a
// pair (i, j) is found when home(j) ∈ probes(i) or home(i) ∈ probes(j): about n·nprobe·cellSize
// products instead of n²/2. A pair whose rows land in far-apart cells is missed (measured recall in
// the README). All products run in ONNX Runtime; the JS here only gathers rows and sums centroids.
import * as ort from 'onnxruntime-node';
import { PairSink } from '../../core/similarity/clusters';

export interface IvfOptions {
  /** Rows per cell (default 500): k = round(n / cellSize) centroids. */
  cellSize: number;
  /** Cells each row probes, its home included (default 8). */
  nprobe: number;
  /** Rows of the k-means sample (default 20,000) and Lloyd iterations on it (default 4). */
  sample: number;
  iterations: number;
  /** Rows per block through ORT. */
  block: number;
}

export interface IvfContext {
  pairs: ort.InferenceSession;
  nearest: ort.InferenceSession;
  /** True once the caller asked to stop: checked between ORT runs. */
  cancelled: () => boolean;
  progress: (done: number, total: number) => void;
}

export interface IvfResult {
  sink: PairSink;
  cells: number;
  nprobe: number;
}

const tensor = (data: Float32Array, rows: number, dim: number) => new ort.Tensor('float32', data, [rows, dim]);

/** The p nearest centroids of every row, largest first (n × p), in blocks. Null when cancelled. */
async function nearestCells(ctx: IvfContext, rows: Float32Array, dim: number, cent: ort.Tensor, p: number, block: number): Promise<Int32Array | null> {
  const n = Math.floor(rows.length / dim);
  const out = new Int32Array(n * p);
  const k = new ort.Tensor('int64', BigInt64Array.of(BigInt(p)), [1]);
  for (let from = 0; from < n; from += block) {
    if (ctx.cancelled()) return null;
    const m = Math.min(block, n - from);
    const r = await ctx.nearest.run({ a: tensor(rows.subarray(from * dim, (from + m) * dim), m, dim), c: cent, k });
    const idx = r.idx.data as BigInt64Array;
    for (let t = 0; t < m * p; t++) out[from * p + t] = Number(idx[t]);
  }
  return out;
}

/** Rows listed by cell: keys hold p cells a row (row = position / p); cell c's rows are members[start[c] .. start[c + 1]). */
function invert(keys: Int32Array, k: number, p: number): { start: Int32Array; members: Int32Array } {
  const start = new Int32Array(k + 1);
  for (const c of keys) start[c + 1]++;
  for (let c = 0; c < k; c++) start[c + 1] += start[c];
  const fill = start.slice(0, k);
  const members = new Int32Array(keys.length);
  for (let x = 0; x < keys.length; x++) members[fill[keys[x]]++] = Math.floor(x / p);
  return { start, members };
}

function gather(rows: Float32Array, dim: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length * dim);
  for (let r = 0; r < idx.length; r++) out.set(rows.subarray(idx[r] * dim, (idx[r] + 1) * dim), r * dim);
  return out;
}

/** Spherical k-means on a seeded sample (random distinct rows to start), assignments through ORT. */
async function centroids(ctx: IvfContext, rows: Float32Array, dim: number, k: number, o: IvfOptions): Promise<Float32Array | null> {
  const n = Math.floor(rows.length / dim);
  let s = 1;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const m = Math.min(n, Math.max(o.sample, k));
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rnd() * (n - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const sample = gather(rows, dim, order.subarray(0, m));
  const cent = sample.slice(0, k * dim);
  for (let it = 0; it < o.iterations; it++) {
    const home = await nearestCells(ctx, sample, dim, tensor(cent, k, dim), 1, o.block);
    if (!home) return null;
    const sum = new Float32Array(k * dim);
    const count = new Int32Array(k);
    for (let i = 0; i < m; i++) {
      const c = home[i];
      count[c]++;
      for (let t = 0; t < dim; t++) sum[c * dim + t] += sample[i * dim + t];
    }
    for (let c = 0; c < k; c++) {
      if (!count[c]) continue; // an empty cell keeps its centroid
      let norm = 0;
      for (let t = 0; t < dim; t++) norm += sum[c * dim + t] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let t = 0; t < dim; t++) cent[c * dim + t] = sum[c * dim + t] / norm;
    }
  }
  return cent;
}

/** Every pair with cosine ≥ threshold that the index reaches, each once as (min, max). Null when cancelled. */
export async function ivfPairs(ctx: IvfContext, rows: Float32Array, dim: number, threshold: number, o: IvfOptions): Promise<IvfResult | null> {
  const n = Math.floor(rows.length / dim);
  const k = Math.max(1, Math.min(n, Math.round(n / o.cellSize)));
  const p = Math.max(1, Math.min(o.nprobe, k));
  const cent = await centroids(ctx, rows, dim, k, o);
  if (!cent) return null;
  const probes = await nearestCells(ctx, rows, dim, tensor(cent, k, dim), p, o.block);
  if (!probes) return null;
  const home = new Int32Array(n);
  for (let i = 0; i < n; i++) home[i] = probes[i * p];
  const data = invert(home, k, 1);
  const queries = invert(probes, k, p);
  const probed = (row: number, cell: number) => {
    for (let t = 0; t < p; t++) if (probes[row * p + t] === cell) return true;
    return false;
  };
  const t = new ort.Tensor('float32', Float32Array.of(threshold), [1]);
  const sink = new PairSink();
  for (let c = 0; c < k; c++) {
    const d = data.members.subarray(data.start[c], data.start[c + 1]);
    const q = queries.members.subarray(queries.start[c], queries.start[c + 1]);
    for (let dj = 0; dj < d.length; dj += o.block) {
      const dIdx = d.subarray(dj, dj + o.block);
      const b = tensor(gather(rows, dim, dIdx), dIdx.length, dim);
      for (let qi = 0; qi < q.length; qi += o.block) {
        if (ctx.cancelled()) return null;
        const qIdx = q.subarray(qi, qi + o.block);
        const out = await ctx.pairs.run({ a: tensor(gather(rows, dim, qIdx), qIdx.length, dim), b, t });
        const idx = out.idx.data as BigInt64Array;
        const cos = out.cos.data as Float32Array;
        for (let x = 0; x < cos.length; x++) {
          const i = qIdx[Number(idx[2 * x])];
          const j = dIdx[Number(idx[2 * x + 1])];
          // (i, j) is also reached from query j in cell home(i) when j probes it: emit once
          if (i === j || (i > j && probed(j, home[i]))) continue;
          sink.push(Math.min(i, j), Math.max(i, j), cos[x]);
        }
      }
    }
    ctx.progress(c + 1, k);
  }
  return { sink, cells: k, nprobe: p };
}
