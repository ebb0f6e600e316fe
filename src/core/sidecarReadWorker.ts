// Worker thread of readTextsInWorker / sizesInWorker / stampsInWorker: reads (or stats) each file with one synchronous
// call (no promise and no thread-pool round trips per file, as fs.readFile has) and posts the results in batches. It stays
// at most `ahead` batches in front of the parser (Atomics.wait on the shared counter).
import { readFileSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { stampOf, type ReadOutcome, type ReadRequest } from './sidecarBatchRead';

const { op, paths, batch, ahead, consumed } = workerData as ReadRequest;
let sent = 0;
for (let from = 0; from < paths.length; from += batch) {
  while (sent - Atomics.load(consumed, 0) >= ahead) Atomics.wait(consumed, 0, Atomics.load(consumed, 0), 1000);
  const items: ReadOutcome[] = [];
  for (let i = from; i < Math.min(paths.length, from + batch); i++) {
    try {
      if (op === 'text') items.push(readFileSync(paths[i], 'utf8'));
      else if (op === 'size') items.push(statSync(paths[i]).size);
      else items.push(stampOf(statSync(paths[i])));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      items.push(op !== 'size' && err.code === 'ENOENT' ? null : { error: err.message, code: err.code });
    }
  }
  parentPort!.postMessage({ from, items });
  sent++;
}
