// Pure sidecar transitions: new, validate, apply a prediction, apply a human decision.
// Invariant: classification never changes `review.labels` or `audit`; a reviewed image whose
// prediction changes is marked `stale`, never dropped.
import type {
  ClassifierKind,
  Prediction,
  PredictionError,
  Review,
  ReviewEvent,
  ReviewStatus,
  Sidecar,
} from './types';
import { SIDECAR_SCHEMA, SIDECAR_VERSION } from './types';
import { labelSet, sameLabels } from './routing';
import { effectivePrediction } from './effectivePrediction';
import { currentLabels, toggledLabels } from './reviewRules';
import validateSidecar from './generated/sidecarValidator';

export function newSidecar(image: Sidecar['image']): Sidecar {
  return {
    schema: SIDECAR_SCHEMA,
    version: SIDECAR_VERSION,
    image: { ...image },
    predictions: {},
    errors: {},
    review: { status: 'pending', labels: [], history: [] },
    audit: [],
  };
}

/** Checks the parsed JSON against schema/sidecar.schema.json. Returns the problem and its JSON path, or null. */
export function sidecarProblem(value: unknown): { message: string; path: string } | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { message: 'not a JSON object', path: '' };
  const v = value as Record<string, unknown>;
  if (Number.isInteger(v.version) && (v.version as number) > SIDECAR_VERSION && v.schema === SIDECAR_SCHEMA) {
    return { message: `/version ${v.version} is newer than this tool understands (${SIDECAR_VERSION}); upgrade Image Triage`, path: '/version' };
  }
  if (validateSidecar(value)) return null;
  const err = validateSidecar.errors?.[0];
  const at = err?.instancePath ?? '';
  return { message: `${at || '/'} ${err?.message ?? 'does not match the sidecar schema'}`, path: at };
}

/** Fills optional containers that older writers may have left out. */
export function normaliseSidecar(v: Sidecar): Sidecar {
  return { ...v, errors: v.errors ?? {}, audit: v.audit ?? [] };
}

export function predictedLabels(p: Prediction | undefined): string[] {
  return p ? labelSet(p.predicted_categories) : [];
}

const DECIDED: ReviewStatus[] = ['accepted', 'overridden', 'rejected', 'auto-accepted'];

/**
 * Stores one classifier's prediction, replacing only that classifier's previous one and clearing its
 * error. If the image was reviewed and the prediction the review was based on changed, the review is
 * marked stale (labels kept).
 */
export function applyPrediction(sc: Sidecar, pred: Prediction, now = new Date().toISOString()): Sidecar {
  const predictions = { ...sc.predictions, [pred.classifier]: pred };
  const errors = { ...sc.errors };
  delete errors[pred.classifier];
  let review = sc.review;
  const basis = review.based_on;
  const affects = DECIDED.includes(review.status) && (!basis || basis.classifier === pred.classifier);
  if (affects) {
    const newLabels = predictedLabels(pred);
    // An auto-accept was certified for one checkpoint: any other checkpoint's prediction voids it.
    const otherCheckpoint = review.status === 'auto-accepted' && !!basis && basis.checkpoint !== pred.checkpoint;
    const changed =
      !basis || !sameLabels(basis.labels, newLabels) || basis.categories_hash !== pred.categories_hash || otherCheckpoint;
    if (changed) {
      const reason = !basis
        ? 'prediction replaced'
        : basis.categories_hash !== pred.categories_hash
          ? 'categories changed since review'
          : otherCheckpoint
            ? `re-classified with ${pred.checkpoint}; the auto-accept was certified for ${basis.checkpoint}`
            : `prediction changed from [${basis.labels.join(', ')}] to [${newLabels.join(', ')}]`;
      const ev: ReviewEvent = { action: 'stale', status: 'stale', labels: review.labels, by: 'image-triage', at: now, reason };
      review = { ...review, status: 'stale', history: [...review.history, ev] };
    }
  }
  return { ...sc, image: { ...sc.image, sha256: pred.image_sha256 }, predictions, errors, review };
}

