// The compact summary the grid shows of each image, built from its sidecar; and a folder's summaries
// (the panel's index), which the review panel sends on open and `npm run bench:scale` measures.
import type { ClassifierKind, Confidence, Review, ReviewStatus, Sidecar } from './types';
import { ROUTE_REVIEW } from './types';
import { predictedLabels } from './sidecar';
import { effectivePrediction, vlmDisagrees } from './effectivePrediction';
import type { IndexedImage } from './folderIndex';

/** What the grid needs to know about one image. Compact: a folder may hold 10,000 of them. */
export interface ImageSummary {
  /** Path relative to the reviewed folder, '/' separated. The image's identity in every message. */
  id: string;
  name: string;
  status: ReviewStatus;
  /** Human labels (decided reviews). */
  reviewLabels: string[];
  /** Labels of the primary prediction, best first. Empty when nothing fits or not classified. */
  predicted: string[];
  classified: boolean;
  /** Card score (1..5) of the best predicted category, or of the best category when nothing fits. */
  cardScore: number | null;
  /** The model's own score of the best category in [0,1] (zero-shot), when known. Not calibrated. */
  rawScore: number | null;
  /** Best minus second-best score; small = uncertain. Raw scores when known, else card scores / 5. */
  margin: number | null;
  confidence: Confidence | null;
  fitsAny: boolean | null;
  route: string | null;
  inReviewQueue: boolean;
  /** Classification error or unreadable sidecar, as a message naming what to do. */
  error: string | null;
  checkpoint: string | null;
  /** The classifier whose prediction the grid shows (the effective one: the VLM's where it ran). */
  effective: ClassifierKind | null;
  /** A zero-shot and a VLM prediction of the same image and categories name different labels. */
  vlmDisagrees: boolean;
  /** Fingerprint of the review on disk; a write carries it so that a stale view never overwrites. */
  rev: string;
}

/** Two 32-bit FNV-1a style hashes (different seeds and mixing) of a string: 64 bits, no crypto object per call. */
function hash64(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/**
 * Fingerprint of a review: any change on disk (ours or someone else's) changes it. Not a security
 * hash: it only tells a stale view from the current one (computed for every image when a panel opens).
 */
export function reviewRev(review: Review | undefined | null): string {
  if (!review) return 'none';
  return hash64(JSON.stringify(review));
}

export function summarize(id: string, sidecar: Sidecar | null, sidecarError?: string): ImageSummary {
  const name = id.slice(id.lastIndexOf('/') + 1);
  const base: ImageSummary = {
    id,
    name,
    status: 'pending',
    reviewLabels: [],
    predicted: [],
    classified: false,
    cardScore: null,
    rawScore: null,
    margin: null,
    confidence: null,
    fitsAny: null,
    route: null,
    inReviewQueue: false,
    error: sidecarError ?? null,
    checkpoint: null,
    effective: null,
    vlmDisagrees: false,
    rev: reviewRev(sidecar?.review),
  };
  if (!sidecar) return base;
  base.status = sidecar.review.status;
  base.reviewLabels = [...sidecar.review.labels];
  const pred = effectivePrediction(sidecar);
  base.vlmDisagrees = vlmDisagrees(sidecar);
  const err = Object.values(sidecar.errors ?? {}).find((e) => !!e);
  if (err && !base.error) base.error = `${err.classifier} (${err.checkpoint}): ${err.message}`;
  if (!pred) return base;
  base.classified = true;
  base.checkpoint = pred.checkpoint;
  base.effective = pred.classifier;
  base.fitsAny = pred.fits_any;
  base.route = pred.would_route_to;
  base.inReviewQueue = !pred.fits_any || pred.would_route_to === ROUTE_REVIEW;
  const best = [...pred.predicted_categories].sort((a, b) => b.score - a.score);
  base.predicted = best.length ? best.map((p) => p.name) : predictedLabels(pred);
  base.confidence = best[0]?.confidence ?? null;
  const cardScores = Object.entries(pred.category_scores ?? {}).sort((a, b) => b[1] - a[1]);
  base.cardScore = best[0]?.score ?? cardScores[0]?.[1] ?? null;
  const zs = pred.zero_shot;
  const top = best[0]?.name ?? cardScores[0]?.[0];
  if (zs && top !== undefined && typeof zs.scores?.[top] === 'number') base.rawScore = zs.scores[top];
  if (zs?.top5 && zs.top5.length >= 2) base.margin = zs.top5[0].score - zs.top5[1].score;
  else if (zs?.top5?.length === 1) base.margin = zs.top5[0].score;
  else if (cardScores.length >= 2) base.margin = (cardScores[0][1] - cardScores[1][1]) / 5;
  else if (cardScores.length === 1) base.margin = cardScores[0][1] / 5;
  return base;
}

/** The image id of an indexed image: discovery's relPath, already '/'-separated on every platform. */
export const imageIdOfIndexed = (img: Pick<IndexedImage, 'relPath'>): string => img.relPath;

/** Every image's summary, in the index's order (the grid's initial data). */
export function summarizeFolder(images: IndexedImage[]): ImageSummary[] {
  return images.map((img) => summarize(imageIdOfIndexed(img), img.sidecar, img.sidecarError));
}
