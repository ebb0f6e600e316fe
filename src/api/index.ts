// The library API for Node users and other extensions:
//   classify(image, labels, {template, model}) → every label with its score, best first
//   label(image, labels, opts) → the top label
//   similarity(imageA, imageB, opts) → cosine of the two image embeddings
// Scores are the checkpoint's own softmax (CLIP; they sum to 1) or sigmoid (SigLIP) values: not
// calibrated probabilities, and only comparable within one checkpoint.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ImageInput } from '../core/classifier';
import type { CategorySet } from '../core/types';
import { DEFAULT_ZERO_SHOT_MODEL, type Dtype } from '../classifiers/config';
import { ZeroShotClassifier } from '../classifiers/zeroShot';
import { dot, modelScores } from '../classifiers/zeroShot/scoring';
import { defaultCacheDir } from '../core/cacheDir';

export interface ApiOptions {
  /** Prompt template with {name}; default "a photo of {name}". */
  template?: string;
  /** Hub id or local model directory; default Xenova/clip-vit-base-patch32. */
  model?: string;
  dtype?: Dtype;
  cacheDir?: string;
}

export interface LabelScore {
  label: string;
  score: number;
  /** The checkpoint the score comes from. */
  checkpoint: string;
}

const models = new Map<string, Promise<ZeroShotClassifier>>();

function classifierFor(o: ApiOptions): Promise<ZeroShotClassifier> {
  const model = o.model ?? DEFAULT_ZERO_SHOT_MODEL;
  const dtype = o.dtype ?? 'fp32';
  const key = `${model}\n${dtype}`;
  let m = models.get(key);
  if (!m) {
    m = ZeroShotClassifier.create({ kind: 'zero-shot', model, dtype, cacheDir: o.cacheDir ?? defaultCacheDir() });
    m.catch(() => models.delete(key));
    models.set(key, m);
  }
  return m;
}

async function toInput(image: string | Buffer): Promise<ImageInput> {
  const bytes = typeof image === 'string' ? await fs.readFile(image) : image;
  const p = typeof image === 'string' ? image : '<buffer>';
  return { path: p, relPath: p, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

async function embed(c: ZeroShotClassifier, image: string | Buffer): Promise<Float32Array> {
  const [e] = await c.embedImages([await toInput(image)]);
  if (e instanceof Error) throw e;
  return e;
}

export async function classify(image: string | Buffer, labels: string[], opts: ApiOptions = {}): Promise<LabelScore[]> {
  if (labels.length < 2) throw new Error('classify needs at least two labels: zero-shot scores only mean something relative to alternatives');
  const c = await classifierFor(opts);
  const set: CategorySet = { mode: 'single_label', categories: labels.map((name) => ({ name, description: name })), templates: [opts.template ?? 'a photo of {name}'] };
  const cats = await c.categoryEmbeddings(set);
  const img = await embed(c, image);
  const scores = modelScores(cats.ensembled.map((t) => dot(img, t)), c.towers.scoreKind, c.logit.scale, c.logit.bias);
  return labels.map((label, i) => ({ label, score: scores[i], checkpoint: c.info.checkpoint })).sort((a, b) => b.score - a.score);
}

export async function label(image: string | Buffer, labels: string[], opts: ApiOptions = {}): Promise<string> {
  return (await classify(image, labels, opts))[0].label;
}

export async function similarity(imageA: string | Buffer, imageB: string | Buffer, opts: ApiOptions = {}): Promise<number> {
  const c = await classifierFor(opts);
  const [a, b] = await Promise.all([embed(c, imageA), embed(c, imageB)]);
  return dot(a, b);
}

export { runClassification } from '../core/run';
export { parseCategories, categoriesHash } from '../core/categories';
export { readSidecar, updateSidecar } from '../core/sidecarStore';
export type * from '../core/types';