export function applyPredictionError(sc: Sidecar, err: PredictionError): Sidecar {
  return { ...sc, errors: { ...sc.errors, [err.classifier]: err } };
}

/** The prediction a reviewer sees by default: the effective one (see effectivePrediction.ts). */
export function primaryPrediction(sc: Sidecar, prefer?: ClassifierKind): Prediction | undefined {
  if (prefer && sc.predictions[prefer]) return sc.predictions[prefer];
  return effectivePrediction(sc);
}

/** A human decision on an image: the CLI's, the panel's (it is the protocol's `Decision`) and the API's. */
export type ReviewDecision =
  | { action: 'accept' }
  | { action: 'reject' }
  /** Set exactly these labels. */
  | { action: 'label'; labels: string[] }
  /** Multi-label: add (on) or remove (off) one label from the image's current labels. */
  | { action: 'toggle'; label: string; on: boolean };

/** The labels a sidecar's image has now (see reviewRules.currentLabels). */
export function sidecarLabels(sc: Sidecar, classifier?: ClassifierKind): readonly string[] {
  return currentLabels({ status: sc.review.status, reviewLabels: sc.review.labels, predicted: predictedLabels(primaryPrediction(sc, classifier)) });
}

/**
 * Records a human decision. accept → the prediction's labels; label → the given labels (accepted if
 * they equal the prediction, overridden otherwise); toggle → the current labels with one added or
 * removed, then as label; reject → "none of these" (no labels).
 */
export function applyReview(
  sc: Sidecar,
  decision: ReviewDecision,
  who: { by: string; note?: string; classifier?: ClassifierKind },
  now = new Date().toISOString(),
): Sidecar {
  const pred = primaryPrediction(sc, who.classifier);
  const predicted = predictedLabels(pred);
  if (decision.action === 'toggle') {
    decision = { action: 'label', labels: toggledLabels(sidecarLabels(sc, who.classifier), decision.label, decision.on) };
  }
  let status: ReviewStatus;
  let labels: string[];
  if (decision.action === 'accept') {
    status = 'accepted';
    labels = predicted;
  } else if (decision.action === 'reject') {
    status = 'rejected';
    labels = [];
  } else {
    labels = [...new Set(decision.labels)];
    status = pred && sameLabels(labels, predicted) ? 'accepted' : 'overridden';
  }
  const ev: ReviewEvent = { action: decision.action, status, labels, by: who.by, at: now, ...(who.note ? { note: who.note } : {}) };
  const review: Review = {
    status,
    labels,
    by: who.by,
    at: now,
    ...(who.note ? { note: who.note } : {}),
    ...(pred
      ? { based_on: { classifier: pred.classifier, labels: predicted, categories_hash: pred.categories_hash, checkpoint: pred.checkpoint } }
      : {}),
    history: [...sc.review.history, ev],
  };
  return { ...sc, review };
}

/** Undo: puts back a previous review exactly as it was. */
export function restoreReview(sc: Sidecar, previous: Review): Sidecar {
  return { ...sc, review: structuredClone(previous) };
}

/** A prediction is current when model, categories and image are unchanged: a resumed run skips it. */
export function isPredictionCurrent(
  sc: Sidecar | null,
  key: { classifier: ClassifierKind; checkpoint: string; revision: string; dtype: string; categoriesHash: string; sha256: string; promptVersion?: string },
): boolean {
  const p = sc?.predictions[key.classifier];
  return (
    !!p &&
    p.checkpoint === key.checkpoint &&
    p.revision === key.revision &&
    p.dtype === key.dtype &&
    p.categories_hash === key.categoriesHash &&
    p.image_sha256 === key.sha256 &&
    p.prompt_version === key.promptVersion
  );
}
