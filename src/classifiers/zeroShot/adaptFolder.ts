// "Learn from my corrections" for one folder, shared by the CLI (`adapt`) and the review panel: human
// labels + cached embeddings → adapter (in a worker) → cross-validated accuracies → re-scored
// unreviewed images named <base>+adapter:<hash>. No image is re-encoded.
import * as path from 'node:path';
import type { CategorySet, Sidecar } from '../../core/types';
import { categoriesHash } from '../../core/categories';
import { applyPrediction } from '../../core/sidecar';
import { SidecarCorruptError, updateSidecar } from '../../core/sidecarStore';
import { sha256Hex } from '../../core/hash';
import { humanLabels } from '../../core/adapt/labels';
import type { AdaptResult } from '../../core/adapt/result';

export type { AdaptResult };
import type { Dtype } from '../config';
import { createZeroShotClassifier } from './index';
import { folderMatrix, type ZeroShotKeyed } from './folderEmbeddings';
import { fitAdapterInWorker } from './adapterFit';

export const MIN_LABELS_PER_CATEGORY = 5;
export const ADAPTER_FOLDS = 5;
export const ADAPTER_METHOD = 'logistic regression in the checkpoint logit space, started at and L2-shrunk towards the zero-shot text prototypes (λ = 1; CLAP-style)';

export const baseCheckpoint = (checkpoint: string) => checkpoint.split('+adapter:')[0];

export interface AdaptImage {
  path: string;
  relPath: string;
  sidecar: Sidecar | null;
}

export interface AdaptOptions {
  set: CategorySet;
  cacheDir: string;
  model?: string;
  dtype?: Dtype;
  /** --encoder-url: the towers run on that Open Inference Protocol server. */
  encoderUrl?: string;
  seed?: number;
  /** Fit and report only. */
  dryRun?: boolean;
  /** Apply even when the adapter does not beat zero-shot. */
  force?: boolean;
  warn?: (text: string) => void;
}

/** The folder's most used zero-shot base checkpoint (an earlier adapter counts as its base). */
export function recordedCheckpoint(images: readonly AdaptImage[]): { model: string; revision: string; dtype: string } | undefined {
  const counts = new Map<string, { n: number; model: string; revision: string; dtype: string }>();
  for (const img of images) {
    const p = img.sidecar?.predictions['zero-shot'];
    if (!p) continue;
    const key = JSON.stringify([baseCheckpoint(p.checkpoint), p.revision, p.dtype]);
    const c = counts.get(key) ?? { n: 0, model: baseCheckpoint(p.checkpoint), revision: p.revision, dtype: p.dtype };
    c.n++;
    counts.set(key, c);
  }
  return [...counts.values()].sort((x, y) => y.n - x.n)[0];
}

/** Human labels per category and whether there are enough to fit (the panel's "enabled" rule). */
export function labelCounts(images: readonly AdaptImage[], set: CategorySet): { total: number; per_category: Record<string, number>; enough: boolean } {
  const names = set.categories.map((c) => c.name);
  const labels = humanLabels(images, names);
  const per = Object.fromEntries(names.map((n) => [n, labels.filter((l) => l.label === n).length]));
  return { total: labels.length, per_category: per, enough: names.every((n) => per[n] >= MIN_LABELS_PER_CATEGORY) };
}

