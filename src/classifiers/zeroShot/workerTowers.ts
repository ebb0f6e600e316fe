// The main-thread side of towerWorker: the same Towers interface, every call a message to the worker.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadProgress } from '../../core/classifier';
import type { ZeroShotConfig } from '../config';
import { ModelLoadError, type Towers, type WorkerHeap } from './modelLoader';

type Flat = { data: Float32Array; n: number; d: number };
const rows = (f: Flat) => Array.from({ length: f.n }, (_, i) => f.data.subarray(i * f.d, (i + 1) * f.d));

/** Batches in flight plus one being filled. */
const POOL_SIZE = 3;

function workerFile(): string {
  // Bundled: dist/towerWorker.js next to the bundle. From source (tests via tsx): the .ts file.
  const js = path.join(__dirname, 'towerWorker.js');
  return existsSync(js) ? js : path.join(__dirname, 'towerWorker.ts');
}

/** Copies a view that does not own its whole buffer, so the transfer cannot detach someone else's data. */
function own(a: Float32Array): Float32Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

export async function loadTowersInWorker(cfg: ZeroShotConfig): Promise<Towers> {
  const file = workerFile();
  // From source (tests run through tsx), the worker registers the TypeScript loader itself first.
  const worker = file.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true })
    : new Worker(file);
  worker.unref();
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: (p: LoadProgress) => void }>();
  let dead: Error | undefined;
  worker.on('message', (m: { id: number; ok?: boolean; value?: unknown; error?: { name: string; message: string }; progress?: LoadProgress }) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.progress) return p.progress?.(m.progress);
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else {
      const e = m.error!.name === 'ModelLoadError' ? new ModelLoadError(m.error!.message) : new Error(m.error!.message);
      p.reject(e);
    }
  });
  const fail = (e: Error) => {
    dead = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', (e) => fail(new Error(`The model worker crashed: ${e.message}`)));
  worker.on('exit', (code) => fail(new Error(`The model worker exited (code ${code}).`)));
  const call = <T>(op: string, args: unknown, transfer: ArrayBuffer[] = [], progress?: (p: LoadProgress) => void): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      worker.ref();
      worker.postMessage({ id, op, args }, transfer);
    }).finally(() => {
      if (!pending.size) worker.unref();
    });
  };
  // Pixel buffers travel to the worker and back (transferred, never copied) and are reused.
  const pool: Float32Array[] = [];
  const { onProgress, ...plain } = cfg;
  let meta: Omit<Towers, 'encodeText' | 'encodeImages' | 'jointLogits' | 'dispose' | 'tokenCounts'>;
  try {
    meta = await call('load', plain, [], onProgress);
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  return {
    ...meta,
    async encodeText(texts) {
      return rows(await call<Flat>('encodeText', { texts }));
    },
    tokenCounts(texts) {
      return call<number[]>('tokenCounts', { texts });
    },
    pixelBuffer(length) {
      const i = pool.findIndex((b) => b.length === length);
      return i >= 0 ? pool.splice(i, 1)[0] : new Float32Array(length);
    },
    async encodeImages(pixels, n, h, w) {
      const px = own(pixels);
      const r = await call<Flat & { pixels: Float32Array }>('encodeImages', { pixels: px, n, h, w }, [px.buffer as ArrayBuffer]);
      if (pool.length < POOL_SIZE) pool.push(r.pixels);
      return rows(r);
    },
    async jointLogits(texts, pixels, h, w) {
      const r = await call<{ logits: number[]; text: Flat; image: Float32Array }>('joint', { texts, pixels, h, w });
      return { logits: r.logits, text: rows(r.text), image: r.image };
    },
    heap(gc = false) {
      return call<WorkerHeap>('heap', { gc });
    },
    async dispose() {
      if (!dead) await call('dispose', {}).catch(() => undefined);
      dead ??= new Error('The model was disposed.');
      await worker.terminate();
    },
  };
}
