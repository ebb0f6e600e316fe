// The library API for Node users and other extensions:
//   classify(image, labels, {template, model}) → every label with its score, best first
//   label(image, labels, opts) → the top label
//   similarity(imageA, imageB, opts) → cosine of the two image embeddings
//   zeroShotClassifier(opts), imageInput(image) → a Classifier and its input, for runClassification
// Every public function has a runnable **Example:** (test/unit/api/examples.test.ts runs them).
// Scores are the checkpoint's own softmax (CLIP; they sum to 1) or sigmoid (SigLIP) values: not
// calibrated probabilities, and only comparable within one checkpoint.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Classifier, ImageInput } from '../core/classifier';
import type { CategorySet } from '../core/types';
import { DEFAULT_ZERO_SHOT_MODEL, type Dtype } from '../classifiers/config';
import { ZeroShotClassifier } from '../classifiers/zeroShot';
import { dot, modelScores } from '../classifiers/zeroShot/scoring';
import { defaultCacheDir } from '../core/cacheDir';
import type { DeviceChoice } from '../classifiers/device';

export interface ApiOptions {
  /** Prompt template with {name}; default "a photo of {name}". */
  template?: string;
  /** Hub id or local model directory; default Xenova/clip-vit-base-patch32. */
  model?: string;
  dtype?: Dtype;
  cacheDir?: string;
  /** auto (default) | cpu | cuda | dml | coreml | webgpu; falls back to the CPU when it cannot start. */
  device?: DeviceChoice;
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
  const key = `${model}\n${dtype}\n${o.device ?? 'auto'}`;
  let m = models.get(key);
  if (!m) {
    m = ZeroShotClassifier.create({ kind: 'zero-shot', model, dtype, cacheDir: o.cacheDir ?? defaultCacheDir(), device: o.device });
    m.catch(() => models.delete(key));
    models.set(key, m);
  }
  return m;
}

/**
 * Reads an image (a path or its bytes) into the input a Classifier takes.
 *
 * **Example:** see `Classifier` (src/core/classifier.ts).
 */
export async function imageInput(image: string | Buffer): Promise<ImageInput> {
  const bytes = typeof image === 'string' ? await fs.readFile(image) : image;
  const p = typeof image === 'string' ? image : '<buffer>';
  return { path: p, relPath: p, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
const toInput = imageInput;

/**
 * A zero-shot (CLIP/SigLIP) Classifier of its own (the caller disposes of it), for `classifyBatch`
 * or `runClassification`.
 *
 * **Example:** a folder classified into sidecars, as `image-triage classify` does.
 * ```js
 * const { zeroShotClassifier, runClassification, parseCategories, categoriesHash, readSidecar } = require('image-triage');
 * const { set } = parseCategories(JSON.stringify({ mode: 'single_label', categories: [
 *   { name: 'red', description: 'mostly red' }, { name: 'green', description: 'mostly green' }, { name: 'blue', description: 'mostly blue' }] }));
 * const classifier = await zeroShotClassifier();
 * const summary = await runClassification({ root: 'photos', set, categoriesHash: categoriesHash(set), classifier });
 * console.log(summary.classified); // 3 (photos/ holds red.png, green.png and blue.png)
 * const sidecar = await readSidecar('photos/blue.png');
 * console.log(sidecar.predictions['zero-shot'].predicted_categories[0].name); // 'blue'
 * await classifier.dispose?.();
 * ```
 */
export async function zeroShotClassifier(opts: ApiOptions = {}): Promise<Classifier> {
  return ZeroShotClassifier.create({ kind: 'zero-shot', model: opts.model ?? DEFAULT_ZERO_SHOT_MODEL, dtype: opts.dtype ?? 'fp32', cacheDir: opts.cacheDir ?? defaultCacheDir() });
}

async function embed(c: ZeroShotClassifier, image: string | Buffer): Promise<Float32Array> {
  const [e] = await c.embedImages([await toInput(image)]);
  if (e instanceof Error) throw e;
  return e;
}

/**
 * Every label with the checkpoint's score for the image, best first. The scores are the model's own
 * (CLIP softmax: they sum to 1; SigLIP sigmoid), not calibrated probabilities.
 *
 * **Example:**
 * ```js
 * const { classify } = require('image-triage');
 * const scores = await classify('photos/red.png', ['red', 'green', 'blue'], { template: 'a photo of {name}' });
 * console.log(scores.map((s) => s.label)[0]); // 'red'
 * console.log(scores[0].checkpoint); // the model id, e.g. 'Xenova/clip-vit-base-patch32'
 * ```
 */
export async function classify(image: string | Buffer, labels: string[], opts: ApiOptions = {}): Promise<LabelScore[]> {
  if (labels.length < 2) throw new Error('classify needs at least two labels: zero-shot scores only mean something relative to alternatives');
  const c = await classifierFor(opts);
  const set: CategorySet = { mode: 'single_label', categories: labels.map((name) => ({ name, description: name })), templates: [opts.template ?? 'a photo of {name}'] };
  const cats = await c.categoryEmbeddings(set);
  const img = await embed(c, image);
  const scores = modelScores(cats.ensembled.map((t) => dot(img, t)), c.towers.scoreKind, c.logit.scale, c.logit.bias);
  return labels.map((label, i) => ({ label, score: scores[i], checkpoint: c.info.checkpoint })).sort((a, b) => b.score - a.score);
}

/**
 * The best label for the image.
 *
 * **Example:**
 * ```js
 * const { label } = require('image-triage');
 * console.log(await label('photos/green.png', ['red', 'green', 'blue'])); // 'green'
 * ```
 */
export async function label(image: string | Buffer, labels: string[], opts: ApiOptions = {}): Promise<string> {
  return (await classify(image, labels, opts))[0].label;
}

/**
 * The cosine similarity of two images' embeddings (1: the same to the model; near 0: unrelated).
 *
 * **Example:**
 * ```js
 * const { similarity } = require('image-triage');
 * const same = await similarity('photos/red.png', 'photos/red.png');
 * console.log(same > 0.99); // true
 * ```
 */
export async function similarity(imageA: string | Buffer, imageB: string | Buffer, opts: ApiOptions = {}): Promise<number> {
  const c = await classifierFor(opts);
  const [a, b] = await Promise.all([embed(c, imageA), embed(c, imageB)]);
  return dot(a, b);
}

export { runClassification } from '../core/run';
export { parseCategories, categoriesHash } from '../core/categories';
export { readSidecar, updateSidecar, SidecarCorruptError } from '../core/sidecarStore';
export type * from '../core/types';
