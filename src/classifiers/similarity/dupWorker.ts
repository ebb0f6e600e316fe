// Worker thread of the near-duplicate search. Exact: every pair of row blocks (upper triangle)
// through the pairs-above graph in ONNX Runtime, progress after each block row. IVF (ivf.ts): the
// approximate index for large folders, progress after each cell. Pairs return as typed arrays.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { PairSink } from '../../core/similarity/clusters';
import { nearestCellsModel, pairsAboveModel } from './pairsGraph';
import { ivfPairs, type IvfOptions } from './ivf';

export interface DupRequest {
  vectors: Float32Array;
  dim: number;
  threshold: number;
  block: number;
  threads: number;
  /** Set: the IVF index with these settings; absent: the exact search. */
  ivf?: Omit<IvfOptions, 'block'>;
  /** Set to 1 by the main thread to stop after the current block (a worker is never terminated inside ORT). */
  cancel: Int32Array;
}

const port = parentPort!;

async function exact(session: ort.InferenceSession, req: DupRequest): Promise<PairSink | null> {
  const { vectors, dim, threshold, block, cancel } = req;
  const n = Math.floor(vectors.length / dim);
  const t = new ort.Tensor('float32', Float32Array.of(threshold), [1]);
  const sink = new PairSink();
  const rows = (from: number) => {
    const m = Math.min(block, n - from);
    return new ort.Tensor('float32', vectors.subarray(from * dim, (from + m) * dim), [m, dim]);
  };
  const blocks = Math.ceil(n / block);
  const total = (blocks * (blocks + 1)) / 2;
  let done = 0;
  for (let bi = 0; bi < n; bi += block) {
    const a = rows(bi);
    for (let bj = bi; bj < n; bj += block) {
      if (Atomics.load(cancel, 0)) return null;
      const out = await session.run({ a, b: rows(bj), t });
      const idx = out.idx.data as BigInt64Array;
      const cos = out.cos.data as Float32Array;
      for (let k = 0; k < cos.length; k++) {
        const i = bi + Number(idx[2 * k]);
        const j = bj + Number(idx[2 * k + 1]);
        if (j > i) sink.push(i, j, cos[k]);
      }
      done++;
    }
    port.postMessage({ progress: { done, total } });
  }
  return sink;
}

port.on('message', async (req: DupRequest) => {
  const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: req.threads, interOpNumThreads: 1, executionMode: 'sequential' };
  const sessions: ort.InferenceSession[] = [];
  try {
    const pairs = await ort.InferenceSession.create(pairsAboveModel(), opts);
    sessions.push(pairs);
    let sink: PairSink | null;
    let method: { method: 'exact' } | { method: 'ivf'; cells: number; nprobe: number } = { method: 'exact' };
    if (req.ivf) {
      const nearest = await ort.InferenceSession.create(nearestCellsModel(), opts);
      sessions.push(nearest);
      const ctx = { pairs, nearest, cancelled: () => Atomics.load(req.cancel, 0) === 1, progress: (done: number, total: number) => port.postMessage({ progress: { done, total } }) };
      const r = await ivfPairs(ctx, req.vectors, req.dim, req.threshold, { ...req.ivf, block: req.block });
      sink = r?.sink ?? null;
      if (r) method = { method: 'ivf', cells: r.cells, nprobe: r.nprobe };
    } else sink = await exact(pairs, req);
    for (const s of sessions) await s.release();
    if (!sink) return port.postMessage({ cancelled: true });
    const list = sink.list();
    port.postMessage({ pairs: list, ...method }, [list.i.buffer as ArrayBuffer, list.j.buffer as ArrayBuffer, list.cos.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
  }
});
