// One adapter job: k-fold cross-validation (adapter vs zero-shot on the same held-out rows), then the
// fit on every label. Runs inside adapterWorker (off the extension host's and the CLI's thread).
import { argmaxRow, fitAdapter, type FitProblem } from '../../core/adapt/fit';
import { assignFolds, crossValidate, type CvResult } from '../../core/adapt/cv';
import { ortLossGrad } from './adapterGraph';

export interface AdapterJob {
  x: Float32Array;
  y: Int32Array;
  /** Same value = same image bytes: kept in one fold. */
  groups: string[];
  n: number;
  d: number;
  k: number;
  v0: Float32Array;
  scale: number;
  bias: number;
  kind: 'softmax' | 'sigmoid';
  folds: number;
  seed: number;
  lambda?: number;
  threads?: number;
}

export interface AdapterJobResult {
  v: Float32Array;
  cv: CvResult;
  /** The final fit on every label, ms (the benchmark figure). */
  fitMs: number;
  /** CPU time of the final fit, all threads of the process (ms): what the fit costs, whatever the load. */
  fitCpuMs: number;
  iterations: number;
}

async function fit(job: AdapterJob, rows: Int32Array) {
  const p: FitProblem = { ...job, rows };
  const ort = await ortLossGrad({ ...job, rows });
  try {
    return await fitAdapter(p, ort.fn);
  } finally {
    await ort.dispose();
  }
}

export async function runAdapterJob(job: AdapterJob): Promise<AdapterJobResult> {
  const fold = assignFolds(Array.from(job.y), job.groups, job.folds, job.seed);
  const cv = await crossValidate(job.y, fold, job.folds, (row) => argmaxRow(job.x, row, job.d, job.v0, job.k), async (train, test) => {
    const { v } = await fit(job, train);
    return Array.from(test, (row) => argmaxRow(job.x, row, job.d, v, job.k));
  });
  const t = performance.now();
  const cpu = process.cpuUsage();
  const all = Int32Array.from({ length: job.n }, (_, i) => i);
  const r = await fit(job, all);
  const used = process.cpuUsage(cpu);
  return { v: r.v, cv, fitMs: performance.now() - t, fitCpuMs: (used.user + used.system) / 1000, iterations: r.iterations };
}
