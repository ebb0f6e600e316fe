// The zero-shot classifier: CLIP or SigLIP split towers, prompt ensembling, an on-disk image-embedding
// cache, and the routing card. Category texts are encoded once per distinct prompt; images are
// encoded once per (model, revision, dtype, content hash).
import * as path from 'node:path';
import type { Classifier, ClassifierInfo, ClassifyOutcome, ImageInput } from '../../core/classifier';
import type { CategorySet, Prediction } from '../../core/types';
import { abortError } from '../../core/cancel';
import { categoriesHash, fillTemplate } from '../../core/categories';
import type { ZeroShotConfig } from '../config';
import { EmbeddingCache } from './embeddingCache';
import type { Towers } from './modelLoader';
import { loadTowersInWorker } from './workerTowers';
import { logitScaleFor, type LogitScale } from './logitScale';
import { outputSize, preprocessInto } from './preprocess';
import { buildCard, dot, ensemble, l2normalise, modelScores } from './scoring';
import { rescoreMatrix, type RescoreResult } from './rescore';
import { longPromptWarning } from './textInputs';

export interface CategoryEmbeddings {
  names: string[];
  /** Ensembled, normalised text embedding per category. */
  ensembled: Float32Array[];
  /** Filled prompts and their normalised embeddings per category. */
  prompts: string[][];
  promptEmbeddings: Float32Array[][];
}

export interface EncoderStats {
  imagesEncoded: number;
  textsEncoded: number;
  imageCacheHits: number;
}

export class ZeroShotClassifier implements Classifier {
  readonly info: ClassifierInfo;
  readonly concurrency: number;
  readonly stats: EncoderStats = { imagesEncoded: 0, textsEncoded: 0, imageCacheHits: 0 };
  /** Each distinct text's embedding, finished or still being encoded. */
  private textMemo = new Map<string, Promise<Float32Array>>();
  private setWarningMemo = new Map<string, Promise<string[]>>();
  private cache?: EmbeddingCache;
  /** Model calls waiting for a free lane (one call per lane at a time). */
  private waiting: (() => void)[] = [];
  private running = 0;

  private constructor(
    readonly towers: Towers,
    private readonly cfg: ZeroShotConfig,
    readonly logit: LogitScale,
  ) {
    this.concurrency = towers.lanes ?? 1;
    this.info = { kind: 'zero-shot', checkpoint: towers.checkpoint, revision: towers.revision, dtype: towers.dtype, device: towers.device, ...(towers.deviceNote ? { deviceNote: towers.deviceNote } : {}) };
  }

  static async create(cfg: ZeroShotConfig): Promise<ZeroShotClassifier> {
    const towers = await loadTowersInWorker(cfg);
    let logit: LogitScale;
    try {
      logit = await logitScaleFor(towers, cfg.cacheDir, cfg.logit);
    } catch (e) {
      await towers.dispose();
      throw e;
    }
    return new ZeroShotClassifier(towers, cfg, logit);
  }

  get modelLabel(): string {
    return this.towers.modelType === 'clip' ? 'CLIP' : 'SigLIP';
  }

  /** At most one ORT run per lane: decoding of the next batch overlaps, inference does not oversubscribe cores. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /**
   * Normalised text embeddings, each distinct text encoded once: a text already being encoded (the
   * next batch of a run starts before the first one's categories are back) waits for that result.
   */
  async encodeTexts(texts: string[]): Promise<Float32Array[]> {
    const missing = [...new Set(texts.filter((t) => !this.textMemo.has(t)))];
    if (missing.length) {
      const job = this.exclusive(async () => {
        const vecs = await this.towers.encodeText(missing);
        this.stats.textsEncoded += missing.length;
        return vecs;
      });
      missing.forEach((t, i) => {
        const one = job.then((vecs) => l2normalise(vecs[i]));
        this.textMemo.set(t, one);
        // A failed encode is forgotten, so the next call tries again.
        void one.catch(() => this.textMemo.get(t) === one && this.textMemo.delete(t));
      });
    }
    return Promise.all(texts.map((t) => this.textMemo.get(t)!));
  }

