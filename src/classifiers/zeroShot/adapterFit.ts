// The caller's side of adapterWorker: one job, one worker, terminated when done.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AdapterJob, AdapterJobResult } from './adapterJob';

function workerFile(): string {
  // Bundled: dist/adapterWorker.js next to the bundle. From source (tests via tsx): the .ts file.
  const js = path.join(__dirname, 'adapterWorker.js');
  return existsSync(js) ? js : path.join(__dirname, 'adapterWorker.ts');
}

export function fitAdapterInWorker(job: AdapterJob): Promise<AdapterJobResult> {
  const file = workerFile();
  const w = file.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true }) : new Worker(file);
  return new Promise<AdapterJobResult>((resolve, reject) => {
    w.once('message', (m: { ok: boolean; result?: AdapterJobResult; error?: string }) => {
      if (m.ok) resolve(m.result!);
      else reject(new Error(`adapter fit failed: ${m.error}`));
    });
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`adapter worker exited with code ${code}`)));
    w.postMessage(job);
  }).finally(() => void w.terminate());
}
