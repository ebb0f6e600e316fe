// Turns a sidecar into the compact summary the grid shows. Pure (no vscode): unit tested.
import { createHash } from 'node:crypto';
import type { Review, Sidecar } from '../../core/types';
import { ROUTE_REVIEW } from '../../core/types';
import { predictedLabels } from '../../core/sidecar';
import { effectivePrediction, vlmDisagrees } from '../../core/effectivePrediction';
import type { ImageSummary } from '../../shared/protocol';

/** Fingerprint of a review: any change on disk (ours or someone else's) changes it. */
export function reviewRev(review: Review | undefined | null): string {
  if (!review) return 'none';
  return createHash('sha1').update(JSON.stringify(review)).digest('hex').slice(0, 16);
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
