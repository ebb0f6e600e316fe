// The classification run shared by the CLI and the extension: discover images, skip the ones whose
// prediction is current, classify the rest in batches (two in flight, so decoding overlaps inference),
// and write each result atomically to its sidecar. A failing image never stops the run.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Classifier, ImageInput } from './classifier';
import type { CategorySet, Prediction, Sidecar } from './types';
import { ROUTE_REVIEW, SIDECAR_SUFFIX } from './types';
import { applyPrediction, applyPredictionError, isPredictionCurrent, newSidecar, predictedLabels } from './sidecar';
import { SidecarCorruptError, createSidecar, readSidecar, updateSidecar } from './sidecarStore';
import { syncDir } from './atomicWrite';
import { discoverImages } from './discovery';
import { NO_USAGE, tokenTotals, usageBetween, type TokenTotals } from './tokens';
import { sweepDir, sweepLeftovers } from './leftovers';
import { inShard, leftoverImage, type Shard } from './shard';

/** Larger files are refused before reading (a decoder would refuse most of them anyway). */
export const MAX_IMAGE_BYTES = 512 * 1024 * 1024;

export interface RunImage {
  path: string;
  relPath: string;
  size: number;
}

export interface RunOptions {
  root: string;
  set: CategorySet;
  categoriesHash: string;
  classifier: Classifier;
  batchSize?: number;
  force?: boolean;
  signal?: AbortSignal;
  /** Pre-discovered images; otherwise the root is scanned. */
  images?: RunImage[];
  /** Adjusts each prediction before it is written (the cascade stamps what its VLM call followed). */
  stamp?: (p: Prediction, current: Sidecar | null) => Prediction;
  /** Classify only this deterministic share of the images (by a hash of the relative path). */
  shard?: Shard;
  onEvent?: (e: RunEvent) => void;
}

export type RunEvent =
  | { type: 'discovered'; total: number; problems: { path: string; message: string }[] }
  | { type: 'image'; relPath: string; path: string; status: 'classified' | 'skipped' | 'failed'; sidecar?: Sidecar; error?: string }
  | { type: 'progress'; done: number; total: number };

export interface RunSummary {
  root: string;
  checkpoint: string;
  classifier: string;
  /** Where the model ran (zero-shot), and why the requested device was not used, if so. */
  device?: string;
  deviceNote?: string;
  /** "K/N" when the run classified one shard of the folder. */
  shard?: string;
  total: number;
  classified: number;
  skipped: number;
  failed: number;
  cancelled: boolean;
  /** Predicted-label counts over classified and skipped (current) images. */
  perCategory: Record<string, number>;
  /** Images routed to review (nothing fits, or low confidence). */
  reviewQueue: number;
  errors: { relPath: string; message: string }[];
  warnings: string[];
  elapsedMs: number;
  /** VLM and cascade runs: images sent to the VLM in this run (a repair request is part of its image's call). */
  vlm_calls?: number;
  /** Cascade runs: images the zero-shot card settled, so the VLM was not asked. */
  vlm_calls_saved?: number;
  /** Cascade runs in VS Code: uncertain images not sent because the user declined consent (absent otherwise). */
  vlm_declined?: number;
  /** VLM and cascade runs: requests made (calls plus repair requests), and how many reported token usage. */
  vlm_requests?: number;
  vlm_requests_with_usage?: number;
  /** VLM and cascade runs: tokens the server reported in this run; null when it reported none (never 0). */
  tokens?: TokenTotals | null;
}

interface Loaded {
  img: RunImage;
  input?: ImageInput;
  sidecar: Sidecar | null;
  error?: string;
}

/** A failed sidecar write, said so that the user knows what to do. */
function writeProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') return 'cannot write the sidecar: no space left on device (ENOSPC); free some space and run again';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `cannot write the sidecar: the folder is not writable (${code}); fix its permissions and run again`;
  return (e as Error).message;
}

