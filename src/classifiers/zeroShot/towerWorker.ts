// Runs the model towers in a worker thread. onnxruntime-node's session.run executes synchronously on
// the thread that calls it, so inference here keeps the extension host's event loop free.
// Protocol: { id, op, args } in, { id, ok, value | error } out; progress events are forwarded.
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { ZeroShotConfig } from '../config';
import { loadTowersDirect, type Towers } from './modelLoader';
import { withoutStrayReads } from './strayReads';

type Req = { id: number; op: 'load'; args: Omit<ZeroShotConfig, 'onProgress'> } | { id: number; op: 'encodeText'; args: { texts: string[] } } | { id: number; op: 'tokenCounts'; args: { texts: string[] } } | { id: number; op: 'encodeImages'; args: { pixels: Float32Array; n: number; h: number; w: number } } | { id: number; op: 'joint'; args: { texts: string[]; pixels: Float32Array; h: number; w: number } } | { id: number; op: 'dispose'; args: Record<string, never> } | { id: number; op: 'heap'; args: { gc?: boolean } };

const port = parentPort!;

let towers: Towers | undefined;

function flat(rows: Float32Array[]): { data: Float32Array; n: number; d: number } {
  const d = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => data.set(r, i * d));
  return { data, n: rows.length, d };
}

port.on('message', async (req: Req) => {
  try {
    let value: unknown;
    let transfer: ArrayBuffer[] = [];
    switch (req.op) {
      case 'load': {
        const args = req.args;
        towers = await withoutStrayReads(() => loadTowersDirect({ ...args, onProgress: (p) => port.postMessage({ id: req.id, progress: p }) }));
        const { encodeText: _a, encodeImages: _b, jointLogits: _c, dispose: _d, tokenCounts: _e, ...meta } = towers;
        value = meta;
        break;
      }
      case 'encodeText': {
        const f = flat(await towers!.encodeText(req.args.texts));
        value = f;
        transfer = [f.data.buffer as ArrayBuffer];
        break;
      }
      case 'tokenCounts':
        value = await towers!.tokenCounts(req.args.texts);
        break;
      case 'encodeImages': {
        const { pixels, n, h, w } = req.args;
        const f = flat(await towers!.encodeImages(pixels, n, h, w));
        // The pixel buffer goes back to the caller's pool: no 10 MB allocation per batch on either side.
        value = { ...f, pixels };
        transfer = [f.data.buffer as ArrayBuffer, pixels.buffer as ArrayBuffer];
        break;
      }
      case 'joint': {
        const { texts, pixels, h, w } = req.args;
        const r = await withoutStrayReads(() => towers!.jointLogits(texts, pixels, h, w));
        value = { logits: r.logits, text: flat(r.text), image: r.image };
        break;
      }
      case 'heap': {
        // Diagnostics: this thread's V8 heap, after a full GC when the process runs with --expose-gc.
        if (req.args.gc) (globalThis as { gc?: () => void }).gc?.();
        const h = getHeapStatistics();
        value = { used: h.used_heap_size, total: h.total_heap_size, external: h.external_memory, malloced: h.malloced_memory };
        break;
      }
      case 'dispose':
        await towers?.dispose();
        towers = undefined;
        value = null;
        break;
    }
    port.postMessage({ id: req.id, ok: true, value }, transfer);
  } catch (e) {
    const err = e as Error;
    port.postMessage({ id: req.id, ok: false, error: { name: err.name, message: err.message } });
  }
});
