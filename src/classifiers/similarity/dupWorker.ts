// Worker thread of the near-duplicate search: every pair of row blocks (upper triangle) through the
// pairs-above graph in ONNX Runtime; progress after each block row; pairs returned as typed arrays.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { PairSink } from '../../core/similarity/clusters';
import { pairsAboveModel } from './pairsGraph';

export interface DupRequest {
  vectors: Float32Array;
  dim: number;
  threshold: number;
  block: number;
  threads: number;
  /** Set to 1 by the main thread to stop after the current block (a worker is never terminated inside ORT). */
  cancel: Int32Array;
}

const port = parentPort!;
port.on('message', async (req: DupRequest) => {
  try {
    const { vectors, dim, threshold, block, threads, cancel } = req;
    const n = Math.floor(vectors.length / dim);
    const session = await ort.InferenceSession.create(pairsAboveModel(), { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
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
        if (Atomics.load(cancel, 0)) {
          await session.release();
          port.postMessage({ cancelled: true });
          return;
        }
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
    await session.release();
    const list = sink.list();
    port.postMessage({ pairs: list }, [list.i.buffer as ArrayBuffer, list.j.buffer as ArrayBuffer, list.cos.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
  }
});