async function loadOne(img: RunImage): Promise<Loaded> {
  let sidecar: Sidecar | null = null;
  try {
    sidecar = await readSidecar(img.path);
  } catch (e) {
    if (e instanceof SidecarCorruptError) return { img, sidecar: null, error: e.message };
    // A sidecar that is a folder, unreadable, ...: this image fails alone.
    return { img, sidecar: null, error: `cannot read the sidecar ${path.basename(img.path)}${SIDECAR_SUFFIX}: ${(e as Error).message}` };
  }
  try {
    if (img.size > MAX_IMAGE_BYTES) throw new Error(`file is ${img.size} bytes, over the ${MAX_IMAGE_BYTES}-byte limit`);
    const bytes = await fs.readFile(img.path);
    if (bytes.length === 0) throw new Error('file is empty (0 bytes)');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { img, sidecar, input: { path: img.path, relPath: img.relPath, sha256, bytes } };
  } catch (e) {
    return { img, sidecar, error: `cannot read image: ${(e as Error).message}` };
  }
}


export async function runClassification(opts: RunOptions): Promise<RunSummary> {
  const start = Date.now();
  const { classifier, set, signal } = opts;
  const info = classifier.info;
  const batchSize = Math.max(1, opts.batchSize ?? 16);
  const emit = opts.onEvent ?? (() => undefined);
  const summary: RunSummary = {
    root: opts.root,
    checkpoint: info.checkpoint,
    classifier: info.kind,
    ...(info.device ? { device: info.device } : {}),
    ...(info.deviceNote ? { deviceNote: info.deviceNote } : {}),
    ...(opts.shard ? { shard: `${opts.shard.index}/${opts.shard.count}` } : {}),
    total: 0,
    classified: 0,
    skipped: 0,
    failed: 0,
    cancelled: false,
    perCategory: Object.fromEntries(set.categories.map((c) => [c.name, 0])),
    reviewQueue: 0,
    errors: [],
    warnings: [],
    elapsedMs: 0,
  };

  let images: RunImage[];
  if (!opts.images) {
    const found = await discoverImages(opts.root, { signal });
    images = found.images.filter((im) => inShard(im.relPath, opts.shard));
    // A shard sweeps only its own images' leftovers: a temp file's pid means nothing on another machine.
    const sharded = opts.shard && opts.shard.count > 1;
    const own = (f: string) => {
      const img = leftoverImage(opts.root, f);
      return img !== undefined && inShard(img, opts.shard);
    };
    await sweepLeftovers(sharded ? found.leftovers.filter(own) : found.leftovers);
    emit({ type: 'discovered', total: images.length, problems: found.problems });
    for (const p of found.problems) summary.warnings.push(`${p.path}: ${p.message}`);
  } else {
    images = opts.images.filter((im) => inShard(im.relPath, opts.shard));
    for (const dir of new Set(images.map((i) => path.dirname(i.path)))) await sweepDir(dir);
    emit({ type: 'discovered', total: images.length, problems: [] });
  }
  summary.total = images.length;
  let done = 0;
  const usageBefore = classifier.usage?.() ?? NO_USAGE;
  if (classifier.usage) summary.vlm_calls = 0;

  const count = (p: Prediction | undefined) => {
    if (!p) return;
    for (const l of predictedLabels(p)) summary.perCategory[l] = (summary.perCategory[l] ?? 0) + 1;
    if (p.would_route_to === ROUTE_REVIEW) summary.reviewQueue++;
  };
  const fail = async (l: Loaded, message: string) => {
    summary.failed++;
    summary.errors.push({ relPath: l.img.relPath, message });
    let sidecar: Sidecar | undefined;
    if (l.sidecar) {
      const at = new Date().toISOString();
      const written = await updateSidecar(l.img.path, (cur) =>
        cur ? applyPredictionError(cur, { classifier: info.kind, checkpoint: info.checkpoint, message, at }) : null,
      ).catch(() => null);
      sidecar = written ?? undefined;
    }
    emit({ type: 'image', relPath: l.img.relPath, path: l.img.path, status: 'failed', error: message, sidecar });
  };
  const progress = () => emit({ type: 'progress', done, total: images.length });

  const classifyAndWrite = async (batch: Loaded[]) => {
    if (summary.vlm_calls !== undefined) summary.vlm_calls += batch.length;
    const outcomes = await classifier.classifyBatch(batch.map((b) => b.input!), set, signal);
    // New sidecars are created without the lock (never replacing one) and their folders fsynced once
    // per batch; they are reported after that fsync.
    const unsynced = new Set<string>();
    const reports: { l: Loaded; dir?: string; report: () => void }[] = [];
    for (let i = 0; i < batch.length; i++) {
      const l = batch[i];
      const o = outcomes[i];
      if (!o || !o.ok) {
        await fail(l, o ? o.error : 'classifier returned no result');
      } else {
        const img = l.input!;
        const next = (cur: Sidecar | null) =>
          applyPrediction(cur ?? newSidecar({ name: path.basename(l.img.path), sha256: img.sha256, size: img.bytes.length }), opts.stamp ? opts.stamp(o.prediction, cur) : o.prediction);
        try {
          let sc: Sidecar | null;
          let dir: string | undefined;
          const first = l.sidecar ? null : next(null);
          if (first && (await createSidecar(l.img.path, first, { syncDirectory: false }))) {
            sc = first;
            unsynced.add((dir = path.dirname(l.img.path)));
          } else {
            sc = await updateSidecar(l.img.path, next);
          }
          reports.push({
            l,
            dir,
            report: () => {
              summary.classified++;
              count(o.prediction);
              emit({ type: 'image', relPath: l.img.relPath, path: l.img.path, status: 'classified', sidecar: sc ?? undefined });
            },
          });
        } catch (e) {
          await fail(l, writeProblem(e));
        }
      }
      done++;
    }
    const unsafe = new Map<string, unknown>();
    await Promise.all([...unsynced].map((d) => syncDir(d).catch((e) => unsafe.set(d, e))));
    for (const r of reports) {
      if (r.dir && unsafe.has(r.dir)) await fail(r.l, writeProblem(unsafe.get(r.dir)));
      else r.report();
    }
    progress();
  };

  const inFlight = new Set<Promise<void>>();
  const maxInFlight = (classifier.concurrency ?? 1) + 1;
  let fatal: unknown;
  const launch = (batch: Loaded[]) => {
    const p = classifyAndWrite(batch).catch((e) => {
      fatal ??= e;
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  let pending: Loaded[] = [];
  const READ_AHEAD = 8;
  for (let i = 0; i < images.length && !fatal; i += READ_AHEAD) {
    if (signal?.aborted) break;
    const loaded = await Promise.all(images.slice(i, i + READ_AHEAD).map(loadOne));
    for (const l of loaded) {
      if (l.error || !l.input) {
        await fail(l, l.error ?? 'unreadable');
        done++;
        continue;
      }
      const current =
        !opts.force &&
        isPredictionCurrent(l.sidecar, {
          classifier: info.kind,
          checkpoint: info.checkpoint,
          revision: info.revision,
          dtype: info.dtype,
          categoriesHash: opts.categoriesHash,
          sha256: l.input.sha256,
          promptVersion: info.promptVersion,
        });
      if (current) {
        summary.skipped++;
        count(l.sidecar!.predictions[info.kind]);
        done++;
        emit({ type: 'image', relPath: l.img.relPath, path: l.img.path, status: 'skipped', sidecar: l.sidecar! });
        continue;
      }
      pending.push(l);
      if (pending.length >= batchSize) {
        while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
        launch(pending);
        pending = [];
      }
    }
    progress();
  }
  if (pending.length && !signal?.aborted && !fatal) launch(pending);
  await Promise.all(inFlight);
  summary.elapsedMs = Date.now() - start;
  if (classifier.usage) {
    const used = usageBetween(usageBefore, classifier.usage());
    summary.vlm_requests = used.requests;
    summary.vlm_requests_with_usage = used.reported;
    summary.tokens = tokenTotals(used);
  }
  if (signal?.aborted) {
    summary.cancelled = true;
    return summary;
  }
  if (fatal) {
    if ((fatal as Error).name === 'AbortError') {
      summary.cancelled = true;
      return summary;
    }
    throw fatal;
  }
  return summary;
}

