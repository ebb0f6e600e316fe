// Many sidecars read off the main thread, for folders of thousands of images: a worker thread reads
// them with synchronous calls and posts the texts in batches, and the caller parses each batch as it
// arrives, so reading and parsing overlap on two cores (100,000 sidecars: see README "At scale").
import { existsSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { abortError } from './cancel';

/** A file's text (or size, or stamp); null when it does not exist (text and stamp); `{ error }` when it cannot be read. */
export type ReadOutcome = string | number | null | ReadFailure;

/** What tells one version of a file from another without reading it: modification time, size and inode (an atomic write's rename gives a new inode). */
export const stampOf = (st: Pick<Stats, 'mtimeMs' | 'size' | 'ino'>): string => `${st.mtimeMs}/${st.size}/${st.ino}`;
export interface ReadFailure {
  error: string;
  code?: string;
}

export interface ReadRequest {
  op: 'text' | 'size' | 'stamp';
  paths: string[];
  batch: number;
  /** Batches the worker may read ahead of the parser. */
  ahead: number;
  /** Batches the parser has taken (shared with the worker). */
  consumed: Int32Array;
}

function workerFile(): string {
  const js = path.join(__dirname, 'sidecarReadWorker.js');
  return existsSync(js) ? js : path.join(__dirname, 'sidecarReadWorker.ts');
}

/**
 * Reads every path's text in a worker, calling `onBatch` in order on the main thread. Rejects when
 * the worker cannot start (the caller falls back to async reads) or with an AbortError on `signal`.
 */
export function readTextsInWorker(
  paths: string[],
  onBatch: (from: number, items: (string | null | ReadFailure)[]) => void,
  opts: { signal?: AbortSignal; batch?: number } = {},
): Promise<void> {
  return inWorker('text', paths, onBatch as (from: number, items: ReadOutcome[]) => void, opts);
}

/** Every path's size (stat, following links) or why it cannot be read, in order, from a worker. */
export async function sizesInWorker(paths: string[], signal?: AbortSignal): Promise<(number | ReadFailure)[]> {
  const out: (number | ReadFailure)[] = new Array(paths.length);
  await inWorker('size', paths, (from, items) => items.forEach((x, k) => (out[from + k] = x as number | ReadFailure)), { signal, batch: 5000 });
  return out;
}

/** Every path's stamp (stampOf), null when it does not exist, or why it cannot be read, in order, from a worker. */
export async function stampsInWorker(paths: string[], signal?: AbortSignal): Promise<(string | null | ReadFailure)[]> {
  const out: (string | null | ReadFailure)[] = new Array(paths.length);
  await inWorker('stamp', paths, (from, items) => items.forEach((x, k) => (out[from + k] = x as string | null | ReadFailure)), { signal, batch: 5000 });
  return out;
}

function inWorker(
  op: ReadRequest['op'],
  paths: string[],
  onBatch: (from: number, items: ReadOutcome[]) => void,
  opts: { signal?: AbortSignal; batch?: number },
): Promise<void> {
  if (opts.signal?.aborted) return Promise.reject(abortError());
  const batch = opts.batch ?? 500;
  const total = Math.ceil(paths.length / batch);
  if (!total) return Promise.resolve();
  const consumed = new Int32Array(new SharedArrayBuffer(4));
  const workerData: ReadRequest = { op, paths, batch, ahead: 4, consumed };
  const file = workerFile();
  const worker = file.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData }) : new Worker(file, { workerData });
  return new Promise<void>((resolve, reject) => {
    let taken = 0;
    let settled = false;
    const finish = (e?: unknown) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', abort);
      void worker.terminate();
      if (e) reject(e);
      else resolve();
    };
    // Plain file reads: terminating the worker mid-read is safe.
    const abort = () => finish(abortError());
    opts.signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (m: { from: number; items: ReadOutcome[] }) => {
      if (settled) return;
      try {
        onBatch(m.from, m.items);
      } catch (e) {
        return finish(e);
      }
      Atomics.add(consumed, 0, 1);
      Atomics.notify(consumed, 0);
      if (++taken === total) finish();
    });
    worker.on('error', (e) => finish(e));
    worker.on('exit', (code) => taken < total && finish(new Error(`the sidecar reader stopped (exit ${code})`)));
  });
}
