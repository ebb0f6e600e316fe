// Runs adapter jobs in a worker thread: the L-BFGS loop and ORT's GEMMs never block the caller.
import { parentPort } from 'node:worker_threads';
import { runAdapterJob, type AdapterJob } from './adapterJob';

parentPort!.on('message', (job: AdapterJob) => {
  runAdapterJob(job).then(
    (r) => parentPort!.postMessage({ ok: true, result: r }, [r.v.buffer as ArrayBuffer]),
    (e: Error) => parentPort!.postMessage({ ok: false, error: e?.stack ?? String(e) }),
  );
});
