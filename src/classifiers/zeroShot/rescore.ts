// Re-scoring many cached image embeddings against (edited) categories without building objects: the
// live-preview path. Every card decision (1..5 scores, choice, fits_any, confidence, route) is
// computed into typed arrays with the same rules as the full prediction (scoring.ts + core/routing);
// full Prediction objects are built only for the images that are persisted.
import type { Mode } from '../../core/types';
import { chooseIndices } from '../../core/routing';
import { cardScoreOf, confidenceOf, dot, type ScoreKind } from './scoring';
import { resolveThresholds, type CardThresholdsOverride } from '../../core/cardThresholds';

/** Dot products of one image with every category, four categories per pass over the image. */
function cosines4(img: Float32Array, cats: Float32Array[], out: Float64Array): void {
  const d = img.length;
  let j = 0;
  for (; j + 3 < cats.length; j += 4) {
    const c0 = cats[j];
    const c1 = cats[j + 1];
    const c2 = cats[j + 2];
    const c3 = cats[j + 3];
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let t = 0; t < d; t++) {
      const x = img[t];
      a0 += x * c0[t];
      a1 += x * c1[t];
      a2 += x * c2[t];
      a3 += x * c3[t];
    }
    out[j] = a0;
    out[j + 1] = a1;
    out[j + 2] = a2;
    out[j + 3] = a3;
  }
  for (; j < cats.length; j++) out[j] = dot(img, cats[j]);
}

export const CONF_LOW = 0;
export const CONF_MEDIUM = 1;
export const CONF_HIGH = 2;
/** route[i] === ROUTE_TO_REVIEW means 'review'; otherwise it is a category index. */
export const ROUTE_TO_REVIEW = -1;

export interface RescoreResult {
  n: number;
  k: number;
  /** Model scores (softmax or sigmoid), row-major n×k. */
  scores: Float32Array;
  /** 1..5 card scores, row-major n×k. */
  cardScores: Uint8Array;
  /** 1 where the category is predicted, row-major n×k. */
  chosen: Uint8Array;
  fitsAny: Uint8Array;
  /** Lowest confidence among the chosen categories (CONF_*), CONF_LOW when none. */
  confidence: Uint8Array;
  route: Int16Array;
}

/** Row-major n×d embeddings as one view per row (no copy). */
export function matrixRows(images: Float32Array, d: number): Float32Array[] {
  return Array.from({ length: Math.floor(images.length / d) }, (_, i) => images.subarray(i * d, (i + 1) * d));
}

/**
 * `rows` are L2-normalised image embeddings (views are fine: nothing is copied); `cats` the k
 * ensembled category embeddings.
 */
export function rescoreMatrix(rows: Float32Array[], cats: Float32Array[], mode: Mode, kind: ScoreKind, scale: number, bias = 0, thresholds?: CardThresholdsOverride): RescoreResult {
  const th = resolveThresholds(thresholds);
  const conf = { low: CONF_LOW, medium: CONF_MEDIUM, high: CONF_HIGH } as const;
  const n = rows.length;
  const k = cats.length;
  const r: RescoreResult = {
    n,
    k,
    scores: new Float32Array(n * k),
    cardScores: new Uint8Array(n * k),
    chosen: new Uint8Array(n * k),
    fitsAny: new Uint8Array(n),
    confidence: new Uint8Array(n),
    route: new Int16Array(n),
  };
  const logits = new Float64Array(k);
  // Sigmoid: the card reads the logits; softmax: the softmax values.
  const keys = new Float64Array(k);
  const cs = new Uint8Array(k);
  for (let i = 0; i < n; i++) {
    cosines4(rows[i], cats, logits);
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      logits[j] = logits[j] * scale + (kind === 'sigmoid' ? bias : 0);
      if (logits[j] > max) max = logits[j];
    }
    let sum = 0;
    if (kind === 'softmax') {
      for (let j = 0; j < k; j++) sum += logits[j] = Math.exp(logits[j] - max);
    }
    const row = i * k;
    for (let j = 0; j < k; j++) {
      const p = kind === 'softmax' ? logits[j] / sum : 1 / (1 + Math.exp(-logits[j]));
      r.scores[row + j] = p;
      keys[j] = kind === 'softmax' ? p : logits[j];
      cs[j] = cardScoreOf(kind, p, logits[j], th);
      r.cardScores[row + j] = cs[j];
    }
    const picked = chooseIndices(cs, mode);
    r.fitsAny[i] = picked.length ? 1 : 0;
    let lowest: number = picked.length ? CONF_HIGH : CONF_LOW;
    for (const j of picked) {
      r.chosen[row + j] = 1;
      let other = -Infinity;
      for (let q = 0; q < k; q++) if (q !== j && keys[q] > other) other = keys[q];
      const margin = kind === 'softmax' ? r.scores[row + j] - (k > 1 ? other : 0) : keys[j] - other;
      const c = conf[confidenceOf(kind, mode, cs[j], margin, th)];
      if (c < lowest) lowest = c;
    }
    r.confidence[i] = lowest;
    r.route[i] = !picked.length || lowest === CONF_LOW ? ROUTE_TO_REVIEW : picked[0];
  }
  return r;
}