export async function adaptFolder(images: readonly AdaptImage[], o: AdaptOptions): Promise<AdaptResult> {
  const { set } = o;
  if (set.mode !== 'single_label') throw new Error('adapt learns one category per image: it needs a single_label categories file');
  const names = set.categories.map((c) => c.name);
  const hash = categoriesHash(set);
  const recorded = recordedCheckpoint(images);
  const model = o.model ?? recorded?.model;
  if (!model) throw new Error('no zero-shot predictions in the folder: classify it first');
  const dtype = o.dtype ?? ((recorded?.dtype as Dtype) || 'fp32');
  const labels = humanLabels(images, names);
  const perCategory = Object.fromEntries(names.map((n) => [n, labels.filter((l) => l.label === n).length]));
  const refuse = (reason: string): AdaptResult => ({ applied: false, refused: reason, labels: labels.length, per_category: perCategory, cv_accuracy: null, zero_shot_accuracy: null, rescored: 0, folds: ADAPTER_FOLDS, method: ADAPTER_METHOD });
  const short = names.filter((n) => perCategory[n] < MIN_LABELS_PER_CATEGORY);
  if (short.length) {
    return refuse(
      `too few human labels to learn from and to cross-validate honestly: ${short.map((n) => `${n} ${perCategory[n]}`).join(', ')} ` +
        `(need ${MIN_LABELS_PER_CATEGORY} per category; ${labels.length} labels in all). Review or audit more images of those categories.`,
    );
  }
  const classifier = await createZeroShotClassifier({ kind: 'zero-shot', model, dtype, cacheDir: o.cacheDir, encoderUrl: o.encoderUrl });
  try {
    const key = { model: classifier.info.checkpoint, revision: classifier.info.revision, dtype: classifier.info.dtype };
    const keyed = (list: readonly AdaptImage[]) => list as unknown as ZeroShotKeyed[];
    const byPath = new Map(images.map((i) => [i.relPath, i]));
    const embDir = path.join(o.cacheDir, 'embeddings');
    const lm = await folderMatrix(keyed(labels.map((l) => byPath.get(l.relPath)!)), embDir, key);
    if (lm.missing.length) o.warn?.(`${lm.missing.length} labelled image(s) have no cached embedding for ${key.model} and are left out (classify the folder with it first)`);
    const have = new Set(lm.ids);
    const used = labels.filter((l) => have.has(l.relPath));
    const usedShort = names.filter((n) => used.filter((l) => l.label === n).length < MIN_LABELS_PER_CATEGORY);
    if (usedShort.length) return refuse(`too few labelled images with cached embeddings for ${key.model}: ${usedShort.join(', ')} (need ${MIN_LABELS_PER_CATEGORY} per category)`);
    const cats = await classifier.categoryEmbeddings(set);
    const d = lm.dim;
    if (cats.ensembled[0].length !== d) throw new Error(`cached embeddings have ${d} dimensions, the model's text tower ${cats.ensembled[0].length}: wrong model?`);
    const v0 = new Float32Array(names.length * d);
    cats.ensembled.forEach((e, c) => v0.set(e, c * d));
    const labelOf = new Map(used.map((l) => [l.relPath, l]));
    const job = {
      x: lm.vectors.slice(),
      y: Int32Array.from(lm.ids, (id) => names.indexOf(labelOf.get(id)!.label)),
      groups: lm.ids.map((id) => labelOf.get(id)!.sha256),
      n: lm.ids.length,
      d,
      k: names.length,
      v0,
      scale: classifier.logit.scale,
      bias: classifier.logit.bias ?? 0,
      kind: classifier.towers.scoreKind,
      folds: ADAPTER_FOLDS,
      seed: o.seed ?? 1,
    };
    const r = await fitAdapterInWorker(job);
    const adapterHash = sha256Hex(Buffer.concat([Buffer.from(`${key.model}\n${key.revision}\n${key.dtype}\n${hash}\n`), Buffer.from(r.v.buffer, r.v.byteOffset, r.v.byteLength)])).slice(0, 12);
    const checkpoint = `${key.model}+adapter:${adapterHash}`;
    const cv = r.cv.adapter.rate!;
    const zs = r.cv.zero_shot.rate!;
    const apply = !o.dryRun && (cv > zs || !!o.force);
    let rescored = 0;
    if (apply) {
      const targets = images.filter((img) => {
        const p = img.sidecar?.predictions['zero-shot'];
        return img.sidecar?.review.status === 'pending' && p && baseCheckpoint(p.checkpoint) === key.model && p.categories_hash === hash;
      });
      const tm = await folderMatrix(keyed(targets), embDir, key);
      const adapted = { ...cats, ensembled: names.map((_, c) => r.v.slice(c * d, (c + 1) * d)) };
      const now = new Date().toISOString();
      const info = { base_checkpoint: key.model, hash: adapterHash, labels: job.n, method: ADAPTER_METHOD, cv_accuracy: cv, zero_shot_accuracy: zs, folds: ADAPTER_FOLDS, created_at: now };
      for (let i = 0; i < tm.ids.length; i++) {
        const img = byPath.get(tm.ids[i])!;
        const pred = classifier.predict(tm.vectors.slice(i * d, (i + 1) * d), img.sidecar!.image.sha256, set, adapted, hash, now);
        const done = await updateSidecar(img.path, (sc) => {
          if (!sc || sc.review.status !== 'pending') return null; // a person decided meanwhile: leave it
          return applyPrediction(sc, { ...pred, checkpoint, adapter: info });
        }).catch((e) => {
          if (e instanceof SidecarCorruptError) return null;
          throw e;
        });
        if (done?.predictions['zero-shot']?.checkpoint === checkpoint) rescored++;
      }
    }
    return { labels: job.n, per_category: perCategory, cv_accuracy: cv, zero_shot_accuracy: zs, cv: r.cv, folds: ADAPTER_FOLDS, rescored, applied: apply, checkpoint, base_checkpoint: key.model, method: ADAPTER_METHOD, fit_ms: Math.round(r.fitMs) };
  } finally {
    await classifier.dispose?.();
  }
}