  /** One warning per filled template over the text tower's token limit (category, template, tokens dropped). */
  setWarnings(set: CategorySet): Promise<string[]> {
    const key = categoriesHash(set);
    let w = this.setWarningMemo.get(key);
    if (!w) {
      w = (async () => {
        const pairs = set.categories.flatMap((c) => set.templates.map((t) => ({ c, t, prompt: fillTemplate(t, c) })));
        const counts = await this.towers.tokenCounts(pairs.map((p) => p.prompt));
        const limit = this.towers.textMaxTokens;
        return pairs.flatMap((p, i) => (counts[i] > limit ? [longPromptWarning(p.c.name, p.t, counts[i], limit)] : []));
      })();
      w.catch(() => this.setWarningMemo.delete(key));
      this.setWarningMemo.set(key, w);
    }
    return w;
  }

  async categoryEmbeddings(set: CategorySet): Promise<CategoryEmbeddings> {
    const prompts = set.categories.map((c) => [...new Set(set.templates.map((t) => fillTemplate(t, c)))]);
    const flat = await this.encodeTexts(prompts.flat());
    let k = 0;
    const promptEmbeddings = prompts.map((ps) => ps.map(() => flat[k++]));
    return { names: set.categories.map((c) => c.name), ensembled: promptEmbeddings.map(ensemble), prompts, promptEmbeddings };
  }

  private async imageCache(dim: number): Promise<EmbeddingCache> {
    if (!this.cache || this.cache.dim !== dim) {
      this.cache = new EmbeddingCache(path.join(this.cfg.cacheDir, 'embeddings'), { model: this.info.checkpoint, revision: this.info.revision, dtype: this.info.dtype }, dim, this.cfg.shardTag);
      await this.cache.load();
    }
    return this.cache;
  }

  /** Normalised image embeddings (cached), or an Error per image that could not be decoded. */
  async embedImages(images: ImageInput[], signal?: AbortSignal): Promise<(Float32Array | Error)[]> {
    const dim = (await this.encodeTexts(['a photo']))[0].length;
    const cache = await this.imageCache(dim);
    const hit = await cache.getMany(images.map((im) => im.sha256));
    const out: (Float32Array | Error)[] = images.map((_, i) => (hit.found[i] ? hit.vectors.subarray(i * dim, (i + 1) * dim) : new Error('pending')));
    const todo = images.map((im, i) => ({ im, i })).filter(({ i }) => !hit.found[i]);
    this.stats.imageCacheHits += images.length - todo.length;
    if (!todo.length) return out;
    const { height, width } = outputSize(this.towers.preprocess);
    const plane = 3 * height * width;
    // Every image's plane is overwritten by preprocessInto; failed ones are compacted out below.
    const pixels = this.towers.pixelBuffer?.(todo.length * plane) ?? new Float32Array(todo.length * plane);
    const decoded = await Promise.all(
      todo.map(({ im }, j) => preprocessInto(im.bytes, this.towers.preprocess, pixels, j * plane).then(() => null, (e: Error) => e)),
    );
    const ok = todo.map((t, j) => ({ ...t, j })).filter(({ j }) => !decoded[j]);
    todo.forEach(({ i }, j) => {
      if (decoded[j]) out[i] = decoded[j]!;
    });
    if (!ok.length) return out;
    if (signal?.aborted) throw abortError();
    const batch = ok.length === todo.length ? pixels : compact(pixels, ok.map((o) => o.j), plane);
    const vecs = await this.exclusive(() => this.towers.encodeImages(batch, ok.length, height, width));
    this.stats.imagesEncoded += ok.length;
    ok.forEach(({ im, i }, k) => {
      const v = l2normalise(vecs[k]);
      cache.put(im.sha256, v);
      out[i] = v;
    });
    await cache.flush();
    return out;
  }

