// Worker thread of readTextsInWorker / sizesInWorker: reads (or stats) each file with one synchronous
// call (no promise and no thread-pool round trips per file, as fs.readFile has) and posts the results in batches. It stays
// at most `ahead` batches in front of the parser (Atomics.wait on the shared counter).
import { readFileSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ReadOutcome, ReadRequest } from './sidecarBatchRead';

const { op, paths, batch, ahead, consumed } = workerData as ReadRequest;
let sent = 0;
for (let from = 0; from < paths.length; from += batch) {
  while (sent - Atomics.load(consumed, 0) >= ahead) Atomics.wait(consumed, 0, Atomics.load(consumed, 0), 1000);
  const items: ReadOutcome[] = [];
  for (let i = from; i < Math.min(paths.length, from + batch); i++) {
    try {
      items.push(op === 'size' ? statSync(paths[i]).size : readFileSync(paths[i], 'utf8'));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      items.push(op === 'text' && err.code === 'ENOENT' ? null : { error: err.message, code: err.code });
    }
  }
  parentPort!.postMessage({ from, items });
  sent++;
}
