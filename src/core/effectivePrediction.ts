// Which prediction counts for an image when it has several: the one rule every reader (panel, review,
// export, trust report) uses. The VLM's where it ran; zero-shot otherwise. A VLM answer made for other
// image bytes or other categories than a newer zero-shot card no longer counts.
import { sha256Hex } from './hash';
import { labelSet, sameLabels } from './routing';
import type { Prediction, Sidecar } from './types';

export function effectivePrediction(sc: Pick<Sidecar, 'predictions'> | null | undefined): Prediction | undefined {
  const vlm = sc?.predictions.vlm;
  const zs = sc?.predictions['zero-shot'];
  if (!vlm || !zs) return vlm ?? zs;
  if (vlm.image_sha256 === zs.image_sha256 && vlm.categories_hash === zs.categories_hash) return vlm;
  return vlm.created_at >= zs.created_at ? vlm : zs;
}

/** True when the image has both a zero-shot and a VLM prediction for the same input and their labels differ. */
export function vlmDisagrees(sc: Pick<Sidecar, 'predictions'> | null | undefined): boolean {
  const vlm = sc?.predictions.vlm;
  const zs = sc?.predictions['zero-shot'];
  if (!vlm || !zs || vlm.image_sha256 !== zs.image_sha256 || vlm.categories_hash !== zs.categories_hash) return false;
  return !sameLabels(labelSet(vlm.predicted_categories), labelSet(zs.predicted_categories));
}

/**
 * What a cascade's VLM call followed: a short hash of the zero-shot result (model, input and card).
 * A re-run asks the VLM again only when this changes or the VLM answer is missing or not current.
 */
export function zeroShotFingerprint(zs: Prediction): string {
  const scores = Object.keys(zs.category_scores).sort().map((k) => [k, zs.category_scores[k]]);
  const picked = zs.predicted_categories.map((c) => [c.name, c.score, c.confidence]).sort();
  return sha256Hex(JSON.stringify([zs.checkpoint, zs.revision, zs.dtype, zs.categories_hash, zs.image_sha256, scores, picked, zs.fits_any, zs.would_route_to])).slice(0, 16);
}