  /** Scores one normalised image embedding against the categories: the card and its details. */
  predict(image: Float32Array, sha256: string, set: CategorySet, cats: CategoryEmbeddings, hash = categoriesHash(set), now = new Date().toISOString()): Prediction {
    const cosines = cats.ensembled.map((t) => dot(image, t));
    const scores = modelScores(cosines, this.towers.scoreKind, this.logit.scale, this.logit.bias);
    const closest = (i: number) => {
      let best = 0;
      let bestCos = -Infinity;
      cats.promptEmbeddings[i].forEach((e, j) => {
        const c = dot(image, e);
        if (c > bestCos) [best, bestCos] = [j, c];
      });
      return { prompt: cats.prompts[i][best], cosine: bestCos };
    };
    const { card, details, warnings } = buildCard({
      set,
      cosines,
      scores,
      kind: this.towers.scoreKind,
      scale: this.logit.scale,
      bias: this.logit.bias,
      logits: this.towers.scoreKind === 'sigmoid' ? cosines.map((c) => c * this.logit.scale + this.logit.bias) : undefined,
      closest,
      modelLabel: this.modelLabel,
    });
    return {
      ...card,
      classifier: 'zero-shot',
      checkpoint: this.info.checkpoint,
      revision: this.info.revision,
      dtype: this.info.dtype,
      device: this.towers.device,
      categories_hash: hash,
      mode: set.mode,
      created_at: now,
      image_sha256: sha256,
      warnings,
      zero_shot: { ...details, logit_source: this.logit.source },
    };
  }

  async classifyBatch(images: ImageInput[], set: CategorySet, signal?: AbortSignal): Promise<ClassifyOutcome[]> {
    if (signal?.aborted) throw abortError();
    const cats = await this.categoryEmbeddings(set);
    const embs = await this.embedImages(images, signal);
    const hash = categoriesHash(set);
    const now = new Date().toISOString();
    const setWarnings = await this.setWarnings(set);
    return embs.map((e, i) => {
      if (e instanceof Error) return { ok: false, error: e.message };
      const prediction = this.predict(e, images[i].sha256, set, cats, hash, now);
      prediction.warnings.unshift(...setWarnings);
      return { ok: true, prediction };
    });
  }

  /**
   * Live preview after a category edit: re-scores cached images (by sha256) against `set` without
   * encoding any image. Images missing from the cache are listed in `missing` (row left at zero).
   */
  async rescoreCached(shas: string[], set: CategorySet): Promise<{ result: RescoreResult; missing: string[] }> {
    const cats = await this.categoryEmbeddings(set);
    const dim = cats.ensembled[0].length;
    const cache = await this.imageCache(dim);
    const read = await cache.getMany(shas);
    const missing = shas.filter((_, i) => !read.found[i]);
    const rows = shas.map((_, i) => read.vectors.subarray(i * dim, (i + 1) * dim));
    return { result: rescoreMatrix(rows, cats.ensembled, set.mode, this.towers.scoreKind, this.logit.scale, this.logit.bias, set.thresholds), missing };
  }

  /** Cached image embeddings of this model for `shas` (only their rows are read), by sha. */
  async cachedEmbeddings(shas: readonly string[]): Promise<Map<string, Float32Array>> {
    const dim = (await this.encodeTexts(['a photo']))[0].length;
    const read = await (await this.imageCache(dim)).getMany(shas);
    const out = new Map<string, Float32Array>();
    shas.forEach((sha, i) => read.found[i] && out.set(sha, read.vectors.subarray(i * dim, (i + 1) * dim)));
    return out;
  }

  async dispose(): Promise<void> {
    await this.towers.dispose();
  }
}

function compact(src: Float32Array, rows: number[], plane: number): Float32Array {
  const out = new Float32Array(rows.length * plane);
  rows.forEach((r, k) => out.set(src.subarray(r * plane, (r + 1) * plane), k * plane));
  return out;
}

